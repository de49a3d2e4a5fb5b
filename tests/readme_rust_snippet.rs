//! The README's "layer in five lines" (Rust servers), compiled as written.
#![cfg(feature = "tower")]

use session_core::server::{MemoryStore, Session, SessionConfig, SessionLayer};

#[rustfmt::skip]
fn app() -> Result<axum::Router, session_core::Error> {
    let layer = SessionLayer::new(MemoryStore::default(), SessionConfig::new(["keyboard cat"]).max_age(3_600_000.0))?;
    Ok(axum::Router::new().route("/", axum::routing::get(|s: Session| async move {
        let n: u64 = s.get("n").await.unwrap_or(0); s.insert("n", n + 1).await.ok(); n.to_string() })).layer(layer))
}

#[test]
fn the_readme_snippet_builds_a_router() {
    assert!(app().is_ok());
}
