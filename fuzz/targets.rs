//! The fuzz targets' bodies, one function per entry of the core that takes outside bytes. cargo-fuzz
//! runs each under libFuzzer (`fuzz/fuzz_targets/<name>.rs`, `make fuzz`); the stable test
//! `tests/fuzz_corpus.rs` replays the committed corpus and every past crash through the same
//! functions, so CI checks them without fuzzing. Each function must never panic, whatever the bytes,
//! and checks what must hold of what it got back (a wrong accept is worse than a crash).

use arbitrary::{Arbitrary, Unstructured};
use session_core::client::{seal, ClientOptions, ClientSession, CommitInput};
use session_core::cookie::{decode_uri_component, get_cookie, parse_cookie, parse_cookie_raw, read_cookies};
use session_core::inspect::{audit, inspect_json, parse_set_cookie, AuditOptions};
use session_core::session::{apply, data_part, delta, Facts, Ops, Phase, Record, Session, SessionOptions, Timeouts};
use session_core::Signer;

/// A target's body: any bytes at all.
pub type Target = fn(&[u8]);

/// Every target by name, as `make fuzz` and the corpus replay list them.
pub const TARGETS: &[(&str, Target)] = &[
    ("cookie_header", cookie_header),
    ("set_cookie", set_cookie),
    ("unsign", unsign),
    ("record", record),
    ("decision", decision),
    ("client_load", client_load),
    ("seal_open", seal_open),
    ("inspect", inspect),
    ("delta", delta_merge),
    ("csrf", csrf),
    ("cli", cli),
];

/// What a server hands over: Node gives header bytes as latin1 when they are not ASCII, so a
/// target sees both readings of the same bytes.
fn texts(data: &[u8]) -> [String; 2] {
    [String::from_utf8_lossy(data).into_owned(), data.iter().map(|&b| b as char).collect()]
}

const SECRETS: [&str; 2] = ["keyboard cat", "an older secret"];

/// A `Cookie` header: `cookie@0.7`'s parse, one cookie's lookup, cookie-parser's jar.
pub fn cookie_header(data: &[u8]) {
    let signer = Signer::new(&SECRETS).unwrap_or_else(|| unreachable!());
    for h in texts(data) {
        let pairs = parse_cookie(&h);
        let mut names: Vec<&str> = pairs.iter().map(|(k, _)| k.as_str()).collect();
        assert!(!names.contains(&"__proto__"), "__proto__ is never a cookie name");
        names.sort_unstable();
        let n = names.len();
        names.dedup();
        assert_eq!(n, names.len(), "the first of each name wins: names are unique");
        assert_eq!(parse_cookie_raw(&h).len(), n);
        if let Some((k, v)) = pairs.first() {
            assert_eq!(get_cookie(&h, k).as_deref(), Some(v.as_str()), "get_cookie agrees with parse_cookie");
        }
        let _ = read_cookies(&h, Some(&signer));
        let _ = decode_uri_component(&h);
    }
}

/// `Set-Cookie` lines: the inspector's parser and the audit of a response's cookies.
pub fn set_cookie(data: &[u8]) {
    for h in texts(data) {
        for line in h.lines() {
            if let Some(c) = parse_set_cookie(line) {
                let _ = c.expiry(0);
                let _ = c.expiry(i64::MAX);
                let _ = c.expiry(i64::MIN);
            }
        }
        let _ = audit(&h, &AuditOptions { url: Some("https://example.com/".into()), now: 1_767_225_600_000 });
        let _ = audit(&h, &AuditOptions { url: None, now: 0 });
    }
}

/// A signed value: whatever verifies is exactly what signing its value gives (no second form).
pub fn unsign(data: &[u8]) {
    let signer = Signer::new(&SECRETS).unwrap_or_else(|| unreachable!());
    for s in texts(data) {
        if let Some(u) = signer.unsign(&s) {
            let again = Signer::new(&[SECRETS[u.secret_index]]).unwrap_or_else(|| unreachable!()).sign(&u.value);
            assert_eq!(again, s, "a value verifies only in the form signing gives");
        }
    }
}

/// A stored record: parse, the data part, its times, written back.
pub fn record(data: &[u8]) {
    let [text, _] = texts(data);
    if let Ok(r) = Record::parse(&text) {
        let _ = r.times();
        let _ = r.expires();
        let json = r.to_json();
        let back = Record::parse(&json).unwrap_or_else(|e| panic!("a record written back reads again: {e}"));
        assert_eq!(back.to_json(), json, "writing a record is stable");
    }
    let _ = data_part(&text);
}

/// The choices of a decision, drawn from the bytes (structure-aware).
#[derive(Debug, Arbitrary)]
struct Choices<'a> {
    phase: u8,
    now: i64,
    secure: bool,
    cookie_present: bool,
    cookie_matches: bool,
    cookie_old_secret: bool,
    same_original_id: bool,
    saved_is_original: bool,
    destroyed: bool,
    touched: bool,
    store_touch: bool,
    want_record: bool,
    idle: Option<u32>,
    absolute: Option<u32>,
    rolling: bool,
    resave: bool,
    id: Option<&'a str>,
    original: Option<&'a str>,
    saved: Option<&'a str>,
    session: Option<&'a str>,
    header: &'a str,
    want_delta: bool,
    inc: Option<&'a str>,
    push: Option<&'a str>,
}

/// An Express request: the cookie's id, the loaded record's end, the decision as the response goes out.
pub fn decision(data: &[u8]) {
    let Ok(c) = Choices::arbitrary(&mut Unstructured::new(data)) else { return };
    let options = SessionOptions {
        rolling: c.rolling,
        resave: c.resave,
        timeouts: Timeouts {
            idle_timeout: c.idle.map(f64::from),
            absolute_timeout: c.absolute.map(f64::from),
            ..Default::default()
        },
        ..Default::default()
    };
    let Ok(s) = Session::new(options, &SECRETS) else { return };
    if let Some(found) = s.cookie_id(c.header) {
        assert!(found.secret_index < SECRETS.len());
    }
    if let Some(original) = c.original {
        let _ = s.ended(original, c.now);
    }
    let facts = Facts {
        phase: [Phase::Headers, Phase::End, Phase::Both][c.phase as usize % 3],
        now: c.now,
        secure: c.secure,
        cookie_present: c.cookie_present,
        cookie_matches: c.cookie_matches,
        cookie_old_secret: c.cookie_old_secret,
        session_id: c.id,
        same_original_id: c.same_original_id,
        original: c.original,
        saved: c.saved,
        saved_is_original: c.saved_is_original,
        session: c.session,
        destroyed: c.destroyed,
        touched: c.touched,
        store_touch: c.store_touch,
        want_record: c.want_record,
        want_delta: c.want_delta,
        ops: Ops { inc: c.inc, push: c.push },
        signed: None,
    };
    if let Ok(out) = s.decide_facts(&facts) {
        if let Some(record) = out.record {
            assert!(Record::parse(&record).is_ok(), "the record a decision writes reads again");
        }
    }
}

/// A cookie-session request: load from a `Cookie` header in each mode, then commit what was read.
pub fn client_load(data: &[u8]) {
    let modes = [
        ClientOptions::default(),
        ClientOptions { encrypt: true, ..Default::default() },
        ClientOptions { signed: false, ..Default::default() },
        // issue 16: the signed frame (issue time, deflate) and chunks; sealed and deflated
        ClientOptions {
            not_before: true,
            compress: Some(Default::default()),
            chunk: Some(Default::default()),
            ..Default::default()
        },
        ClientOptions {
            encrypt: true,
            compress: Some(Default::default()),
            chunk: Some(Default::default()),
            ..Default::default()
        },
    ];
    for h in texts(data) {
        for opts in modes.clone() {
            let Ok(cs) = ClientSession::new(opts, &SECRETS) else { continue };
            let loaded = cs.load(&h, 1_767_225_600_000);
            let session = loaded.body.clone().unwrap_or_else(|| "{}".into());
            let input = CommitInput {
                now: 1_767_225_600_000,
                secure: true,
                accessed: true,
                is_new: loaded.body.is_none(),
                raw: loaded.raw.clone(),
                original: loaded.body.as_deref(),
                session: Some(&session),
                key_index: loaded.key_index,
                clear_sig: loaded.clear_sig,
                migrated: loaded.migrated,
                created_at: loaded.created_at,
                last_seen: loaded.last_seen,
                issued_at: loaded.issued_at,
                present: loaded.present,
                unset: false,
                options: Default::default(),
            };
            let _ = cs.commit(&input);
        }
    }
}

/// A sealed value: whatever opens was sealed by one of the keys, for this cookie name.
pub fn seal_open(data: &[u8]) {
    let keys: Vec<_> = SECRETS.iter().map(|k| seal::SealKey::derive(k.as_bytes())).collect();
    for s in texts(data) {
        if let Ok((_, index)) = seal::open(&keys, "session", &s) {
            assert!(index < keys.len());
            assert!(seal::open(&keys, "other", &s).is_err(), "a sealed value is bound to its cookie's name");
        }
    }
}

/// The inspector on a header, both as a `Cookie` and as `Set-Cookie` lines, with secrets and keys.
pub fn inspect(data: &[u8]) {
    for h in texts(data) {
        for options in [
            r#"{"secrets":["keyboard cat"],"keys":["keyboard cat"],"now":1767225600000}"#,
            r#"{"as":"set-cookie","url":"http://localhost/","now":0}"#,
        ] {
            let report = inspect_json(&h, options);
            assert!(report.starts_with('{'), "the report is JSON");
        }
    }
}

/// The pieces of a merge, drawn from the bytes: a record as loaded, as now, as stored, and ops.
#[derive(Debug, Arbitrary)]
struct Merge<'a> {
    base: &'a str,
    now: &'a str,
    stored: &'a str,
    inc: Option<&'a str>,
    push: Option<&'a str>,
    delta: &'a str,
}

/// The delta of a request and its merge into the stored record (what RedisStore and MemoryStore
/// write): whatever merges reads again as a record.
pub fn delta_merge(data: &[u8]) {
    let Ok(m) = Merge::arbitrary(&mut Unstructured::new(data)) else { return };
    let ops = Ops { inc: m.inc, push: m.push };
    if let Ok(d) = delta(m.base, m.now, &ops) {
        if let Ok(merged) = apply(m.stored, &d) {
            assert!(Record::parse(&merged).is_ok(), "a merged record reads again: {m:?} delta {d:?} merged {merged:?}");
        }
        if Record::parse(m.base).is_ok() {
            if let Ok(merged) = apply(m.base, &d) {
                assert!(Record::parse(&merged).is_ok());
            }
        }
    }
    let _ = apply(m.stored, m.delta);
}

/// A CSRF token against a secret: whatever verifies is a token made from that secret (csurf's
/// format: `salt-hash`), and never one made from another secret.
pub fn csrf(data: &[u8]) {
    let [token, latin1] = texts(data);
    for secret in ["a csrf secret 24 chars..", ""] {
        let _ = session_core::csrf::verify(secret, &token);
        let _ = session_core::csrf::verify(secret, &latin1);
    }
    let secret = "a csrf secret 24 chars..";
    if session_core::csrf::verify(secret, &token) {
        let (salt, _) = token.split_once('-').unwrap_or_else(|| panic!("a verified token has a salt: {token:?}"));
        assert_eq!(session_core::csrf::token_with_salt(secret, salt), token, "only the token made from this secret");
        assert!(!session_core::csrf::verify("another secret of 24 ch.", &token));
    }
    let made = session_core::csrf::token(secret);
    assert!(session_core::csrf::verify(secret, &made));
}

/// The command line (the core's, shared by the native binary and the npm bin): arguments split at
/// NUL bytes, the rest after a second NUL-NUL as standard input and every file and variable asked
/// for. Whatever they are, the answer is exit code 0, 1 or 2, and an error is one line.
pub fn cli(data: &[u8]) {
    use session_core::cli::{needs, run, Inputs, Read};
    let [text, _] = texts(data);
    let (argv, input) = text.split_once("\0\0").unwrap_or((&text, ""));
    let args: Vec<String> = argv.split('\0').map(str::to_owned).collect();
    let wanted = needs(&args);
    let mut inputs = Inputs { now: 1_767_225_600_000, ..Inputs::default() };
    if wanted.stdin {
        inputs.stdin = Some(Read::Text(input.to_owned()));
    }
    for path in wanted.files {
        inputs.files.insert(path, Read::Text(input.to_owned()));
    }
    for name in wanted.env {
        inputs.env.insert(name, Some(input.to_owned()));
    }
    let out = run(&args, &inputs);
    assert!(out.code <= 2, "exit code {}", out.code);
    if out.code == 2 {
        assert!(!out.stderr.trim_end().is_empty(), "a usage error says why");
        assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    }
}
