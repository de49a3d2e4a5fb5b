//! Session ids, shaped as express-session's `uid-safe` makes them,
//! and the tag that names one in logs without giving it away.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

/// Random bytes in an id: 24, as `uid(24)` in express-session.
pub const ID_BYTES: usize = 24;

/// A new session id: 24 CSPRNG bytes, base64url without padding — 32 characters.
///
/// ```
/// let id = session_core::generate_session_id();
/// assert_eq!(id.len(), 32);
/// assert!(id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
/// ```
pub fn generate_session_id() -> String {
    let mut bytes = [0u8; ID_BYTES];
    crate::random::fill(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A session's tag: the first 8 characters of base64url(SHA-256(id)). It names a session in logs,
/// metrics and "your devices" lists without giving it away (an id on a page is a login).
///
/// ```
/// assert_eq!(session_core::id::tag("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA").len(), 8);
/// assert_eq!(session_core::id::tag(""), "47DEQpj8"); // SHA-256("") = e3b0c442…
/// ```
pub fn tag(id: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(id.as_bytes());
    // 6 bytes are exactly 8 base64 characters
    URL_SAFE_NO_PAD.encode(&digest[..6])
}
