//! The request flow: a request's whole session logic as steps without I/O (the shape h11, rustls
//! and quinn-proto give their protocols). A door — the Express middleware, session-core/web, the
//! Rust tower layer — reads the request, hands the flow facts, does what each answer says (read
//! this key, write that record, set these headers) and hands back what the store answered. It
//! decides nothing: whether a path matches, which key an id has, when a record is over, what a
//! bad record gives, which headers go out — all here, once. Nothing of a request stays in the
//! flow between steps: the door holds it ([`Lookup`], and its own record of what it loaded).
//!
//! A server-side session ([`ServerFlow`]), step by step:
//!
//! ```text
//! begin(Incoming)              -> Skip | New{by_header, rejected} | Load(Lookup)
//!   Load: store.get(key)       -> loaded(Lookup, found, method, now)
//!                                   -> Load (read the new key: legacy plain id, tombstone, its successor)
//!                                    | Ready{moved}   (user? -> store.userState -> signed_out() -> Over?)
//!                                    | ReadOnly{record} | Refused (409) | Bad (500)
//!                                    | Over{destroy, why} -> destroy, then New | Missing -> New
//!   New: genid()               -> generated(id)   (refused: short for hashIds, too long for a cookie)
//! the app runs; in the middle:   save(Save) -> Write
//!                                regenerate(Regenerate, genid()) -> (tombstone?, destroy)
//!                                destroy(id) -> Write
//! respond(Respond)             -> Effects { Set-Cookie | id header, Vary, Cache-Control,
//!                                           write: Save | Merge | Touch | Destroy, index }
//!   (Express: once with Phase::Headers at writeHead, once with Phase::End at end;
//!    elsewhere once with Phase::Both)
//! ```

mod headers;
mod path;
mod server;

pub use headers::{cache_headers, no_cache_set_cookie, vary_with, NO_CACHE_SET_COOKIE};
pub use path::{path_matches, request_path};
pub use server::{
    is_record, Begin, Effects, Incoming, Loaded, Lookup, Regenerate, Respond, Save, ServerFlow, Stage, Write,
    USER_AGENT_LIMIT,
};
