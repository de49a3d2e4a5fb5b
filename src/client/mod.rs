//! Client-side sessions (the session in the cookie): cookie-session's wire format (keygrip
//! signatures, the `cookies` package's habits) and session-core's sealed format; the frame that
//! carries an issue time (`notBefore`) and a deflated body (`compress`), and chunking (`chunk`).
//!
//! A front door (Express's cookie-session drop-in, a Web Request/Response one, a Rust layer) calls,
//! per request, in this order:
//! 1. [`ClientSession::load`] with the `Cookie` header and `now`, when the app first needs the
//!    session (or at the start of the request when `notBefore` is on, or `chunk` is on and the app
//!    replaces the session without reading it);
//! 2. with `notBefore`, and only when a session was read: the app's cut-off for it, then
//!    [`revoked`]`(loaded.issued_at, cut)`; when true the session is treated as absent (a new
//!    empty one; keep `present` and `clear_sig` from the load);
//! 3. [`ClientSession::commit`] when the headers go out, passing back what the load said
//!    (`raw`, the body as `original`, `key_index`, `created_at`, `last_seen`, `issued_at`,
//!    `present`, `clear_sig`, `migrated`), and appending every `Set-Cookie` it returns, in order.

mod base64;
pub mod chunks;
mod cookies;
pub mod frame;
mod keygrip;
mod migrate;
mod revoke;
pub mod seal;
mod session;

pub use base64::{base64_encode, node_base64_decode};
pub use chunks::Chunk;
pub use cookies::{find_cookie, set_cookie_header, CookieAttrs, COOKIE_BUDGET};
pub use frame::{Compress, INFLATE_LIMIT};
pub use keygrip::{Algorithm, Keygrip};
pub use migrate::{MigrateSigned, SIGNED_NOT_MIGRATING};
pub use revoke::revoked;
pub use session::{ClientOptions, ClientSession, CommitInput, CommitOptions, Committed, Loaded};
