//! The grace window after a regenerate (`regenerateGrace`, ms). After `regenerate()` (a login),
//! requests already in flight still carry the old id. Without a grace window they find the old
//! record gone, start an empty session, and their Set-Cookie can sign the user out.
//!
//! With one, the regenerate keeps a **tombstone** of the old record ([`tombstone`]) under its own
//! key ([`grace_key`]; never under the old id, so a late save of the old session cannot write over
//! it or bring it back), expiring with the window. A request with the old id that finds no record
//! but a tombstone gets [`grace`]'s answer:
//! - a safe method (GET, HEAD, OPTIONS, TRACE) within the window: the **old** data, read-only (no
//!   Set-Cookie, no store write);
//! - an unsafe method within the window: a conflict (409, `ESESSIONREGENERATED`), so nothing it
//!   would have written is silently lost;
//! - after the window, or a record that is no tombstone: over (a fresh session, as without grace).
//!
//! It never hands out the new session: knowing the old id (a fixated one) gives at most a read of
//! the data as it was before the regenerate. `destroy()` keeps no tombstone: no grace.

use crate::error::Error;
use crate::session::Record;

/// The cookie field of a tombstone: when the regenerate happened (ms since the epoch).
pub const REGENERATED_FIELD: &str = "regenerated";

/// What a request with a regenerated id gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Grace {
    /// The old data, read-only: no Set-Cookie, no store write.
    ReadOnly,
    /// Refused with 409 and `ESESSIONREGENERATED`: an unsafe method inside the window.
    Conflict,
    /// Not (or no longer) in a grace window: a fresh session.
    Over,
}

impl Grace {
    /// The answer's name in vectors and logs: `read-only`, `conflict`, `over`.
    pub fn as_str(self) -> &'static str {
        match self {
            Grace::ReadOnly => "read-only",
            Grace::Conflict => "conflict",
            Grace::Over => "over",
        }
    }
}

/// What a tombstone's key starts with.
pub const GRACE_PREFIX: &str = "regenerated:";

/// The cookie field of a tombstone: the store key of the session the regenerate made (the one the
/// tombstone leads to). A tombstone whose successor is over (destroyed, signed out everywhere,
/// expired, idle, too old) is over too: a logout ends the window of the id before it.
pub const SUCCESSOR_FIELD: &str = "successor";

/// The key a tombstone is kept under: [`GRACE_PREFIX`] and the old session's store key.
///
/// ```
/// assert_eq!(session_core::session::grace_key("abc"), "regenerated:abc");
/// ```
pub fn grace_key(key: &str) -> String {
    let mut out = String::with_capacity(GRACE_PREFIX.len() + key.len());
    out.push_str(GRACE_PREFIX);
    out.push_str(key);
    out
}

/// The tombstone of the record `record` regenerated at `now`: the record with `cookie.expires` at
/// the end of the window (a store forgets it then) and `cookie.regenerated` set to `now`.
/// A text that is not a record is `ERR_SESSION_CORE_BAD_RECORD`.
///
/// ```
/// use session_core::session::{tombstone, grace, Grace};
/// let t = tombstone(r#"{"cookie":{"path":"/"},"n":1}"#, 1_000, 10_000.0).unwrap();
/// assert_eq!(t, r#"{"cookie":{"expires":"1970-01-01T00:00:11.000Z","path":"/","regenerated":1000},"n":1}"#);
/// assert_eq!(grace(&t, "GET", 5_000, 10_000.0), Grace::ReadOnly);
/// ```
pub fn tombstone(record: &str, now: i64, grace_ms: f64) -> Result<String, Error> {
    tombstone_to(record, now, grace_ms, None)
}

/// [`tombstone`], leading to the session under the store key `successor` (the regenerate's new
/// session): the window ends when that session does ([`SUCCESSOR_FIELD`]).
///
/// ```
/// use session_core::session::{tombstone_to, successor};
/// let t = tombstone_to(r#"{"cookie":{"path":"/"},"n":1}"#, 1_000, 10_000.0, Some("newkey")).unwrap();
/// assert_eq!(t, r#"{"cookie":{"expires":"1970-01-01T00:00:11.000Z","path":"/","regenerated":1000,"successor":"newkey"},"n":1}"#);
/// assert_eq!(successor(&t).as_deref(), Some("newkey"));
/// ```
pub fn tombstone_to(record: &str, now: i64, grace_ms: f64, successor: Option<&str>) -> Result<String, Error> {
    let mut r = Record::parse(record)?;
    r.set_expires(Some(now.saturating_add(grace_ms as i64)));
    r.set_stamp(REGENERATED_FIELD, now);
    if let Some(key) = successor {
        let mut text = String::with_capacity(key.len() + 2);
        crate::json_text::push_json_string(&mut text, key);
        r.set_cookie_field(SUCCESSOR_FIELD, text);
    }
    Ok(r.to_json())
}

/// The store key of the session a tombstone leads to, when it names one (tombstones written
/// before successors were kept name none: their window ends with its time only).
pub fn successor(tombstone: &str) -> Option<String> {
    Record::parse(tombstone).ok()?.string_field(SUCCESSOR_FIELD).filter(|k| !k.is_empty())
}

/// What a request with the old id reads inside the window: the tombstone without its own fields
/// (`regenerated`, `successor`: the new session's key is never handed to the old id).
///
/// ```
/// use session_core::session::{read_only_record, tombstone_to};
/// let t = tombstone_to(r#"{"cookie":{"path":"/"},"n":1}"#, 1_000, 10_000.0, Some("newkey")).unwrap();
/// assert_eq!(read_only_record(&t).unwrap(), r#"{"cookie":{"expires":"1970-01-01T00:00:11.000Z","path":"/"},"n":1}"#);
/// ```
pub fn read_only_record(tombstone: &str) -> Result<String, Error> {
    let mut r = Record::parse(tombstone)?;
    r.remove_cookie_field(REGENERATED_FIELD);
    r.remove_cookie_field(SUCCESSOR_FIELD);
    Ok(r.to_json())
}

/// Is the method safe (RFC 9110 §9.2.1: GET, HEAD, OPTIONS, TRACE)? Exact, upper case, as Node
/// hands it over.
pub fn is_safe_method(method: &str) -> bool {
    matches!(method, "GET" | "HEAD" | "OPTIONS" | "TRACE")
}

/// What a request with method `method` at `now` gets from the tombstone `tombstone`, with the
/// window `grace_ms` (the option as it is now: shortening it shortens every open window).
///
/// ```
/// use session_core::session::{grace, Grace};
/// let t = r#"{"cookie":{"regenerated":1000},"n":1}"#;
/// assert_eq!(grace(t, "HEAD", 1_000, 10_000.0), Grace::ReadOnly);
/// assert_eq!(grace(t, "POST", 1_000, 10_000.0), Grace::Conflict);
/// assert_eq!(grace(t, "GET", 11_000, 10_000.0), Grace::Over); // the window is over
/// assert_eq!(grace(r#"{"cookie":{},"n":1}"#, "GET", 1_000, 10_000.0), Grace::Over); // no tombstone
/// ```
pub fn grace(tombstone: &str, method: &str, now: i64, grace_ms: f64) -> Grace {
    let Ok(r) = Record::parse(tombstone) else { return Grace::Over };
    // a number (as JSON writes it): a stamp of any other shape is no stamp
    let stamp = r.get(REGENERATED_FIELD).filter(|v| v.starts_with(|c: char| c.is_ascii_digit() || c == '-'));
    let Some(at) = stamp.and_then(|v| v.parse::<f64>().ok()).filter(|f| f.is_finite()) else { return Grace::Over };
    if !(grace_ms > 0.0 && grace_ms.is_finite()) {
        return Grace::Over;
    }
    // a regenerate "in the future" (clocks of two servers apart) counts from now
    let elapsed = (now as f64 - at).max(0.0);
    if elapsed >= grace_ms {
        Grace::Over
    } else if is_safe_method(method) {
        Grace::ReadOnly
    } else {
        Grace::Conflict
    }
}
