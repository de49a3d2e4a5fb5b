//! The recorded scenarios (tests/recordings/express.json, written by scripts/record-scenarios.js from
//! the real `session-core/express` middleware) replayed through the Rust tower layer with the same
//! clock and ids: the same `Set-Cookie` headers, cache headers and bodies, and the same store records
//! byte for byte.
#![cfg(all(feature = "tower", not(target_arch = "wasm32")))]

use axum::body::Body;
use axum::routing::get;
use axum::{Json, Router};
use http::Request;
use serde_json::{Map, Value};
use session_core::server::{CookieConfig, MemoryStore, Session, SessionConfig, SessionLayer};
use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};
use std::sync::Arc;
use tower::ServiceExt;

const RECORDINGS: &str = include_str!("recordings/express.json");

fn config(options: &Value, secrets: &[String], clock: Arc<AtomicI64>, ids: Arc<AtomicUsize>) -> SessionConfig {
    let o = |k: &str| options.get(k);
    let mut c = SessionConfig::new(secrets)
        .clock(move || clock.load(Ordering::SeqCst))
        .genid(move || format!("recordedsessionid{:015}", ids.fetch_add(1, Ordering::SeqCst) + 1));
    if let Some(v) = o("resave").and_then(Value::as_bool) {
        c = c.resave(v);
    }
    if let Some(v) = o("saveUninitialized").and_then(Value::as_bool) {
        c = c.save_uninitialized(v);
    }
    if let Some(v) = o("rolling").and_then(Value::as_bool) {
        c = c.rolling(v);
    }
    if let Some(v) = o("idleTimeout").and_then(Value::as_f64) {
        c = c.idle_timeout(v);
    }
    if let Some(v) = o("absoluteTimeout").and_then(Value::as_f64) {
        c = c.absolute_timeout(v);
    }
    let mut cookie = CookieConfig::default();
    if let Some(k) = o("cookie") {
        cookie.max_age = k.get("maxAge").and_then(Value::as_f64);
        cookie.same_site = k.get("sameSite").and_then(Value::as_str).map(str::to_owned);
        if let Some(v) = k.get("secure").and_then(Value::as_bool) {
            cookie.secure = Some(v);
        }
        if let Some(v) = k.get("httpOnly").and_then(Value::as_bool) {
            cookie.http_only = v;
        }
        if let Some(v) = k.get("path").and_then(Value::as_str) {
            cookie.path = v.to_owned();
        }
    }
    c.cookie(cookie)
}

fn app(actions: Vec<Value>) -> Router {
    Router::new().route(
        "/",
        get(move |session: Session| {
            let actions = actions.clone();
            async move {
                let mut out = Map::new();
                for a in &actions {
                    let op = a[0].as_str().unwrap_or("");
                    let key = a.get(1).and_then(Value::as_str).unwrap_or("");
                    match op {
                        "get" => {
                            out.insert(key.into(), session.get_value(key).await.unwrap_or(Value::Null));
                        }
                        "set" => session.insert(key, a[2].clone()).await.expect("a JSON value"),
                        "touch" => session.touch().await,
                        "regenerate" => session.regenerate().await,
                        "destroy" => session.destroy().await,
                        other => panic!("unknown action {other}"),
                    }
                }
                Json(Value::Object(out))
            }
        }),
    )
}

#[tokio::test]
async fn the_layer_replays_the_express_recordings() {
    let recordings: Value = serde_json::from_str(RECORDINGS).expect("recordings are JSON");
    let scenarios = recordings["scenarios"].as_array().expect("scenarios");
    assert!(scenarios.len() >= 9);
    let mut exchanges = 0;
    for s in scenarios {
        let name = s["name"].as_str().unwrap_or("?");
        let clock = Arc::new(AtomicI64::new(0));
        let ids = Arc::new(AtomicUsize::new(0));
        let c2 = clock.clone();
        let store = MemoryStore::default().with_clock(move || c2.load(Ordering::SeqCst));
        for (i, step) in s["steps"].as_array().expect("steps").iter().enumerate() {
            clock.store(step["now"].as_i64().expect("now"), Ordering::SeqCst);
            let secrets: Vec<String> = step["secret"]
                .as_array()
                .expect("secret")
                .iter()
                .map(|v| v.as_str().unwrap_or("").to_owned())
                .collect();
            let layer = SessionLayer::new(store.clone(), config(&s["options"], &secrets, clock.clone(), ids.clone()))
                .expect("valid options");
            let router = app(step["actions"].as_array().cloned().unwrap_or_default()).layer(layer);
            let mut req = Request::get("/");
            if let Some(c) = step["cookie"].as_str() {
                req = req.header("cookie", c);
            }
            let res = router.oneshot(req.body(Body::empty()).expect("request")).await.expect("response");
            let at = format!("{name}, step {i}");
            assert_eq!(res.status().as_u16() as u64, step["status"].as_u64().unwrap_or(0), "{at}: status");
            let set: Vec<String> =
                res.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap_or("").to_owned()).collect();
            let want: Vec<String> = serde_json::from_value(step["setCookie"].clone()).expect("setCookie");
            assert_eq!(set, want, "{at}: Set-Cookie");
            let header = |n: &str| res.headers().get(n).map(|v| Value::String(v.to_str().unwrap_or("").to_owned()));
            assert_eq!(header("vary").unwrap_or(Value::Null), step["vary"], "{at}: Vary");
            assert_eq!(header("cache-control").unwrap_or(Value::Null), step["cacheControl"], "{at}: Cache-Control");
            let body = axum::body::to_bytes(res.into_body(), 1 << 20).await.expect("body");
            let body: Value = serde_json::from_slice(&body).expect("JSON body");
            assert_eq!(body, step["body"], "{at}: body");
            let records: Map<String, Value> =
                store.snapshot().into_iter().map(|(k, v)| (k, Value::String(v))).collect();
            assert_eq!(Value::Object(records), step["store"], "{at}: store");
            exchanges += 1;
        }
    }
    assert!(exchanges >= 30, "{exchanges} exchanges replayed");
}
