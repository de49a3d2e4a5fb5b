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
    ("flow", flow),
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
        // revocable and big client sessions: the signed frame (issue time, deflate) and chunks; sealed and deflated
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

/// A store's answer to a read, drawn from the bytes: nothing, any text, a record, a tombstone, or
/// what an earlier step wrote (the request's own store, kept by the target).
#[derive(Debug, Arbitrary)]
enum Found<'a> {
    Nothing,
    Text(&'a str),
    Record {
        max_age: Option<u32>,
        expires: Option<i64>,
        created_at: Option<i64>,
        last_seen: Option<i64>,
        data: &'a str,
    },
    Tombstone {
        regenerated: i64,
        /// The successor: an own id's key (`Ok(which)`) or any text.
        successor: Option<Result<u8, &'a str>>,
        expires: Option<i64>,
    },
    /// What the request's store holds at the key read now.
    Stored,
}

/// An id a step names: one the request has met (begin's, genid's, a regenerate's), a prefix of one
/// (ids may hold '.': `s:<id>.<signature>`), or any text.
#[derive(Debug, Arbitrary)]
enum IdChoice<'a> {
    Own(u8),
    PrefixOf(u8, u8),
    Any(&'a str),
}

/// One step of a request, in any order.
#[derive(Debug, Arbitrary)]
enum Step<'a> {
    /// Another request's start (its lookup joins the ones the steps pick from).
    Begin {
        cookie: Option<&'a str>,
        signed_id: Option<&'a str>,
        old_secret: bool,
        header: Option<&'a str>,
        path: &'a str,
    },
    /// The store answered a read of lookup `which`.
    Loaded {
        which: u8,
        found: Found<'a>,
        method: u8,
        later: i32,
    },
    SignedOut {
        which: u8,
        since: Option<i64>,
        before: Option<i64>,
        kept: bool,
    },
    Generated {
        id: &'a str,
    },
    Respond {
        id: Option<IdChoice<'a>>,
        phase: u8,
        flags: u32,
        original: Option<Found<'a>>,
        saved: Option<Found<'a>>,
        session: Option<Found<'a>>,
        inc: Option<&'a str>,
        push: Option<&'a str>,
        /// Hand back the verified cookie value of lookup `n` (the door's contract: only while the
        /// session's id is the cookie's; the core must not trust it further).
        signed_of: Option<u8>,
        vary: Option<&'a str>,
        cache_control: Option<&'a str>,
    },
    Save {
        id: IdChoice<'a>,
        session: Found<'a>,
        base: Option<Found<'a>>,
        inc: Option<&'a str>,
        flags: u8,
    },
    Regenerate {
        id: IdChoice<'a>,
        stored: Option<Found<'a>>,
        new_id: IdChoice<'a>,
        read_only: bool,
    },
    Destroy {
        id: IdChoice<'a>,
    },
}

/// A request's options and facts, then its steps.
#[derive(Debug, Arbitrary)]
struct FlowRun<'a> {
    hash_ids: bool,
    grace: Option<u16>,
    idle: Option<u32>,
    absolute: Option<u32>,
    cache_headers: bool,
    resave: bool,
    save_uninitialized: bool,
    rolling: bool,
    unset_destroy: bool,
    now: i64,
    cookie: Option<&'a str>,
    signed_id: Option<&'a str>,
    id_header: Option<&'a str>,
    parsed_signed: Option<&'a str>,
    parsed_raw: Option<&'a str>,
    path: &'a str,
    cookie_path: &'a str,
    steps: Vec<Step<'a>>,
}

/// A JSON string literal of `s`.
fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// What a request's flow may touch: every key written or destroyed is the session's own.
struct Own {
    hash_ids: bool,
    /// Every id the request met.
    ids: Vec<String>,
    /// The request's store (what the writes left), read back by [`Found::Stored`].
    store: std::collections::HashMap<String, String>,
}

impl Own {
    fn key(&self, id: &str) -> String {
        if self.hash_ids {
            session_core::session::store_key(id)
        } else {
            id.to_owned()
        }
    }

    fn pick(&self, c: &IdChoice) -> String {
        let n = self.ids.len().max(1);
        match c {
            IdChoice::Own(i) => self.ids.get(*i as usize % n).cloned().unwrap_or_default(),
            IdChoice::PrefixOf(i, len) => {
                let id = self.ids.get(*i as usize % n).cloned().unwrap_or_default();
                id.char_indices().nth(*len as usize).map_or(id.clone(), |(at, _)| id[..at].to_owned())
            }
            IdChoice::Any(s) => (*s).to_owned(),
        }
    }

    fn text(&self, f: &Found, key: &str) -> Option<String> {
        use std::fmt::Write as _;
        match f {
            Found::Nothing => None,
            Found::Text(t) => Some((*t).to_owned()),
            Found::Record { max_age, expires, created_at, last_seen, data } => {
                let mut c = String::from("{\"cookie\":{");
                let _ = match max_age {
                    Some(m) => write!(c, "\"originalMaxAge\":{m},"),
                    None => write!(c, "\"originalMaxAge\":null,"),
                };
                let iso = expires.and_then(|e| session_core::date::to_iso_string(e as f64));
                let _ = match iso {
                    Some(i) => write!(c, "\"expires\":\"{i}\","),
                    None => write!(c, "\"expires\":null,"),
                };
                c.push_str("\"httpOnly\":true,\"path\":\"/\"");
                for (k, v) in [("createdAt", created_at), ("lastSeen", last_seen)] {
                    if let Some(v) = v {
                        let _ = write!(c, ",\"{k}\":{v}");
                    }
                }
                let _ = write!(c, "}},\"d\":{}}}", json_string(data));
                Some(c)
            }
            Found::Tombstone { regenerated, successor, expires } => {
                let mut c = format!("{{\"cookie\":{{\"regenerated\":{regenerated}");
                if let Some(i) = expires.and_then(|e| session_core::date::to_iso_string(e as f64)) {
                    let _ = write!(c, ",\"expires\":\"{i}\"");
                }
                let named = match successor {
                    Some(Ok(i)) => Some(self.key(&self.pick(&IdChoice::Own(*i)))),
                    Some(Err(t)) => Some((*t).to_owned()),
                    None => None,
                };
                if let Some(k) = named {
                    let _ = write!(c, ",\"successor\":{}", json_string(&k));
                }
                c.push_str("},\"n\":1}");
                Some(c)
            }
            Found::Stored => self.store.get(key).cloned(),
        }
    }

    /// A write the flow asked for: its key must be the session's own (`id`'s record, or its
    /// tombstone for a tombstone write); it lands in the request's store.
    fn written(&mut self, w: &session_core::flow::Write, id: &str) {
        use session_core::flow::Write;
        let key = self.key(id);
        match w {
            Write::Tombstone { key: k, .. } => {
                assert_eq!(
                    *k,
                    session_core::session::grace_key(&key),
                    "a tombstone goes under the old session's tombstone key"
                );
            }
            other => assert_eq!(other.key(), key, "a write goes under the session's own key"),
        }
        match w {
            Write::Destroy { key } => {
                self.store.remove(key);
            }
            Write::Save { key, record, .. }
            | Write::Merge { key, record, .. }
            | Write::Touch { key, record, .. }
            | Write::Tombstone { key, record, .. } => {
                assert!(
                    Record::parse(record).is_ok() || !w.kind().starts_with('t'),
                    "a touch or tombstone writes a record"
                );
                self.store.insert(key.clone(), record.clone());
            }
        }
    }
}

/// The request flow of a server-side session (src/flow/server.rs): arbitrary options and request
/// facts, then its steps in any order with any store answers. Never a panic, and every effect is
/// the session's own: a write or destroy goes under `key_of(id)` of an id the step was given (the
/// request's session id), a tombstone under `grace_key(key_of(id))`, naming `key_of(new id)` as its
/// successor; a move from the plain id (hashIds) writes `key_of(id)` and destroys that plain id
/// (never one shaped as a store key or a tombstone key); an over destroys the key the record was
/// read under (the id's key, or its plain id when moving). A tombstone's successor (any text in the
/// store) is only ever read. A Set-Cookie or id header carries the session's own id, signed by the
/// newest secret. The lookups handed back are the flow's own (the door keeps them as given).
pub fn flow(data: &[u8]) {
    use session_core::flow::{Begin, Incoming, Loaded, Lookup, Regenerate, Respond, Save, ServerFlow, Stage};
    use session_core::session::{grace_key, store_keys, successor, Ended, GRACE_PREFIX};
    let Ok(run) = FlowRun::arbitrary(&mut Unstructured::new(data)) else { return };
    let options = SessionOptions {
        hash_ids: run.hash_ids,
        regenerate_grace: run.grace.map_or(0.0, f64::from),
        cache_headers: run.cache_headers,
        resave: run.resave,
        save_uninitialized: run.save_uninitialized,
        rolling: run.rolling,
        unset: if run.unset_destroy { "destroy" } else { "keep" }.into(),
        timeouts: Timeouts {
            idle_timeout: run.idle.filter(|&v| v > 0).map(f64::from),
            absolute_timeout: run.absolute.filter(|&v| v > 0).map(f64::from),
            ..Default::default()
        },
        ..Default::default()
    };
    let Ok(session) = Session::new(options, &SECRETS) else { return };
    let newest = Session::new(session.options.clone(), &SECRETS[..1]).unwrap_or_else(|_| unreachable!());
    let f = ServerFlow::new(session);
    let mut own = Own { hash_ids: run.hash_ids, ids: Vec::new(), store: Default::default() };
    let mut lookups: Vec<Lookup> = Vec::new();
    let now = run.now;

    let begin = |own: &mut Own, lookups: &mut Vec<Lookup>, req: &Incoming| match f.begin(req) {
        Begin::Skip => assert!(!session_core::flow::path_matches(req.path, req.cookie_path)),
        Begin::New { by_header, rejected } => assert!(!(by_header && rejected), "only a cookie is rejected"),
        Begin::Load(l) => {
            assert_eq!(l.key, own.key(&l.id), "a lookup starts at the id's key");
            assert_eq!(l.stage, Stage::Record);
            assert!((l.secret_index as usize) < SECRETS.len());
            if let Some(v) = &l.signed {
                let c = f.session().unsign_value(v).unwrap_or_else(|| panic!("the verified value verifies: {v:?}"));
                assert_eq!(
                    (c.id.as_str(), c.secret_index),
                    (l.id.as_str(), 0),
                    "the verified value is the id's, newest secret"
                );
            }
            own.ids.push(l.id.clone());
            lookups.push(l);
        }
    };
    let signed_cookie = |id: &str, old: bool| {
        let s = Signer::new(&[SECRETS[usize::from(old)]]).unwrap_or_else(|| unreachable!());
        format!("connect.sid={}", session_core::cookie::encode_uri_component(&format!("s:{}", s.sign(id))))
    };
    {
        let cookie = match (run.signed_id, run.cookie) {
            (Some(id), rest) => {
                Some(format!("{}{}", rest.map(|r| format!("{r}; ")).unwrap_or_default(), signed_cookie(id, false)))
            }
            (None, c) => c.map(str::to_owned),
        };
        let req = Incoming {
            cookie_header: cookie.as_deref(),
            id_header: run.id_header,
            parsed_signed: run.parsed_signed,
            parsed_raw: run.parsed_raw,
            path: run.path,
            cookie_path: run.cookie_path,
        };
        begin(&mut own, &mut lookups, &req);
    }

    for step in run.steps.iter().take(64) {
        match step {
            Step::Begin { cookie, signed_id, old_secret, header, path } => {
                let c = match signed_id {
                    Some(id) => Some(signed_cookie(id, *old_secret)),
                    None => cookie.map(str::to_owned),
                };
                let req = Incoming {
                    cookie_header: c.as_deref(),
                    id_header: *header,
                    path,
                    cookie_path: "/",
                    ..Incoming::default()
                };
                begin(&mut own, &mut lookups, &req);
            }
            Step::Loaded { which, found, method, later } => {
                if lookups.is_empty() {
                    continue;
                }
                let n = *which as usize % lookups.len();
                let before = lookups[n].clone();
                let text = own.text(found, &before.key);
                let method = ["GET", "HEAD", "POST", "PUT", "get", ""][*method as usize % 6];
                let at = now.saturating_add(i64::from(*later));
                let answer = f.loaded(&mut lookups[n], text.as_deref(), method, at);
                let l = &lookups[n];
                assert_eq!(l.id, before.id, "a lookup keeps its id");
                let legacy = store_keys(&l.id, true).legacy;
                match &answer {
                    Loaded::Load => match (before.stage, l.stage) {
                        (Stage::Record, Stage::Legacy) => {
                            assert!(
                                own.hash_ids && legacy.as_deref() == Some(l.key.as_str()),
                                "the plain id, where allowed"
                            )
                        }
                        (Stage::Record | Stage::Legacy, Stage::Tombstone) => {
                            assert_eq!(l.key, grace_key(&own.key(&l.id)), "the id's tombstone key")
                        }
                        (Stage::Tombstone, Stage::Successor) => {
                            assert_eq!(Some(l.key.clone()), text.as_deref().and_then(successor), "the successor named");
                            assert_eq!(l.tombstone, text, "the tombstone kept for the next step");
                        }
                        (a, b) => panic!("no read from {a:?} to {b:?}"),
                    },
                    Loaded::Ready { moved } => {
                        assert!(
                            matches!(before.stage, Stage::Record | Stage::Legacy),
                            "a session is read from its keys"
                        );
                        assert!(text.as_deref().is_some_and(session_core::flow::is_record));
                        if let Some((to, from)) = moved {
                            assert_eq!(before.stage, Stage::Legacy);
                            assert_eq!(*to, own.key(&l.id), "moved to the id's key");
                            assert_eq!(*from, l.id, "moved from the plain id");
                            assert!(legacy.as_deref() == Some(from.as_str()) && !from.starts_with(GRACE_PREFIX));
                            if let Some(t) = &text {
                                own.store.insert(to.clone(), t.clone());
                            }
                            own.store.remove(from);
                        } else {
                            assert_eq!(before.stage, Stage::Record, "a plain-id record is always moved");
                        }
                    }
                    Loaded::Over { destroy, why } => {
                        assert!(matches!(before.stage, Stage::Record | Stage::Legacy) && *why != Ended::SignedOut);
                        assert_eq!(*destroy, before.key, "over: the key it was read under");
                        assert!(*destroy == own.key(&l.id) || legacy.as_deref() == Some(destroy.as_str()));
                        own.store.remove(destroy);
                    }
                    Loaded::ReadOnly { record } => {
                        assert!(matches!(before.stage, Stage::Tombstone | Stage::Successor));
                        assert!(Record::parse(record).is_ok(), "read-only data is a record");
                        assert_eq!(successor(record), None, "the new session's key is never handed to the old id");
                    }
                    Loaded::Refused => assert!(matches!(before.stage, Stage::Tombstone | Stage::Successor)),
                    Loaded::Bad(e) => {
                        assert!(matches!(before.stage, Stage::Record | Stage::Legacy));
                        assert_eq!(e.code(), "ERR_SESSION_CORE_BAD_RECORD");
                    }
                    Loaded::Missing => {}
                }
            }
            Step::SignedOut { which, since, before, kept } => {
                let Some(l) = lookups.get(*which as usize % lookups.len().max(1)) else { continue };
                if let Some(answer) = f.signed_out(&l.id, *since, *before, *kept) {
                    let Loaded::Over { destroy, why: Ended::SignedOut } = answer else { panic!("{answer:?}") };
                    assert_eq!(destroy, own.key(&l.id), "signed out: the id's key");
                    own.store.remove(&destroy);
                }
            }
            Step::Generated { id } => {
                if f.generated(id).is_ok() {
                    assert!(!own.hash_ids || session_core::session::hashable_id(id));
                    own.ids.push((*id).to_owned());
                }
            }
            Step::Respond { id, phase, flags, original, saved, session, inc, push, signed_of, vary, cache_control } => {
                let sid = id.as_ref().map(|c| own.pick(c));
                let key = sid.as_deref().map(|s| own.key(s)).unwrap_or_default();
                let texts = [original, saved, session].map(|f| f.as_ref().and_then(|f| own.text(f, &key)));
                let signed = signed_of
                    .and_then(|n| lookups.get(n as usize % lookups.len().max(1)))
                    .and_then(|l| l.signed.clone());
                let bit = |n: u32| flags & (1 << n) != 0;
                let r = Respond {
                    facts: Facts {
                        phase: [Phase::Headers, Phase::End, Phase::Both][*phase as usize % 3],
                        now,
                        secure: bit(0),
                        cookie_present: bit(1),
                        cookie_matches: bit(2),
                        cookie_old_secret: bit(3),
                        session_id: sid.as_deref(),
                        same_original_id: bit(4),
                        original: texts[0].as_deref(),
                        saved: texts[1].as_deref(),
                        saved_is_original: bit(5) && texts[0] == texts[1],
                        session: texts[2].as_deref(),
                        destroyed: bit(6),
                        touched: bit(7),
                        store_touch: bit(8),
                        want_record: bit(9),
                        want_delta: false,
                        ops: Ops { inc: *inc, push: *push },
                        signed: signed.as_deref(),
                    },
                    from_store: bit(10),
                    by_header: bit(11),
                    id_header_name: bit(12).then_some("x-session-id"),
                    read_only: bit(13),
                    store_failed: bit(14),
                    merges: bit(15),
                    lazy_delta: bit(16),
                    vary: *vary,
                    cache_control: *cache_control,
                };
                let Ok(fx) = f.respond(&r) else { continue };
                // the cookie (or id header) carries the session's own id, signed by the newest secret
                let carried = fx.set_cookie.as_deref().and_then(|c| {
                    let v = c.strip_prefix("connect.sid=")?.split(';').next()?;
                    session_core::cookie::decode_uri_component(v)
                });
                for v in carried.iter().chain(fx.id_header.iter()).filter(|v| !v.is_empty()) {
                    let c = newest.unsign_value(v).unwrap_or_else(|| panic!("the id travels signed: {v:?}"));
                    assert_eq!(Some(c.id.as_str()), sid.as_deref(), "the id sent is the session's own");
                }
                if let Some(w) = &fx.write {
                    own.written(w, sid.as_deref().unwrap_or_default());
                }
            }
            Step::Save { id, session, base, inc, flags } => {
                let id = own.pick(id);
                let key = own.key(&id);
                let Some(text) = own.text(session, &key) else { continue };
                let base = base.as_ref().and_then(|b| own.text(b, &key));
                let s = Save {
                    id: &id,
                    session: &text,
                    base: base.as_deref(),
                    ops: Ops { inc: *inc, push: None },
                    existing: flags & 1 != 0,
                    merges: flags & 2 != 0,
                    read_only: flags & 4 != 0,
                };
                if let Ok(w) = f.save(&s) {
                    own.written(&w, &id);
                }
            }
            Step::Regenerate { id, stored, new_id, read_only } => {
                let id = own.pick(id);
                let new_id = own.pick(new_id);
                let key = own.key(&id);
                let stored = stored.as_ref().and_then(|s| own.text(s, &key));
                let r = Regenerate { id: &id, stored: stored.as_deref(), read_only: *read_only, now };
                let Ok((tomb, destroy)) = f.regenerate(&r, &new_id) else { continue };
                if let Some(t) = &tomb {
                    let session_core::flow::Write::Tombstone { record, deadline, .. } = t else { panic!("{t:?}") };
                    // (an empty key names no successor: such a tombstone's window is its time only)
                    let next = Some(own.key(&new_id)).filter(|k| !k.is_empty());
                    assert_eq!(successor(record), next, "a tombstone leads to the new session's key");
                    assert!(*deadline >= now);
                    own.written(t, &id);
                }
                own.written(&destroy, &id);
                own.ids.push(new_id);
            }
            Step::Destroy { id } => {
                let id = own.pick(id);
                own.written(&f.destroy(&id), &id);
            }
        }
    }
}
