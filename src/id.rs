//! Session ids, shaped as express-session's `uid-safe` makes them.

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
