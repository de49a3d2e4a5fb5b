//! A `genid` that gives an id whose cookie no browser keeps (over 4096 bytes) fails the request in
//! the Rust layer with `ERR_SESSION_CORE_INVALID_GENID`, and nothing is stored (as in Express).
#![cfg(all(feature = "tower", not(target_arch = "wasm32")))]

use axum::body::Body;
use axum::routing::get;
use axum::Router;
use http::Request;
use session_core::server::{MemoryStore, Session, SessionConfig, SessionError, SessionLayer, SessionStore};
use tower::ServiceExt;

#[tokio::test]
async fn an_id_too_long_for_a_cookie_is_refused_and_nothing_is_stored() {
    let store = MemoryStore::default();
    let config = SessionConfig::new(["a secret of at least thirty-two bytes, for tests"]).genid(|| "x".repeat(65536));
    let app = Router::new()
        .route(
            "/",
            get(|s: Session| async move {
                s.insert("n", 1).await.expect("a number");
                "ok"
            }),
        )
        .layer(SessionLayer::new(store.clone(), config).expect("options"));
    let res = app.oneshot(Request::get("/").body(Body::empty()).expect("request")).await.expect("response");
    let err = res.extensions().get::<SessionError>().expect("the layer answered").clone();
    assert_eq!((err.status, err.code.as_str()), (500, "ERR_SESSION_CORE_INVALID_GENID"));
    assert!(res.headers().get("set-cookie").is_none());
    assert_eq!(store.load(&"x".repeat(65536)).await.expect("load"), None);
}
