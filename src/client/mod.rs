//! Client-side sessions (the session in the cookie): cookie-session's wire format (keygrip
//! signatures, the `cookies` package's habits) and session-core's sealed format.

mod base64;
mod cookies;
mod keygrip;
mod migrate;
pub mod seal;
mod session;

pub use base64::{base64_encode, node_base64_decode};
pub use cookies::{find_cookie, set_cookie_header, CookieAttrs};
pub use keygrip::{Algorithm, Keygrip};
pub use migrate::{MigrateSigned, SIGNED_NOT_MIGRATING};
pub use session::{ClientOptions, ClientSession, CommitInput, CommitOptions, Committed, Loaded, COOKIE_BUDGET};
