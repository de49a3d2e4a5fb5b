//! The opt-in options in the Rust layer, with their security cases: `hash_ids` (the
//! store never sees an id; a record under the plain id is moved), `regenerate_grace` (overlapping
//! requests at login, a fixation attempt inside the window, 409 on writes), `header` (the id in a
//! header, the CSRF exemption only without a cookie), and the cookie-session mode's `not_before`
//! (a revoked cookie refused, sync and async), `compress` (a zip bomb refused) and `chunk` (mixed
//! chunks refused, stale chunks expired). Also: a store record that is not a session record fails
//! the request with `ERR_SESSION_CORE_BAD_RECORD`, as in Express.
#![cfg(all(feature = "tower", not(target_arch = "wasm32")))]

use axum::body::Body;
use axum::routing::get;
use axum::Router;
use http::{Request, Response};
use serde_json::Value;
use session_core::server::{
    CookieSession, CookieSessionConfig, CookieSessionLayer, MemoryStore, Session, SessionConfig, SessionError,
    SessionLayer, SessionStore,
};
use session_core::session::{grace_key, store_key};
use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};
use std::sync::Arc;
use tower::ServiceExt;

const NOW: i64 = 1767225600000;
const SECRET: &str = "a secret of at least thirty-two bytes, for tests";

struct Server {
    app: Router,
    store: MemoryStore,
    clock: Arc<AtomicI64>,
}

fn server(config: impl FnOnce(SessionConfig) -> SessionConfig) -> Server {
    let clock = Arc::new(AtomicI64::new(NOW));
    let ids = Arc::new(AtomicUsize::new(0));
    let c = clock.clone();
    let store = MemoryStore::default().with_clock({
        let c = clock.clone();
        move || c.load(Ordering::SeqCst)
    });
    let base = SessionConfig::new([SECRET])
        .save_uninitialized(false)
        .resave(false)
        .max_age(86_400_000.0)
        .clock(move || c.load(Ordering::SeqCst))
        .genid(move || format!("generatedsessionid{:014}", ids.fetch_add(1, Ordering::SeqCst) + 1));
    let layer = SessionLayer::new(store.clone(), config(base)).expect("valid options");
    let app = Router::new()
        .route(
            "/user",
            get(|s: Session| async move { s.get::<String>("user").await.unwrap_or_default() }).post(
                |s: Session| async move {
                    s.insert("note", "written").await.expect("a string");
                    "posted"
                },
            ),
        )
        .route(
            "/visit",
            get(|s: Session| async move {
                s.insert("visited", true).await.expect("a bool");
                "visited"
            }),
        )
        .route(
            "/login",
            get(|s: Session| async move {
                s.regenerate().await;
                s.insert("user", "alice").await.expect("a string");
                "in"
            })
            .post(|s: Session| async move {
                s.regenerate().await;
                s.insert("user", "mallory").await.expect("a string");
                "in"
            }),
        )
        .route(
            "/csrf",
            get(|s: Session| async move { s.csrf_exempt().to_string() }).post(|s: Session| async move {
                if s.csrf_exempt() {
                    "exempt"
                } else {
                    "checked"
                }
            }),
        )
        .layer(layer);
    Server { app, store, clock }
}

struct Answer {
    status: u16,
    body: String,
    set_cookie: Vec<String>,
    res: Response<()>,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.res.headers().get(name).and_then(|v| v.to_str().ok())
    }
    fn cookie(&self) -> String {
        self.set_cookie.iter().map(|c| c.split(';').next().unwrap_or("")).collect::<Vec<_>>().join("; ")
    }
}

async fn send(app: &Router, method: &str, path: &str, headers: &[(&str, &str)]) -> Answer {
    let mut req = Request::builder().method(method).uri(path);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let res = app.clone().oneshot(req.body(Body::empty()).expect("request")).await.expect("response");
    let set_cookie = res.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap_or("").to_owned()).collect();
    let (parts, body) = res.into_parts();
    let body = axum::body::to_bytes(body, 1 << 20).await.expect("body");
    Answer {
        status: parts.status.as_u16(),
        body: String::from_utf8_lossy(&body).into_owned(),
        set_cookie,
        res: Response::from_parts(parts, ()),
    }
}

async fn get_(app: &Router, path: &str, cookie: &str) -> Answer {
    if cookie.is_empty() {
        send(app, "GET", path, &[]).await
    } else {
        send(app, "GET", path, &[("cookie", cookie)]).await
    }
}

/// The id inside a `connect.sid=s%3A<id>.<sig>` pair.
fn id_of(cookie: &str) -> String {
    let v = cookie.trim_start_matches("connect.sid=s%3A");
    v[..v.rfind('.').expect("signed")].to_owned()
}

/// A session cookie for `id`, signed with the secret (what an attacker holding the secret makes).
fn signed_cookie(id: &str) -> String {
    let core = session_core::session::Session::new(Default::default(), &[SECRET]).expect("secret");
    let v = core.cookie_value(id);
    format!("connect.sid={}", v.replace('%', "%25").replace(':', "%3A").replace('+', "%2B").replace('/', "%2F"))
}

fn error_code(a: &Answer) -> Option<String> {
    a.res.extensions().get::<SessionError>().map(|e| e.code.clone())
}

#[tokio::test]
async fn hash_ids_the_store_never_sees_an_id() {
    let s = server(|c| c.hash_ids(true));
    let a = get_(&s.app, "/login", "").await;
    let cookie = a.cookie();
    let id = id_of(&cookie);
    let all = s.store.snapshot();
    assert_eq!(all.len(), 1, "{all:?}");
    let (key, record) = all.iter().next().expect("one record");
    assert_eq!(key, &store_key(&id));
    assert!(!key.contains(&id) && !record.contains(&id), "no id in the store");
    assert_eq!(get_(&s.app, "/user", &cookie).await.body, "alice");
    // nothing in the store opens a session: each key, signed as an id, is a new empty session
    for k in all.keys() {
        assert_eq!(get_(&s.app, "/user", &signed_cookie(k)).await.body, "");
    }
}

#[tokio::test]
async fn hash_ids_moves_a_record_kept_under_the_plain_id() {
    let before = server(|c| c);
    let cookie = get_(&before.app, "/login", "").await.cookie();
    let id = id_of(&cookie);
    let record = before.store.record(&id).expect("stored under the id");
    let after = server(|c| c.hash_ids(true));
    after.store.save(&id, &record, None, false).await.expect("saved");
    assert_eq!(get_(&after.app, "/user", &cookie).await.body, "alice");
    assert!(after.store.record(&id).is_none(), "the plain-id record is gone");
    assert!(after.store.record(&store_key(&id)).is_some(), "kept under its key");
    assert_eq!(get_(&after.app, "/user", &cookie).await.body, "alice");
}

#[tokio::test]
async fn hash_ids_refuses_short_generated_ids() {
    let s = server(|c| c.hash_ids(true).genid(|| "short".into()));
    let a = get_(&s.app, "/visit", "").await;
    assert_eq!(a.status, 500);
    assert_eq!(error_code(&a).as_deref(), Some("ERR_SESSION_CORE_SHORT_ID"));
    assert!(a.set_cookie.is_empty() && s.store.is_empty());
}

#[tokio::test]
async fn regenerate_grace_overlapping_requests_at_login() {
    let s = server(|c| c.regenerate_grace(10_000.0));
    let old = get_(&s.app, "/visit", "").await.cookie();
    let new = get_(&s.app, "/login", &old).await.cookie();
    assert_ne!(id_of(&old), id_of(&new));
    // the tombstone sits under its own key, the old record is gone
    assert!(s.store.record(&id_of(&old)).is_none());
    assert!(s.store.record(&grace_key(&id_of(&old))).is_some());
    // a GET in flight with the old cookie: the old data, read-only, no Set-Cookie (the user stays signed in)
    s.clock.fetch_add(2_000, Ordering::SeqCst);
    let a = get_(&s.app, "/visit", &old).await;
    assert_eq!((a.status, a.body.as_str()), (200, "visited"));
    assert!(a.set_cookie.is_empty(), "{:?}", a.set_cookie);
    assert_eq!(get_(&s.app, "/user", &new).await.body, "alice");
    // a POST in flight: 409, ESESSIONREGENERATED, nothing written
    let before = s.store.snapshot();
    let a = send(&s.app, "POST", "/user", &[("cookie", &old)]).await;
    assert_eq!(a.status, 409);
    assert_eq!(error_code(&a).as_deref(), Some("ESESSIONREGENERATED"));
    assert_eq!(s.store.snapshot(), before);
    // after the window: a fresh session, as without grace
    s.clock.fetch_add(9_000, Ordering::SeqCst);
    let a = send(&s.app, "POST", "/user", &[("cookie", &old)]).await;
    assert_eq!(a.status, 200);
    assert_ne!(id_of(&a.cookie()), id_of(&old));
}

#[tokio::test]
async fn regenerate_grace_a_fixated_id_never_gets_the_new_session() {
    let s = server(|c| c.regenerate_grace(10_000.0));
    // the attacker's session, planted in the victim's browser
    let fixated = get_(&s.app, "/visit", "").await.cookie();
    // the victim signs in: a new id
    let victim = get_(&s.app, "/login", &fixated).await.cookie();
    assert_eq!(get_(&s.app, "/user", &victim).await.body, "alice");
    // the attacker, inside the window: the data before the login, never the user
    let a = get_(&s.app, "/user", &fixated).await;
    assert_eq!(a.body, "");
    assert!(a.set_cookie.is_empty());
    // nor can they log in from it (POST: 409; GET: read-only, the regenerate does nothing)
    assert_eq!(send(&s.app, "POST", "/login", &[("cookie", &fixated)]).await.status, 409);
    let a = get_(&s.app, "/login", &fixated).await;
    assert!(a.set_cookie.is_empty(), "{:?}", a.set_cookie);
    assert_eq!(get_(&s.app, "/user", &fixated).await.body, "");
    assert_eq!(s.store.len(), 2, "the victim's record and the tombstone: {:?}", s.store.snapshot());
    // a tombstone read under its own key is never a live session
    let tomb_id = grace_key(&id_of(&fixated));
    let a = get_(&s.app, "/user", &signed_cookie(&tomb_id)).await;
    assert_eq!(a.body, "");
}

#[tokio::test]
async fn regenerate_grace_with_hash_ids() {
    let s = server(|c| c.regenerate_grace(5_000.0).hash_ids(true));
    let old = get_(&s.app, "/visit", "").await.cookie();
    let new = get_(&s.app, "/login", &old).await.cookie();
    assert!(s.store.record(&grace_key(&store_key(&id_of(&old)))).is_some());
    assert_eq!(get_(&s.app, "/visit", &old).await.set_cookie.len(), 0);
    assert_eq!(get_(&s.app, "/user", &new).await.body, "alice");
}

#[tokio::test]
async fn header_carries_the_id_without_a_cookie() {
    let s = server(|c| c.header("X-Session-Id"));
    // an empty header asks for a first id
    let a = send(&s.app, "GET", "/visit", &[("x-session-id", "")]).await;
    assert!(a.set_cookie.is_empty(), "{:?}", a.set_cookie);
    let sent = a.header("x-session-id").expect("the id header").to_owned();
    assert!(sent.starts_with("s:"), "{sent}");
    assert_eq!(a.header("cache-control"), Some("private, no-store"));
    assert_eq!(a.header("vary"), Some("x-session-id"));
    // the header carries the session
    let a = send(&s.app, "GET", "/login", &[("x-session-id", &sent)]).await;
    let sent = a.header("x-session-id").expect("regenerated: a new id").to_owned();
    let a = send(&s.app, "GET", "/user", &[("x-session-id", &sent)]).await;
    assert_eq!(a.body, "alice");
    assert!(a.header("x-session-id").is_none() && a.set_cookie.is_empty());
    assert_eq!(a.header("vary"), Some("x-session-id"));
    // a cookie always wins: the header is not read
    let a = send(&s.app, "GET", "/user", &[("x-session-id", &sent), ("cookie", "connect.sid=junk")]).await;
    assert_eq!(a.body, "");
    // neither: a cookie, as without the option
    let a = get_(&s.app, "/visit", "").await;
    assert_eq!(a.set_cookie.len(), 1);
    assert!(a.header("x-session-id").is_none());
}

#[tokio::test]
async fn header_requests_alone_are_csrf_exempt() {
    let s = server(|c| c.header("x-session-id"));
    let a = send(&s.app, "POST", "/csrf", &[("x-session-id", "")]).await;
    assert_eq!(a.body, "exempt");
    let cookie = get_(&s.app, "/visit", "").await.cookie();
    // the session cookie (valid or not) makes it a browser request: checked, header or not
    assert_eq!(send(&s.app, "POST", "/csrf", &[("cookie", &cookie), ("x-session-id", "")]).await.body, "checked");
    assert_eq!(
        send(&s.app, "POST", "/csrf", &[("cookie", "connect.sid=junk"), ("x-session-id", "")]).await.body,
        "checked"
    );
    assert_eq!(send(&s.app, "POST", "/csrf", &[]).await.body, "checked");
    // without the option nothing is exempt
    let plain = server(|c| c);
    assert_eq!(send(&plain.app, "POST", "/csrf", &[("x-session-id", "")]).await.body, "checked");
}

#[tokio::test]
async fn a_record_that_is_not_a_session_fails_the_request() {
    let s = server(|c| c);
    let cookie = get_(&s.app, "/visit", "").await.cookie();
    let id = id_of(&cookie);
    for bad in ["[1,2]", "{\"no\":\"cookie\"}", "not json"] {
        s.store.save(&id, bad, None, true).await.expect("saved");
        let a = get_(&s.app, "/user", &cookie).await;
        assert_eq!(a.status, 500, "{bad}");
        assert_eq!(error_code(&a).as_deref(), Some("ERR_SESSION_CORE_BAD_RECORD"), "{bad}");
        assert!(a.set_cookie.is_empty());
        assert_eq!(s.store.record(&id).as_deref(), Some(bad), "left as it is");
    }
}

#[test]
fn options_are_checked() {
    let bad = |c: SessionConfig| match SessionLayer::new(MemoryStore::default(), c) {
        Ok(_) => panic!("accepted"),
        Err(e) => e,
    };
    let e = bad(SessionConfig::new([SECRET]).regenerate_grace(60_001.0));
    assert_eq!(e.field(), Some("regenerateGrace"));
    assert_eq!(bad(SessionConfig::new([SECRET]).regenerate_grace(-1.0)).field(), Some("regenerateGrace"));
    assert_eq!(bad(SessionConfig::new([SECRET]).header("set-cookie")).field(), Some("header"));
    assert_eq!(bad(SessionConfig::new([SECRET]).header("bad header")).field(), Some("header"));
    assert!(SessionLayer::new(MemoryStore::default(), SessionConfig::new([SECRET]).regenerate_grace(0.0)).is_ok());
    // from a new user's trial: an empty secret signed with an empty HMAC key (anyone could sign any
    // id), and a maxAge past what a date holds sent cookies without an expiry or none at all
    assert_eq!(bad(SessionConfig::new([""])).field(), Some("secret"));
    assert_eq!(bad(SessionConfig::new([SECRET, ""])).field(), Some("secret"));
    assert_eq!(bad(SessionConfig::new([SECRET]).max_age(1e308)).field(), Some("cookie.maxAge"));
    assert_eq!(bad(SessionConfig::new([SECRET]).max_age(f64::NAN)).field(), Some("cookie.maxAge"));
    let client_bad = |c: CookieSessionConfig| CookieSessionLayer::new(c).err().map(|e| e.field().map(str::to_owned));
    assert_eq!(client_bad(CookieSessionConfig::new([""])), Some(Some("keys".into())));
    assert_eq!(client_bad(CookieSessionConfig::new(["k"]).max_age(f64::NAN)), Some(Some("maxAge".into())));
    assert_eq!(client_bad(CookieSessionConfig::new(["k"]).max_age(1e300)), Some(Some("maxAge".into())));
    assert_eq!(client_bad(CookieSessionConfig::new(["k"]).max_age(86_400_000.0)), None);
}

// ---- cookie-session mode ----

const FRAMES: &str = include_str!("vectors/client-frames.json");

fn frame_case(name: &str) -> Value {
    let v: Value = serde_json::from_str(FRAMES).expect("vectors");
    v["cases"].as_array().expect("cases").iter().find(|c| c["name"] == name).cloned().expect(name)
}

fn client(config: CookieSessionConfig) -> Router {
    let layer = CookieSessionLayer::new(config.clock(|| NOW)).expect("valid options");
    Router::new()
        .route("/user", get(|s: CookieSession| async move { s.get::<String>("user").await.unwrap_or_default() }))
        .route(
            "/keys",
            get(|s: CookieSession| async move {
                s.get::<Value>("blob").await.map_or(0, |b| b.as_str().map_or(0, str::len)).to_string()
            }),
        )
        .route(
            "/login",
            get(|s: CookieSession| async move {
                s.insert("user", "bob").await.expect("a string");
                "ok"
            }),
        )
        .route(
            "/big",
            get(|s: CookieSession| async move {
                let blob: String = (0..4000).map(|i| char::from(b'a' + ((i * 7919) % 26) as u8)).collect();
                s.insert("blob", blob).await.expect("a string");
                "big"
            }),
        )
        .route(
            "/bigger",
            get(|s: CookieSession| async move {
                let blob: String = (0..7000).map(|i| char::from(b'a' + ((i * 7919) % 26) as u8)).collect();
                s.insert("blob", blob).await.expect("a string");
                "bigger"
            }),
        )
        .route(
            "/repetitive",
            get(|s: CookieSession| async move {
                s.insert("blob", "ab".repeat(4000)).await.expect("a string");
                "rep"
            }),
        )
        .route(
            "/small",
            get(|s: CookieSession| async move {
                s.insert("blob", "small").await.expect("a string");
                "small"
            }),
        )
        .layer(layer)
}

fn pairs(set: &[String]) -> String {
    // the cookies set, not the ones expired
    set.iter()
        .filter(|c| !c.contains("expires=Thu, 01 Jan 1970"))
        .map(|c| c.split(';').next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("; ")
}

#[tokio::test]
async fn not_before_refuses_a_revoked_cookie() {
    let keys = ["key-new", "key-old"];
    let issuing = client(CookieSessionConfig::new(keys).not_before_sync(|_| None));
    let cookie = pairs(&get_(&issuing, "/login", "").await.set_cookie);
    // a cut-off after the issue time: absent
    let later = client(CookieSessionConfig::new(keys).not_before_sync(|_| Some(NOW + 1)));
    assert_eq!(get_(&later, "/user", &cookie).await.body, "");
    // at or before it: kept
    let same = client(CookieSessionConfig::new(keys).not_before_sync(|_| Some(NOW)));
    assert_eq!(get_(&same, "/user", &cookie).await.body, "bob");
    // async, looked up from the session's data
    let lookup = client(CookieSessionConfig::new(keys).not_before(|data| {
        let revoked = data.get("user").and_then(Value::as_str) == Some("bob");
        async move {
            tokio::task::yield_now().await;
            revoked.then_some(NOW + 60_000)
        }
    }));
    assert_eq!(get_(&lookup, "/user", &cookie).await.body, "");
    // a cookie without an issue time (cookie-session's own) counts as issued at 0
    let cs = "session=eyJ1c2VyIjoiYWxpY2UiLCJuIjoxfQ==; session.sig=SRueGnudBw38mTHSby3KpUFGXDQ";
    assert_eq!(get_(&same, "/user", cs).await.body, "");
    assert_eq!(get_(&client(CookieSessionConfig::new(keys)), "/user", cs).await.body, "alice");
}

#[tokio::test]
async fn compress_reads_back_and_refuses_a_zip_bomb() {
    let keys = ["key-new", "key-old"];
    let plain = client(CookieSessionConfig::new(keys).chunk_max_bytes(16_384));
    let zipped = client(CookieSessionConfig::new(keys).compress(true));
    let long = get_(&plain, "/repetitive", "").await.set_cookie;
    let short = get_(&zipped, "/repetitive", "").await.set_cookie;
    assert_eq!(short.len(), 2, "{short:?}");
    assert!(short[0].len() < 1000 && long.iter().map(String::len).sum::<usize>() > 8000);
    assert_eq!(get_(&zipped, "/keys", &pairs(&short)).await.body, "8000");
    // a zip bomb, validly signed: refused, a fresh session
    let bomb = frame_case("load: a zip bomb (validly signed, over 64 KB inflated) is refused");
    let header = bomb["input"]["header"].as_str().expect("header");
    assert_eq!(get_(&zipped, "/keys", header).await.body, "0");
    let secret_fields = client(CookieSessionConfig::new(keys).compress_secret_fields(["apiToken"]));
    assert_eq!(get_(&secret_fields, "/keys", &pairs(&short)).await.body, "8000");
}

#[tokio::test]
async fn chunk_splits_refuses_mixed_chunks_and_expires_stale_ones() {
    let keys = ["key-new", "key-old"];
    let app = client(CookieSessionConfig::new(keys).chunk(true));
    let set = get_(&app, "/big", "").await.set_cookie;
    assert!(
        set.iter().any(|c| c.starts_with("session.0=")) && set.iter().any(|c| c.starts_with("session.1=")),
        "{set:?}"
    );
    let cookie = pairs(&set);
    assert_eq!(get_(&app, "/keys", &cookie).await.body, "4000", "{set:?}");
    // mixed chunks (one from another session): a fresh session, never mixed data
    let mixed = frame_case("load: chunk, a chunk swapped in from another session is refused");
    let header = mixed["input"]["header"].as_str().expect("header");
    assert_eq!(get_(&app, "/keys", header).await.body, "0");
    // shrinking back into one cookie expires the chunks
    let set = get_(&app, "/small", &cookie).await.set_cookie;
    assert!(set.iter().any(|c| c.starts_with("session=")), "{set:?}");
    for k in ["session.0=", "session.1="] {
        let c = set.iter().find(|c| c.starts_with(k)).unwrap_or_else(|| panic!("{k} expired: {set:?}"));
        assert!(c.contains("expires=Thu, 01 Jan 1970"), "{c}");
    }
}

/// The bytes the cookies set (not the ones expired) take in a `Cookie` header: `name=value; ` each.
fn cookie_header_bytes(set: &[String]) -> usize {
    pairs(set).split("; ").filter(|p| !p.is_empty()).map(|p| p.len() + 2).sum()
}

#[tokio::test]
async fn chunk_keeps_the_sessions_cookies_within_6_kb_of_cookie_header() {
    // nginx and Apache refuse a request header over 8 KB by default, and curl sends at most about
    // 8 KB of cookies: by default the session's cookies take at most 6144 bytes of it
    let keys = ["key-new", "key-old"];
    for encrypt in [false, true] {
        let app = client(CookieSessionConfig::new(keys).encrypt(encrypt).chunk(true));
        let big = get_(&app, "/big", "").await;
        assert!(big.set_cookie.iter().any(|c| c.starts_with("session.1=")), "{:?}", big.set_cookie);
        assert!(cookie_header_bytes(&big.set_cookie) <= 6144, "{}", cookie_header_bytes(&big.set_cookie));
        // a session whose cookies would take more: nothing is sent, a 500 (never a silent loss)
        let bigger = get_(&app, "/bigger", "").await;
        assert_eq!((bigger.status, bigger.set_cookie.len()), (500, 0), "{:?}", bigger.set_cookie);
        // chunk_max_bytes lets them take more, and the set reads back
        let more = client(CookieSessionConfig::new(keys).encrypt(encrypt).chunk_max_bytes(12_288));
        let set = get_(&more, "/bigger", "").await.set_cookie;
        let bytes = cookie_header_bytes(&set);
        assert!(bytes > 8192 && bytes <= 12_288, "{bytes}");
        assert_eq!(get_(&more, "/keys", &pairs(&set)).await.body, "7000");
        // written under the larger limit, still read under the default; cut short, a fresh session
        assert_eq!(get_(&app, "/keys", &pairs(&set)).await.body, "7000");
        let cut: Vec<String> = set.iter().filter(|c| !c.starts_with("session.1=")).cloned().collect();
        assert_eq!(get_(&app, "/keys", &pairs(&cut)).await.body, "0");
    }
}
