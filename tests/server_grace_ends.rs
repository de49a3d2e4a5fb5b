//! `regenerate_grace`'s window ends with the session it leads to, in the Rust layer: log in (C1),
//! regenerate at a re-authentication (C2), then end C2 (destroy, a sign-out everywhere, an idle
//! timeout): a request with C1 then gets a fresh, empty session, never the old data read-only, and
//! an unsafe one no 409. `hash_ids` off and on.
#![cfg(all(feature = "tower", not(target_arch = "wasm32")))]

use axum::body::Body;
use axum::routing::{get, post};
use axum::Router;
use http::Request;
use session_core::server::{MemoryStore, Session, SessionConfig, SessionLayer, SessionStore};
use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};
use std::sync::Arc;
use tower::ServiceExt;

const NOW: i64 = 1767225600000;
const SECRET: &str = "a secret of at least thirty-two bytes, for tests";

fn app(hash_ids: bool, idle: Option<f64>) -> (Router, MemoryStore, Arc<AtomicI64>) {
    let clock = Arc::new(AtomicI64::new(NOW));
    let ids = Arc::new(AtomicUsize::new(0));
    let c = clock.clone();
    let store = MemoryStore::default().with_clock({
        let c = clock.clone();
        move || c.load(Ordering::SeqCst)
    });
    let mut config = SessionConfig::new([SECRET])
        .save_uninitialized(false)
        .resave(false)
        .regenerate_grace(10_000.0)
        .hash_ids(hash_ids)
        .user_key("user")
        .clock(move || c.load(Ordering::SeqCst))
        .genid(move || format!("graceendssessionid{:014}", ids.fetch_add(1, Ordering::SeqCst) + 1));
    if let Some(ms) = idle {
        config = config.idle_timeout(ms);
    }
    let layer = SessionLayer::new(store.clone(), config).expect("valid options");
    let app = Router::new()
        .route(
            "/login",
            post(|s: Session| async move {
                s.regenerate().await;
                s.insert("user", "alice").await.expect("a string");
                s.insert("secret", "private").await.expect("a string");
                "in"
            }),
        )
        .route(
            "/logout",
            post(|s: Session| async move {
                s.destroy().await;
                "out"
            }),
        )
        .route(
            "/me",
            get(|s: Session| async move { s.get::<String>("user").await.unwrap_or_default() }).post(
                |s: Session| async move {
                    s.insert("n", 1).await.expect("a number");
                    s.get::<String>("user").await.unwrap_or_default()
                },
            ),
        )
        .layer(layer);
    (app, store, clock)
}

async fn send(app: &Router, method: &str, path: &str, cookie: &str) -> (u16, String, String) {
    let mut req = Request::builder().method(method).uri(path);
    if !cookie.is_empty() {
        req = req.header("cookie", cookie);
    }
    let res = app.clone().oneshot(req.body(Body::empty()).expect("request")).await.expect("response");
    let set = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or("").to_owned())
        .next()
        .unwrap_or_default();
    let status = res.status().as_u16();
    let body = axum::body::to_bytes(res.into_body(), 1 << 20).await.expect("body");
    (status, String::from_utf8_lossy(&body).into_owned(), set)
}

/// C1 (logged in) and C2 (logged in again, by a regenerate), with C1 read-only inside the window.
async fn reauthenticated(app: &Router) -> (String, String) {
    let (_, _, c1) = send(app, "POST", "/login", "").await;
    let (_, _, c2) = send(app, "POST", "/login", &c1).await;
    assert!(!c2.is_empty() && c2 != c1);
    assert_eq!(send(app, "GET", "/me", &c1).await.1, "alice", "inside the window, the old data read-only");
    (c1, c2)
}

async fn assert_ended(app: &Router, c1: &str) {
    assert_eq!(send(app, "GET", "/me", c1).await.1, "", "the pre-login id reads nothing");
    let (status, body, _) = send(app, "POST", "/me", c1).await;
    assert_eq!((status, body.as_str()), (200, ""), "an unsafe request: a fresh session, not 409");
}

#[tokio::test]
async fn destroy_of_the_new_session_ends_the_window() {
    for hash_ids in [false, true] {
        let (app, _, _) = app(hash_ids, None);
        let (c1, c2) = reauthenticated(&app).await;
        send(&app, "POST", "/logout", &c2).await;
        assert_ended(&app, &c1).await;
    }
}

#[tokio::test]
async fn a_sign_out_everywhere_ends_the_window() {
    for hash_ids in [false, true] {
        let (app, store, _) = app(hash_ids, None);
        let (c1, _) = reauthenticated(&app).await;
        assert!(store.destroy_user("alice", None).await.expect("destroy_user") >= 1);
        assert_ended(&app, &c1).await;
    }
}

#[tokio::test]
async fn an_idle_timeout_of_the_new_session_ends_the_window() {
    for hash_ids in [false, true] {
        let (app, _, clock) = app(hash_ids, Some(5_000.0));
        let (c1, _) = reauthenticated(&app).await;
        clock.fetch_add(6_000, Ordering::SeqCst); // idle past 5 s, still inside the 10 s window
        assert_ended(&app, &c1).await;
    }
}
