//! Nothing secret in any output, on the Rust side: the `RedisStore`'s errors and the layer's
//! `SessionError`s, through every store fault a real redis-server gives (a timeout while it is
//! paused, an id collision, a record that is not one, a record that cannot take a merge, a
//! connection refused), name no session id and no store key. Sessions are named by their tag.
#![cfg(all(feature = "redis", not(target_arch = "wasm32")))]

use axum::body::Body;
use axum::routing::get;
use axum::Router;
use http::Request;
use session_core::server::{RedisStore, Session, SessionConfig, SessionError, SessionLayer, SessionStore};
use session_core::session::store_key;
use std::time::Duration;
use tower::ServiceExt;

#[path = "common/redis_server.rs"]
mod redis_server;
use redis_server::Redis;

const SECRET: &str = "a secret of at least thirty-two bytes, for tests";

fn ids() -> Vec<String> {
    (0..4).map(|i| format!("rustnoidsinoutputsessionid{i:06}")).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn store_errors_and_layer_errors_name_no_id_and_no_key() {
    let redis = Redis::start();
    let store =
        RedisStore::connect(&redis.url()).await.expect("connects").operation_timeout(Duration::from_millis(200));
    let mut messages: Vec<String> = Vec::new();
    let [a, b, c, d] = <[String; 4]>::try_from(ids()).expect("four ids");

    // an id collision: a new session where a record is
    store.save(&a, r#"{"cookie":{"path":"/"},"n":1}"#, None, false).await.expect("first save");
    let e = store.save(&a, r#"{"cookie":{"path":"/"},"n":2}"#, None, false).await.expect_err("a collision");
    assert_eq!(e.code(), "ESESSIONSTORE_CONFLICT");
    messages.push(e.to_string());

    // a stored value that cannot take a merge (the compare-and-set loses, the GET finds no record)
    store.save(&b, r#"{"cookie":{"path":"/"},"n":1}"#, None, false).await.expect("save");
    redis.cli(&["SET", &format!("sess:{b}"), "not json {"]);
    let e = store
        .merge(&b, r#"{"cookie":{"path":"/"},"n":1}"#, r#"{"set":{"n":2}}"#, r#"{"cookie":{"path":"/"},"n":2}"#, None)
        .await
        .expect_err("not a record");
    messages.push(e.to_string());

    // the same through the layer (its SessionError), for a cookie that names a non-record value
    let layer = SessionLayer::new(store.clone(), SessionConfig::new([SECRET]).hash_ids(true)).expect("options");
    let app = Router::new()
        .route("/", get(|s: Session| async move { s.get::<u32>("n").await.unwrap_or(0).to_string() }))
        .layer(layer);
    let signer = session_core::Signer::new(&[SECRET]).expect("a secret");
    for (id, value) in [(&c, "[1,2]"), (&d, "not json")] {
        redis.cli(&["SET", &format!("sess:{}", store_key(id)), value]);
        let cookie =
            format!("connect.sid={}", session_core::cookie::encode_uri_component(&format!("s:{}", signer.sign(id))));
        let res = app
            .clone()
            .oneshot(Request::get("/").header("cookie", cookie).body(Body::empty()).expect("request"))
            .await
            .expect("response");
        let err = res.extensions().get::<SessionError>().expect("the layer answered").clone();
        messages.push(err.to_string());
    }

    // Redis paused: every command times out, through the store and through the layer
    redis.cli(&["CLIENT", "PAUSE", "1500", "ALL"]);
    for r in [
        store.load(&a).await.map(|_| ()),
        store.save(&c, "{\"cookie\":{}}", None, true).await,
        store.destroy(&d).await,
        store.touch(&a, "{\"cookie\":{}}", None).await,
    ] {
        let e = r.expect_err("paused");
        assert_eq!(e.code(), "ESESSIONSTORE_TIMEOUT");
        messages.push(e.to_string());
    }
    let cookie =
        format!("connect.sid={}", session_core::cookie::encode_uri_component(&format!("s:{}", signer.sign(&a))));
    let res = app
        .clone()
        .oneshot(Request::get("/").header("cookie", cookie).body(Body::empty()).expect("request"))
        .await
        .expect("response");
    messages.push(res.extensions().get::<SessionError>().expect("the layer answered").to_string());
    tokio::time::sleep(Duration::from_millis(1600)).await;

    assert!(messages.iter().any(|m| m.contains("ESESSIONSTORE_RECORD") || m.contains("ERR_SESSION_CORE_BAD_RECORD")));
    assert!(messages.iter().any(|m| m.contains("session ")), "sessions named by tag: {messages:?}");
    for id in ids() {
        for secret in [id.clone(), store_key(&id)] {
            for m in &messages {
                assert!(!m.contains(&secret), "an id or store key in: {m}");
            }
        }
    }
}
