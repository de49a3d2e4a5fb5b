//! An axum API beside the Express demo (examples-node/server.js), sharing its login: the same
//! cookie (`connect.sid`, the same secrets), the same Redis records (prefix `demo:`), the same
//! timeouts and per-user index. Sign in on the demo, then call this API with the same cookie.
//!
//! ```text
//! REDIS_URL=redis://127.0.0.1:6379 SESSION_SECRET='…' node examples-node/server.js        # :3000
//! REDIS_URL=redis://127.0.0.1:6379 SESSION_SECRET='…' PORT=3100 \
//!   cargo run --example axum-api --features tower,redis                                     # :3100
//! ```
//! Routes: `GET /api/me` (the user, and the API's call count in the session; `?mark=k` sets `mark:k`), `GET /api/csrf` (a
//! token for the POSTs, header `x-csrf-token`), `POST /api/logout` (this session ends),
//! `POST /api/logout-everywhere` (every session of the user ends, on both servers), and with Redis
//! `GET /api/stats` (how many sessions the store lists: counts, never an id).
//!
//! `REDIS_CLUSTER_NODES='redis://127.0.0.1:7000 redis://127.0.0.1:7001'`: a Redis Cluster (its seed
//! nodes) instead of `REDIS_URL`.
//!
//! `SESSION_HASH_IDS=1`: ids hashed at rest (the Express app's `hashIds: true`, needed on both).
//! `COOKIE_SESSION_KEYS='k1 k2'`: also `GET /cs/session` (the client-side session as JSON) and
//! `GET /cs/set?k=v` (sets `k`) under a `CookieSessionLayer` with `compress` and `chunk`, beside a
//! `session-core/cookie-session` app with the same keys and options.

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};
use session_core::server::{
    CookieConfig, CookieSession, CookieSessionConfig, CookieSessionLayer, MemoryStore, RedisStore, Session,
    SessionConfig, SessionLayer, SessionStore,
};
use std::collections::HashMap;

/// The demo's options (examples-node/server.js), so both servers decide alike.
fn config() -> SessionConfig {
    let secrets: Vec<String> =
        std::env::var("SESSION_SECRET").unwrap_or_default().split_whitespace().map(str::to_owned).collect();
    if secrets.is_empty() {
        eprintln!("axum-api: SESSION_SECRET must be set (the Express demo's secret, to share its login)");
        std::process::exit(2);
    }
    let mut cookie = CookieConfig::default();
    cookie.max_age = Some(30.0 * 60.0 * 1000.0);
    cookie.same_site = Some("lax".into());
    // SESSION_IDLE_TIMEOUT_MS: a shorter idle timeout (the interop test's)
    let idle =
        std::env::var("SESSION_IDLE_TIMEOUT_MS").ok().and_then(|v| v.parse().ok()).unwrap_or(20.0 * 60.0 * 1000.0);
    SessionConfig::new(secrets)
        .resave(false)
        .save_uninitialized(false)
        .user_key("user")
        .cookie(cookie)
        .idle_timeout(idle)
        .absolute_timeout(8.0 * 60.0 * 60.0 * 1000.0)
        .hash_ids(std::env::var("SESSION_HASH_IDS").is_ok_and(|v| v == "1"))
}

/// `/cs/…`: the client-side session mode, when `COOKIE_SESSION_KEYS` is set.
fn cookie_sessions() -> Option<Router> {
    let keys: Vec<String> = std::env::var("COOKIE_SESSION_KEYS").ok()?.split_whitespace().map(str::to_owned).collect();
    let layer = CookieSessionLayer::new(CookieSessionConfig::new(keys).compress(true).chunk(true)).ok()?;
    let all = |s: CookieSession| async move {
        let mut out = serde_json::Map::new();
        for k in ["user", "blob", "pad"] {
            if let Some(v) = s.get::<Value>(k).await {
                out.insert(k.into(), v);
            }
        }
        Json(Value::Object(out))
    };
    let set = |s: CookieSession, Query(q): Query<HashMap<String, String>>| async move {
        for (k, v) in q {
            let _ = s.insert(&k, v).await;
        }
        Json(json!({ "ok": true }))
    };
    Some(Router::new().route("/cs/session", get(all)).route("/cs/set", get(set)).layer(layer))
}

async fn me(session: Session, Query(q): Query<HashMap<String, String>>) -> Json<Value> {
    let user: Option<String> = session.get("user").await;
    if let (Some(_), Some(mark)) = (&user, q.get("mark")) {
        // `?mark=k`: sets `marks.k`-style key `mark:k` (the interop test's overlapping writes)
        let _ = session.insert(&format!("mark:{mark}"), true).await;
    }
    let calls: u64 = session.get("apiCalls").await.unwrap_or(0);
    if user.is_some() {
        // a change the Express side keeps: each server writes only what it changed (a delta)
        let _ = session.insert("apiCalls", calls + 1).await;
    }
    Json(
        json!({ "user": user, "apiCalls": calls + u64::from(user.is_some()), "tag": session_core::id::tag(&session.id()) }),
    )
}

async fn csrf(session: Session) -> Json<Value> {
    Json(json!({ "token": session.csrf_token().await }))
}

async fn checked(session: &Session, headers: &HeaderMap) -> Result<(), StatusCode> {
    let token = headers.get("x-csrf-token").and_then(|v| v.to_str().ok()).unwrap_or("");
    if session.verify_csrf(token).await {
        Ok(())
    } else {
        Err(StatusCode::FORBIDDEN)
    }
}

async fn logout(session: Session, headers: HeaderMap) -> Result<Json<Value>, StatusCode> {
    checked(&session, &headers).await?;
    session.destroy().await;
    Ok(Json(json!({ "ok": true })))
}

async fn logout_everywhere<St: SessionStore>(
    State(store): State<St>,
    session: Session,
    headers: HeaderMap,
) -> Result<Json<Value>, StatusCode> {
    checked(&session, &headers).await?;
    let Some(user) = session.get::<String>("user").await else { return Err(StatusCode::UNAUTHORIZED) };
    let ended = store.destroy_user(&user, None).await.map_err(|_| StatusCode::SERVICE_UNAVAILABLE)?;
    Ok(Json(json!({ "ended": ended })))
}

/// `GET /api/stats`: the sessions in Redis as the store lists them (`ids`, `length`, `all`), counts only.
async fn stats(State(store): State<RedisStore>) -> Result<Json<Value>, StatusCode> {
    let unavailable = |_| StatusCode::SERVICE_UNAVAILABLE;
    let ids = store.ids().await.map_err(unavailable)?.len();
    let length = store.length().await.map_err(unavailable)?;
    let all = store.all().await.map_err(unavailable)?.len();
    Ok(Json(json!({ "ids": ids, "length": length, "all": all })))
}

fn app<St: SessionStore>(store: St) -> Router {
    let layer = SessionLayer::new(store.clone(), config()).unwrap_or_else(|e| {
        eprintln!("axum-api: {e}");
        std::process::exit(2);
    });
    Router::new()
        .route("/api/me", get(me))
        .route("/api/csrf", get(csrf))
        .route("/api/logout", post(logout))
        .route("/api/logout-everywhere", post(logout_everywhere::<St>))
        .with_state(store)
        .layer(layer)
        .merge(cookie_sessions().unwrap_or_default())
}

#[tokio::main]
async fn main() {
    let port: u16 = std::env::var("PORT").ok().and_then(|p| p.parse().ok()).unwrap_or(3100);
    // REDIS_CLUSTER_NODES='redis://h:p redis://h:p …' (spaces or commas): a Cluster instead
    let connected = if let Ok(nodes) = std::env::var("REDIS_CLUSTER_NODES") {
        Some(RedisStore::connect_cluster(nodes.split([',', ' ']).filter(|s| !s.is_empty())).await)
    } else if let Ok(url) = std::env::var("REDIS_URL") {
        Some(RedisStore::connect(&url).await)
    } else {
        None
    };
    let router = match connected {
        Some(Ok(store)) => {
            let store = store.prefix("demo:");
            app(store.clone()).merge(Router::new().route("/api/stats", get(stats)).with_state(store))
        }
        Some(Err(e)) => {
            eprintln!("axum-api: {e}");
            std::process::exit(1);
        }
        None => {
            eprintln!("axum-api: no REDIS_URL: a MemoryStore of its own (no login shared with the demo)");
            app(MemoryStore::default())
        }
    };
    let listener = match tokio::net::TcpListener::bind(("127.0.0.1", port)).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("axum-api: cannot listen on {port}: {e}");
            std::process::exit(1);
        }
    };
    println!("axum-api: http://127.0.0.1:{}/api/me", listener.local_addr().map(|a| a.port()).unwrap_or(port));
    if let Err(e) = axum::serve(listener, router).await {
        eprintln!("axum-api: {e}");
    }
}
