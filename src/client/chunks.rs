//! `chunk`: a session value too long for one cookie, split over `<name>.0`, `<name>.1`, … (at most
//! [`MAX_CHUNKS`]), as Auth.js and iron-session do. The signature (`<name>.sig`) or the seal
//! covers the whole value, so the set verifies as one: a chunk from another session, a missing one
//! or a stale extra one makes the set not verify (a fresh session, never mixed data).
//!
//! The budget: every cookie (name and value) within [`COOKIE_BUDGET`] bytes, as browsers count,
//! and the session's cookies together (the chunks and the signature cookie) within
//! [`HEADER_BUDGET`] bytes of the request's `Cookie` header (each as `name=value; `), by default
//! 6 KB. nginx's and Apache's default limit for one request header is 8 KB, and curl stops adding
//! cookies past about 8 KB: a set of chunks over that never arrives whole, and its user is signed
//! out. [`Chunk::max_bytes`] moves the limit, up to [`MAX_HEADER_BUDGET`].
//!
//! Reading is not limited beyond the per-cookie budget: a set written under a larger limit (up to
//! three chunks of 4096 bytes) still reads. A set that arrives without its last chunks (a proxy
//! or client cut the header) is reported as `incomplete chunks` ([`incomplete`]), not as a bad
//! signature.

use super::cookies::{find_cookie, COOKIE_BUDGET};
use crate::error::Error;
use serde::{Deserialize, Deserializer, Serialize};
use std::borrow::Cow;

/// How many cookies a chunked session may span.
pub const MAX_CHUNKS: usize = 3;

/// By default, the most bytes of the `Cookie` header a chunked session's cookies take in all
/// (6 KB): under the 8 KB that nginx and Apache accept for one request header and curl sends,
/// about 2 KB is left for the app's other cookies.
pub const HEADER_BUDGET: usize = 6 * 1024;

/// The least [`Chunk::max_bytes`] may be (one full cookie).
pub const MIN_HEADER_BUDGET: usize = COOKIE_BUDGET;

/// The most [`Chunk::max_bytes`] may be (16 KB, Node's default limit for all request headers).
pub const MAX_HEADER_BUDGET: usize = 16 * 1024;

/// `chunk`: split a value too long for one cookie over chunk cookies.
///
/// In the options' JSON: `true`, `{ "maxBytes": 12288 }`, or `false`/`null`/absent.
///
/// ```
/// use session_core::client::{ClientOptions, chunks::HEADER_BUDGET};
/// let o: ClientOptions = serde_json::from_str(r#"{"chunk":true}"#).unwrap();
/// assert_eq!(o.chunk.unwrap().max_bytes, HEADER_BUDGET);
/// let o: ClientOptions = serde_json::from_str(r#"{"chunk":{"maxBytes":12288}}"#).unwrap();
/// assert_eq!(o.chunk.unwrap().max_bytes, 12288);
/// let o: ClientOptions = serde_json::from_str(r#"{"chunk":false}"#).unwrap();
/// assert!(o.chunk.is_none());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Chunk {
    /// The most bytes of the `Cookie` header the session's cookies (chunks and signature) take in
    /// all, each counted as `name=value; ` ([`header_bytes`]); [`HEADER_BUDGET`] by default.
    pub max_bytes: usize,
}

impl Default for Chunk {
    fn default() -> Self {
        Chunk { max_bytes: HEADER_BUDGET }
    }
}

/// What [`Chunk::max_bytes`] takes, in words.
pub(crate) const MAX_BYTES: &str =
    "a number of bytes from 4096 to 16384 (the Cookie header the session's cookies may take in all)";

impl Chunk {
    /// [`Chunk::max_bytes`] is within [`MIN_HEADER_BUDGET`]..=[`MAX_HEADER_BUDGET`]; the error names
    /// `chunk.maxBytes`.
    pub(crate) fn check(&self) -> Result<(), Error> {
        if (MIN_HEADER_BUDGET..=MAX_HEADER_BUDGET).contains(&self.max_bytes) {
            Ok(())
        } else {
            Err(Error::option("chunk.maxBytes", format!("must be {MAX_BYTES}")))
        }
    }
}

/// `chunk` as a flag or an object.
pub(super) fn deserialize_chunk<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Chunk>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Given {
        Flag(bool),
        Spec(Chunk),
    }
    Ok(match Option::<Given>::deserialize(d)? {
        None | Some(Given::Flag(false)) => None,
        Some(Given::Flag(true)) => Some(Chunk::default()),
        Some(Given::Spec(s)) => Some(s),
    })
}

/// The name of chunk `k` of the cookie `name`.
pub fn chunk_name(name: &str, k: usize) -> String {
    format!("{name}.{k}")
}

/// The bytes cookies take in a `Cookie` header: `name=value` and the `; ` that separates it from
/// the next, for each cookie with a value (an empty one is a removal: the browser sends nothing).
///
/// ```
/// use session_core::client::chunks::header_bytes;
/// assert_eq!(header_bytes([("session.0", "abc"), ("session.sig", "xy"), ("gone", "")]), 15 + 16);
/// ```
pub fn header_bytes<'a>(cookies: impl IntoIterator<Item = (&'a str, &'a str)>) -> usize {
    cookies.into_iter().filter(|(_, v)| !v.is_empty()).map(|(n, v)| n.len() + 1 + v.len() + 2).sum()
}

/// The cookies of a session in a `Cookie` header, as a bit set: bit 0 for `<name>`, bit 1 + k for
/// `<name>.<k>` (k < [`MAX_CHUNKS`]). A commit expires the ones it no longer uses.
///
/// ```
/// use session_core::client::chunks::present;
/// assert_eq!(present("session.0=a; session.1=b; x=1", "session"), 0b110);
/// assert_eq!(present("session=a", "session"), 1);
/// ```
pub fn present(header: &str, name: &str) -> u32 {
    present_in(|n| in_header(header, n), name)
}

/// A cookie's value in a `Cookie` header, when it has one.
fn in_header<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    find_cookie(header, name).filter(|v| !v.is_empty())
}

/// [`present`] over any lookup of a cookie's (non-empty) value by name.
fn present_in<'a>(get: impl Fn(&str) -> Option<&'a str>, name: &str) -> u32 {
    let mut bits = u32::from(get(name).is_some());
    for k in 0..MAX_CHUNKS {
        if get(&chunk_name(name, k)).is_some() {
            bits |= 1 << (k + 1);
        }
    }
    bits
}

/// The session's value: `<name>` when it is there, else `<name>.0`, `<name>.1`, … joined, up to
/// the first one missing. `Err(())` when one of them is over the budget (`oversized`).
///
/// ```
/// use session_core::client::chunks::read;
/// assert_eq!(read("session.1=cd; session.0=ab", "session").unwrap().as_deref(), Some("abcd"));
/// assert_eq!(read("session=xy; session.0=ab", "session").unwrap().as_deref(), Some("xy"));
/// assert_eq!(read("session.1=cd", "session").unwrap(), None);
/// ```
#[allow(clippy::result_unit_err)]
pub fn read<'a>(header: &'a str, name: &str) -> Result<Option<Cow<'a, str>>, ()> {
    read_in(|n| in_header(header, n), name)
}

/// [`read`] over any lookup of a cookie's (non-empty) value by name.
#[allow(clippy::result_unit_err)]
pub fn read_in<'a>(get: impl Fn(&str) -> Option<&'a str>, name: &str) -> Result<Option<Cow<'a, str>>, ()> {
    if let Some(v) = get(name) {
        if name.len() + v.len() > COOKIE_BUDGET {
            return Err(());
        }
        return Ok(Some(Cow::Borrowed(v)));
    }
    let mut joined: Option<Cow<'a, str>> = None;
    for k in 0..MAX_CHUNKS {
        let n = chunk_name(name, k);
        let Some(part) = get(&n) else {
            break;
        };
        if n.len() + part.len() > COOKIE_BUDGET {
            return Err(());
        }
        joined = Some(match joined {
            None => Cow::Borrowed(part),
            Some(j) => Cow::Owned(j.into_owned() + part),
        });
    }
    Ok(joined)
}

/// Whether the chunk cookies of a request (no `<name>` cookie among them) look like a set that
/// lost chunks on the way: the writer fills every chunk but the last, so a set whose chunks all
/// fill their cookies was to go on — with one missing before another that came (`<name>.0`, then
/// `<name>.2`), or with the rest cut off — and a later chunk without `<name>.0` lost its start.
/// Asked only of a set that did not verify (a complete set whose value fills its last chunk
/// exactly verifies first); chunks in another order than written are not taken for a lost one.
///
/// ```
/// use session_core::client::chunks::incomplete;
/// let full = format!("session.0={}", "a".repeat(4096 - 9));
/// assert!(incomplete(&full, "session"));
/// assert!(!incomplete(&format!("{full}; session.1=b"), "session"));
/// assert!(incomplete("session.1=b", "session"));
/// assert!(incomplete(&format!("{full}; session.2=c"), "session"));
/// assert!(!incomplete(&format!("session.0=b; session.1={}", "a".repeat(4096 - 9)), "session"));
/// assert!(!incomplete("session.0=a", "session"));
/// assert!(!incomplete("session=a; session.1=b", "session"));
/// ```
pub fn incomplete(header: &str, name: &str) -> bool {
    incomplete_in(|n| in_header(header, n), name)
}

/// [`incomplete`] over any lookup of a cookie's (non-empty) value by name.
pub fn incomplete_in<'a>(get: impl Fn(&str) -> Option<&'a str>, name: &str) -> bool {
    if get(name).is_some() {
        return false; // the single cookie is what was read
    }
    let bits = present_in(&get, name) >> 1;
    let run = bits.trailing_ones() as usize; // <name>.0 … <name>.(run-1), without a gap
    if run == 0 {
        return bits != 0; // chunks, but not the first
    }
    let full = (0..run).all(|k| {
        let n = chunk_name(name, k);
        get(&n).is_some_and(|v| n.len() + v.len() == COOKIE_BUDGET)
    });
    full && (bits >> run != 0 || run < MAX_CHUNKS)
}

/// Splits `value` over chunk cookies of at most [`COOKIE_BUDGET`] bytes each (name and value),
/// each filled but the last, so that they take at most `room` bytes of the `Cookie` header
/// ([`header_bytes`]). `Err(bytes)` with the bytes the fewest chunks would take when that is over
/// `room` or needs more than [`MAX_CHUNKS`]. The value is a cookie value: ASCII.
///
/// ```
/// use session_core::client::chunks::split;
/// let parts = split("session", &"a".repeat(5000), 6000).unwrap();
/// assert_eq!(parts.len(), 2);
/// assert_eq!((parts[0].0.as_str(), parts[0].1.len()), ("session.0", 4096 - 9));
/// assert_eq!(split("session", &"a".repeat(5000), 5000).unwrap_err(), 5000 + 2 * 12);
/// assert!(split("session", &"a".repeat(13000), 16384).is_err());
/// ```
pub fn split(name: &str, value: &str, room: usize) -> Result<Vec<(String, String)>, usize> {
    let per = COOKIE_BUDGET.saturating_sub(name.len() + 2).max(1);
    let parts: Vec<(String, String)> = value
        .as_bytes()
        .chunks(per)
        .enumerate()
        .map(|(k, c)| (chunk_name(name, k), String::from_utf8_lossy(c).into_owned()))
        .collect();
    let bytes = header_bytes(parts.iter().map(|(n, v)| (n.as_str(), v.as_str())));
    if parts.len() > MAX_CHUNKS || bytes > room || parts.iter().any(|(n, v)| n.len() + v.len() > COOKIE_BUDGET) {
        return Err(bytes);
    }
    Ok(parts)
}
