//! The native figures, a plain harness (no criterion), built in release:
//! `cargo run --release --example native` (bench/run.js runs it as part of `make bench`).
//!
//! Each case is timed in interleaved rounds (every case once per round, so a busy machine slows all
//! of them alike) and reported as the median ns per operation:
//! - `hmac`: raw HMAC-SHA256 of a 32-character id with a cached key (the `hmac` crate), the floor;
//! - `sign`: session-core's [`Signer::sign`] of the same id (target: within 1.5x of `hmac`);
//! - `express_cookie`: one request of the Express middleware with a valid cookie — the cookie id read
//!   and verified, then the response's decision for a changed session (target: <= 3 us);
//! - `express_new`: a request without a cookie — a new id, then the decision (no target);
//! - `client_signed`: one cookie-session request, signed mode — load, then commit of a changed session
//!   (target: <= 3 us);
//! - `client_encrypted`: the same in encrypted mode (sealed; no target, printed beside the others).
//!
//! Only public items of the crate are used. The two functions that speak the core's per-request
//! types ([`express_request`], [`client_request`]) are the only places to adapt when those change.
//!
//! Each case first runs once and its answer is checked (so a change of the core's types or rules that
//! breaks the harness says so); `--check` stops there, and `cargo test --all-targets` runs the same
//! check as a test. With `BENCH_JSON_OUT=<file>` the figures are
//! also written as JSON: `{ "rounds": n, "ns": { "<case>": ns_per_op, ... } }`. `BENCH_QUICK=1`
//! shortens the run.

use std::hint::black_box;
use std::time::Instant;

use base64::Engine;
use hmac::{Hmac, Mac};
use session_core::client::{ClientOptions, ClientSession, CommitInput, Committed};
use session_core::cookie::encode_uri_component;
use session_core::session::{Facts, Output, Phase, Session, SessionOptions};
use session_core::{generate_session_id, Signer};

const SECRET: &str = "keyboard cat";
const ID: &str = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
/// 2026-01-01T00:00:00Z, the vectors' clock.
const NOW: i64 = 1_767_225_600_000;
/// The record express-session (and session-core) store for `req.session.n = 1`, `maxAge: 3600000`.
const STORED: &str =
    r#"{"cookie":{"originalMaxAge":3600000,"expires":"2026-01-01T01:00:00.000Z","httpOnly":true,"path":"/"},"n":1}"#;
/// The same session after `req.session.n++`, as `JSON.stringify(req.session)` gives it.
const CHANGED: &str =
    r#"{"cookie":{"originalMaxAge":3600000,"expires":"2026-01-01T01:00:00.000Z","httpOnly":true,"path":"/"},"n":2}"#;
/// A brand-new session's record.
const FRESH: &str =
    r#"{"cookie":{"originalMaxAge":3600000,"expires":"2026-01-01T01:00:00.000Z","httpOnly":true,"path":"/"}}"#;

type HmacSha256 = Hmac<sha2::Sha256>;

/// A response's decision input in the lean form the wasm binding fills ([`Facts`]): record texts
/// go in as text; `cookie` is the verified cookie's (id, secret index), when the request had one.
fn facts<'a>(
    session_id: &'a str,
    cookie: Option<usize>,
    original: &'a str,
    saved: Option<&'a str>,
    session: &'a str,
    now: i64,
) -> Facts<'a> {
    Facts {
        phase: Phase::Both,
        now,
        secure: false,
        cookie_present: cookie.is_some(),
        cookie_matches: cookie.is_some(),
        cookie_old_secret: cookie.is_some_and(|i| i > 0),
        session_id: Some(session_id),
        same_original_id: true,
        original: Some(original),
        saved,
        saved_is_original: saved == Some(original),
        session: Some(session),
        destroyed: false,
        touched: false,
        store_touch: true,
        want_record: true,
        want_delta: false,
        ops: Default::default(),
        signed: None,
    }
}

/// One Express request with a session cookie: verify the cookie, then decide the response for the
/// changed session (resave off, so the saved record is the loaded one).
fn express_request(core: &Session, header: &str, stored: &str, changed: &str, now: i64) -> Output {
    let hit = core.cookie_id(header).expect("the bench's cookie verifies");
    core.decide_facts(&facts(&hit.id, Some(hit.secret_index), stored, Some(stored), changed, now))
        .expect("a valid decision input")
}

/// One Express request without a cookie: a new id, then the decision (`saveUninitialized`).
fn express_new_request(core: &Session, fresh: &str, now: i64) -> Output {
    let id = generate_session_id();
    core.decide_facts(&facts(&id, None, fresh, None, fresh, now)).expect("a valid decision input")
}

/// One cookie-session request: load the session from the Cookie header, commit the changed one.
fn client_request(core: &ClientSession, header: &str, changed: &str, now: i64) -> Committed {
    let loaded = core.load(header, now);
    let input = CommitInput {
        now,
        secure: false,
        accessed: true,
        unset: false,
        is_new: loaded.body.is_none(),
        raw: loaded.raw.clone(),
        original: loaded.body.as_deref(),
        session: Some(changed),
        key_index: loaded.key_index,
        clear_sig: loaded.clear_sig,
        migrated: loaded.migrated,
        created_at: loaded.created_at,
        last_seen: loaded.last_seen,
        issued_at: loaded.issued_at,
        present: loaded.present,
        options: Default::default(),
    };
    core.commit(&input).expect("a valid commit input")
}

/// The Cookie header a browser sends back after a new session `{"n":1}` was committed.
fn client_cookie(core: &ClientSession) -> String {
    let first = CommitInput {
        now: NOW,
        secure: false,
        accessed: true,
        unset: false,
        is_new: true,
        raw: None,
        original: None,
        session: Some(r#"{"n":1}"#),
        key_index: None,
        clear_sig: false,
        migrated: false,
        created_at: None,
        last_seen: None,
        issued_at: None,
        present: 0,
        options: Default::default(),
    };
    let out = core.commit(&first).expect("a valid commit input");
    let pairs: Vec<&str> = out.set_cookies.iter().map(|(_, h)| h.split(';').next().unwrap_or_default()).collect();
    pairs.join("; ")
}

struct Case<'a> {
    name: &'static str,
    run: Box<dyn FnMut() + 'a>,
    samples: Vec<f64>,
    iters: u64,
}

/// Times `iters` calls, in ns per call.
fn time(run: &mut dyn FnMut(), iters: u64) -> f64 {
    let t = Instant::now();
    for _ in 0..iters {
        run();
    }
    t.elapsed().as_nanos() as f64 / iters as f64
}

fn median(xs: &[f64]) -> f64 {
    let mut v = xs.to_vec();
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

/// What the cases run on: keys, cores and the cookies a browser would send back.
struct Fixtures {
    key: HmacSha256,
    signer: Signer,
    express: Session,
    header: String,
    signed: ClientSession,
    signed_cookie: String,
    sealed: ClientSession,
    sealed_cookie: String,
}

fn fixtures() -> Fixtures {
    let express =
        Session::new(SessionOptions { resave: false, save_uninitialized: true, ..Default::default() }, &[SECRET])
            .expect("valid options");
    let header = format!("connect.sid={}", encode_uri_component(&express.cookie_value(ID)));
    let signed = ClientSession::new(ClientOptions::default(), &[SECRET]).expect("valid options");
    let sealed =
        ClientSession::new(ClientOptions { encrypt: true, ..Default::default() }, &[SECRET]).expect("valid options");
    Fixtures {
        key: HmacSha256::new_from_slice(SECRET.as_bytes()).expect("HMAC takes any key length"),
        signer: Signer::new(&[SECRET]).expect("one secret"),
        express,
        header,
        signed_cookie: client_cookie(&signed),
        signed,
        sealed_cookie: client_cookie(&sealed),
        sealed,
    }
}

/// Every case answers as a request of the benchmark would (and `sign` is the raw HMAC, encoded).
fn check(f: &Fixtures) {
    let mut mac = f.key.clone();
    mac.update(ID.as_bytes());
    let raw_sig = base64::engine::general_purpose::STANDARD_NO_PAD.encode(mac.finalize().into_bytes());
    assert_eq!(f.signer.sign(ID), format!("{ID}.{raw_sig}"), "sign is HMAC-SHA256, base64 without padding");
    let out = express_request(&f.express, &f.header, STORED, CHANGED, NOW);
    assert!(out.save && out.set_cookie.is_some(), "express decision: save and set the cookie, got {out:?}");
    let out = express_new_request(&f.express, FRESH, NOW);
    assert!(out.save && out.set_cookie.is_some(), "new session: save and set the cookie, got {out:?}");
    for (name, core, cookie) in [("signed", &f.signed, &f.signed_cookie), ("encrypted", &f.sealed, &f.sealed_cookie)] {
        let loaded = core.load(cookie, NOW);
        assert!(loaded.body.is_some(), "cookie-session {name}: the cookie loads, got {loaded:?}");
        let out = client_request(core, cookie, r#"{"n":2}"#, NOW);
        assert!(out.wrote && !out.set_cookies.is_empty(), "cookie-session {name}: a new cookie, got {out:?}");
    }
}

/// Under `cargo test --all-targets` (so in `make test`): the harness still fits the core's types and
/// rules. Nothing is timed.
#[test]
fn every_case_answers() {
    check(&fixtures());
}

fn main() {
    let timed = !std::env::args().any(|a| a == "--check");
    let quick = std::env::var("BENCH_QUICK").is_ok_and(|v| !v.is_empty() && v != "0");
    let f = fixtures();
    check(&f);
    if !timed {
        println!("bench/native.rs: every case answers as expected");
        return;
    }
    let Fixtures { key, signer, express, header, signed, signed_cookie, sealed, sealed_cookie } = f;

    let mut cases = vec![
        Case {
            name: "hmac",
            run: Box::new(|| {
                let mut mac = key.clone();
                mac.update(black_box(ID).as_bytes());
                black_box(mac.finalize().into_bytes());
            }),
            samples: vec![],
            iters: 0,
        },
        Case { name: "sign", run: Box::new(|| drop(black_box(signer.sign(black_box(ID))))), samples: vec![], iters: 0 },
        Case {
            name: "express_cookie",
            run: Box::new(|| drop(black_box(express_request(&express, black_box(&header), STORED, CHANGED, NOW)))),
            samples: vec![],
            iters: 0,
        },
        Case {
            name: "express_new",
            run: Box::new(|| drop(black_box(express_new_request(&express, black_box(FRESH), NOW)))),
            samples: vec![],
            iters: 0,
        },
        Case {
            name: "client_signed",
            run: Box::new(|| drop(black_box(client_request(&signed, black_box(&signed_cookie), r#"{"n":2}"#, NOW)))),
            samples: vec![],
            iters: 0,
        },
        Case {
            name: "client_encrypted",
            run: Box::new(|| drop(black_box(client_request(&sealed, black_box(&sealed_cookie), r#"{"n":2}"#, NOW)))),
            samples: vec![],
            iters: 0,
        },
    ];

    // Calibrate: enough calls for about `batch` ns per sample.
    let batch = if quick { 20e6 } else { 100e6 };
    for c in &mut cases {
        let mut n = 16u64;
        let per = loop {
            let t = time(&mut c.run, n);
            if t * n as f64 > 5e6 || n > 1 << 26 {
                break t;
            }
            n *= 4;
        };
        c.iters = ((batch / per) as u64).max(1);
    }
    let rounds = if quick { 3 } else { 11 };
    for _ in 0..rounds {
        for c in &mut cases {
            let t = time(&mut c.run, c.iters);
            c.samples.push(t);
        }
    }

    let ns: Vec<(&str, f64)> = cases.iter().map(|c| (c.name, median(&c.samples))).collect();
    let get = |name: &str| ns.iter().find(|(n, _)| *n == name).map_or(f64::NAN, |(_, v)| *v);
    let hmac = get("hmac");
    println!("native (release build, median of {rounds} interleaved rounds), per operation:");
    for (name, v) in &ns {
        println!("  {name:<18} {:>9.3} us   {:>6.1}x raw HMAC", v / 1000.0, v / hmac);
    }
    if let Ok(path) = std::env::var("BENCH_JSON_OUT") {
        let map: serde_json::Map<String, serde_json::Value> =
            ns.iter().map(|(n, v)| ((*n).to_owned(), serde_json::json!((v * 10.0).round() / 10.0))).collect();
        let json = serde_json::json!({ "rounds": rounds, "ns": map });
        std::fs::write(&path, json.to_string() + "\n").expect("BENCH_JSON_OUT is writable");
    }
}
