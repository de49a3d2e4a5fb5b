//! Sessions for Rust servers (feature `tower`): a [`tower::Layer`](tower_layer::Layer) for axum (or
//! any tower stack) that shares one login with a Node app running `session-core/express`: the same
//! signed cookie, the same store record, the same expiry and timeout rules, because every decision
//! is the core's ([`crate::session::Session`]), called in the order the Express middleware calls it.
//! This module is the I/O: reading the request, calling the store, writing the response.
//!
//! ```
//! use session_core::server::{MemoryStore, SessionConfig, SessionLayer};
//! let layer = SessionLayer::new(MemoryStore::default(), SessionConfig::new(["keyboard cat"])).unwrap();
//! # let _ = layer;
//! ```
//!
//! - [`SessionConfig`]: the options (express-session's, session-core's timeouts, cookie attributes).
//! - [`SessionLayer`]: the layer; [`Session`]: the handler's session (an axum extractor).
//! - [`CookieSessionLayer`] / [`CookieSession`]: cookie-session mode (the session in a signed or
//!   sealed cookie, read and written as `session-core/cookie-session` does).
//! - [`SessionStore`]: the store contract; [`MemoryStore`] (bounded); `RedisStore` (feature `redis`),
//!   laid out as `session-core/redis` lays it out.

mod client;
mod config;
mod layer;
mod memory;
#[cfg(feature = "redis")]
mod redis;
mod session;
mod store;

pub use client::{CookieSession, CookieSessionConfig, CookieSessionLayer, CookieSessionService};
pub use config::{CookieConfig, SessionConfig};
pub use layer::{SessionError, SessionLayer, SessionService};
pub use memory::MemoryStore;
#[cfg(feature = "redis")]
pub use redis::RedisStore;
pub use session::{Session, SessionMissing};
pub use store::{SessionStore, StoreError, UserInfo, UserState};

/// An injected clock (ms since the epoch): tests and recordings set one, servers leave it `None`.
pub(crate) type Clock = std::sync::Arc<dyn Fn() -> i64 + Send + Sync>;

/// The time by `clock`, or by the system clock (ms since the epoch) when none is set.
pub(crate) fn now(clock: Option<&Clock>) -> i64 {
    match clock {
        Some(c) => c(),
        None => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis().min(i64::MAX as u128) as i64),
    }
}
