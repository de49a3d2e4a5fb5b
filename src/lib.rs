//! # session-core
//!
//! The session layer of a web app, written once: cookie parsing and signing, session encoding and
//! the expiry rules. It does no I/O and reads no clock (`now` is always a parameter); randomness
//! comes through one function ([`random::fill`]). The same code runs natively, in Node (wasm, behind
//! the Express middleware of the npm package) and in browsers.
//!
//! Wire formats are byte-compatible with the `cookie@0.7`, `cookie-signature` and express-session
//! npm packages, so cookies and store records pass between them and session-core both ways.
//!
//! ```
//! use session_core::{parse_cookie, Signer};
//! let signer = Signer::new(&["keyboard cat"]).unwrap();
//! let value = format!("s:{}", signer.sign("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"));
//! let header = format!("connect.sid={}", session_core::cookie::encode_uri_component(&value));
//! let cookies = parse_cookie(&header);
//! assert_eq!(cookies[0].1, value);
//! ```

pub mod checks;
#[cfg(feature = "tools")]
pub mod cli;
pub mod client;
pub mod cookie;
pub mod csrf;
pub mod date;
pub mod error;
pub mod expiry;
pub mod flow;
pub mod id;
#[cfg(feature = "tools")]
pub mod inspect;
mod json_text;
pub mod options;
pub mod random;
mod rules;
#[cfg(all(feature = "tower", not(target_arch = "wasm32")))]
pub mod server;
pub mod session;
pub mod signing;
mod suggest;

#[cfg(target_arch = "wasm32")]
mod wasm;

// The Rust examples of README.md and docs/, compiled by `cargo test --doc` as written
// (tests/node/docs-examples.test.js checks that every page with a ```rust block is listed here).
// Their other fences carry the docs test's attributes (`sh not-run="why"`), which rustdoc does not
// know: it reads them as not Rust, as it should, and is told not to warn about them.
#[cfg(all(doctest, feature = "tower", feature = "redis"))]
#[allow(rustdoc::invalid_codeblock_attributes)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

#[cfg(all(doctest, feature = "tower", feature = "redis"))]
#[allow(rustdoc::invalid_codeblock_attributes)]
#[doc = include_str!("../docs/rust.md")]
struct DocsRustDoctests;

pub use cookie::{parse_cookie, serialize_cookie};
pub use error::Error;
pub use id::generate_session_id;
pub use signing::{sign, Signer, Unsigned};
