//! `chunk`: a session value too long for one cookie, split over `<name>.0`, `<name>.1`, … (at
//! most [`MAX_CHUNKS`]), as Auth.js and iron-session do. The signature (`<name>.sig`) or the seal
//! covers the whole value, so the set verifies as one: a chunk from another session, a missing one
//! or a stale extra one makes the set not verify (a fresh session, never mixed data).
//!
//! The budget: every cookie (name and value) within [`COOKIE_BUDGET`] bytes, at most three of them,
//! about 12 KB, well under Node's default 16 KB request header limit (`--max-http-header-size`)
//! with room for the app's other cookies.

use super::cookies::find_cookie;
use super::session::COOKIE_BUDGET;
use std::borrow::Cow;

/// How many cookies a chunked session may span.
pub const MAX_CHUNKS: usize = 3;

/// The name of chunk `k` of the cookie `name`.
pub fn chunk_name(name: &str, k: usize) -> String {
    format!("{name}.{k}")
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
    let mut bits = u32::from(find_cookie(header, name).is_some_and(|v| !v.is_empty()));
    for k in 0..MAX_CHUNKS {
        if find_cookie(header, &chunk_name(name, k)).is_some_and(|v| !v.is_empty()) {
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
    if let Some(v) = find_cookie(header, name).filter(|v| !v.is_empty()) {
        if name.len() + v.len() > COOKIE_BUDGET {
            return Err(());
        }
        return Ok(Some(Cow::Borrowed(v)));
    }
    let mut joined: Option<Cow<'a, str>> = None;
    for k in 0..MAX_CHUNKS {
        let n = chunk_name(name, k);
        let Some(part) = find_cookie(header, &n).filter(|v| !v.is_empty()) else {
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

/// Splits `value` over chunk cookies of at most [`COOKIE_BUDGET`] bytes each (name and value);
/// `None` when it needs more than [`MAX_CHUNKS`]. The value is a cookie value: ASCII.
///
/// ```
/// use session_core::client::chunks::split;
/// let parts = split("session", &"a".repeat(5000)).unwrap();
/// assert_eq!(parts.len(), 2);
/// assert_eq!((parts[0].0.as_str(), parts[0].1.len()), ("session.0", 4096 - 9));
/// assert!(split("session", &"a".repeat(13000)).is_none());
/// ```
pub fn split(name: &str, value: &str) -> Option<Vec<(String, String)>> {
    let per = COOKIE_BUDGET.checked_sub(name.len() + 2).filter(|p| *p > 0)?;
    let parts: Vec<(String, String)> = value
        .as_bytes()
        .chunks(per)
        .enumerate()
        .map(|(k, c)| (chunk_name(name, k), String::from_utf8_lossy(c).into_owned()))
        .collect();
    (parts.len() <= MAX_CHUNKS).then_some(parts)
}
