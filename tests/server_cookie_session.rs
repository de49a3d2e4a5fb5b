//! Cookie-session mode of the Rust layer (`CookieSessionLayer`): cookies written by cookie-session
//! (the vector of tests/vectors/client.json, "load: good signature") read, changed, re-signed,
//! cleared, and sealed cookies round-tripped, through the core calls the Node middleware makes.
#![cfg(all(feature = "tower", not(target_arch = "wasm32")))]

use axum::body::Body;
use axum::routing::get;
use axum::Router;
use http::Request;
use session_core::server::{CookieSession, CookieSessionConfig, CookieSessionLayer};
use tower::ServiceExt;

const NOW: i64 = 1767225600000;
// made by cookie-session 2.1 with keys ["key-new", "key-old"]: {"user":"alice","n":1}
const SIGNED: &str = "session=eyJ1c2VyIjoiYWxpY2UiLCJuIjoxfQ==; session.sig=SRueGnudBw38mTHSby3KpUFGXDQ";

fn app(config: CookieSessionConfig) -> Router {
    let layer = CookieSessionLayer::new(config.clock(|| NOW)).expect("valid options");
    Router::new()
        .route("/user", get(|s: CookieSession| async move { s.get::<String>("user").await.unwrap_or_default() }))
        .route(
            "/bump",
            get(|s: CookieSession| async move {
                let n: u64 = s.get("n").await.unwrap_or(0);
                s.insert("n", n + 1).await.expect("a number");
                (n + 1).to_string()
            }),
        )
        .route(
            "/login",
            get(|s: CookieSession| async move {
                s.insert("user", "bob").await.expect("a string");
                "ok"
            }),
        )
        .route("/logout", get(|s: CookieSession| async move { s.destroy().await }))
        .layer(layer)
}

async fn call(app: &Router, path: &str, cookie: &str) -> (String, Vec<String>) {
    let mut req = Request::get(path);
    if !cookie.is_empty() {
        req = req.header("cookie", cookie);
    }
    let res = app.clone().oneshot(req.body(Body::empty()).expect("request")).await.expect("response");
    let set = res.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap_or("").to_owned()).collect();
    let body = axum::body::to_bytes(res.into_body(), 1 << 16).await.expect("body");
    (String::from_utf8_lossy(&body).into_owned(), set)
}

fn pairs(set: &[String]) -> String {
    set.iter().map(|c| c.split(';').next().unwrap_or("")).collect::<Vec<_>>().join("; ")
}

#[tokio::test]
async fn reads_and_writes_cookie_sessions_cookies() {
    let a = app(CookieSessionConfig::new(["key-new", "key-old"]));
    // read, unchanged: nothing is written
    let (body, set) = call(&a, "/user", SIGNED).await;
    assert_eq!(body, "alice");
    assert!(set.is_empty(), "{set:?}");
    // changed: the body and its signature, as cookie-session writes them
    let (body, set) = call(&a, "/bump", SIGNED).await;
    assert_eq!(body, "2");
    assert_eq!(set.len(), 2, "{set:?}");
    assert_eq!(set[0], "session=eyJ1c2VyIjoiYWxpY2UiLCJuIjoyfQ==; path=/; httponly");
    assert!(set[1].starts_with("session.sig=") && set[1].ends_with("; path=/; httponly"), "{set:?}");
    let (body, _) = call(&a, "/bump", &pairs(&set)).await;
    assert_eq!(body, "3");
    // signed by the older key: re-signed with the newer one even unchanged
    let old = app(CookieSessionConfig::new(["key-old"]));
    let (_, set) = call(&old, "/login", "").await;
    let (body, again) = call(&a, "/user", &pairs(&set)).await;
    assert_eq!(body, "bob");
    assert_eq!(again.len(), 2, "re-signed: {again:?}");
    assert_eq!(again[0].split(';').next(), set[0].split(';').next(), "the same body");
    assert_ne!(again[1].split(';').next(), set[1].split(';').next(), "a new signature");
    // a tampered cookie is a new, empty session
    let (body, _) =
        call(&a, "/user", "session=eyJ1c2VyIjoibWFsbG9yeSJ9; session.sig=SRueGnudBw38mTHSby3KpUFGXDQ").await;
    assert_eq!(body, "");
    // destroy clears the cookie and its signature
    let (_, set) = call(&a, "/logout", SIGNED).await;
    assert!(set[0].starts_with("session=; path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT"), "{set:?}");
}

#[tokio::test]
async fn sealed_sessions_round_trip_and_time_out() {
    let a = app(CookieSessionConfig::new(["a sealing key"]).encrypt(true).max_age(3_600_000.0).idle_timeout(60_000.0));
    let (_, set) = call(&a, "/login", "").await;
    assert_eq!(set.len(), 1, "{set:?}");
    assert!(!set[0].contains("bob"), "sealed: {set:?}");
    let (body, _) = call(&a, "/user", &pairs(&set)).await;
    assert_eq!(body, "bob");
    // another key cannot open it
    let b = app(CookieSessionConfig::new(["another key"]).encrypt(true));
    assert_eq!(call(&b, "/user", &pairs(&set)).await.0, "");
    // idle past the timeout (a layer whose clock is later)
    let later = CookieSessionLayer::new(
        CookieSessionConfig::new(["a sealing key"]).encrypt(true).idle_timeout(60_000.0).clock(|| NOW + 61_000),
    )
    .expect("valid options");
    let r = Router::new()
        .route("/user", get(|s: CookieSession| async move { s.get::<String>("user").await.unwrap_or_default() }))
        .layer(later);
    assert_eq!(call(&r, "/user", &pairs(&set)).await.0, "");
}
