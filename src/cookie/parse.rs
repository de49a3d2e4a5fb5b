//! `Cookie` request header parsing, exactly as the `cookie` npm package 0.7 (`cookie.parse`).
//!
//! ```text
//! cookie-header = cookie-pair *( ";" SP cookie-pair )      ; RFC 6265 §4.2.1
//! cookie-pair   = cookie-name "=" cookie-value
//! ```
//! Real headers break the grammar, so, like `cookie@0.7`: pairs are split at `;`, a pair without `=`
//! is skipped, name and value are trimmed of SP and HTAB only, the first occurrence of a name wins,
//! one pair of surrounding double quotes is removed, a value holding `%` is percent-decoded and kept
//! raw *as a whole* when decoding fails, and the name `__proto__` is dropped (assigning it to a
//! JavaScript object sets no property). Total over every input: it never fails and never panics.

use super::encoding::decode_uri_component;
use std::collections::HashSet;

/// The parsed pairs, in header order, names unique.
pub type CookieMap = Vec<(String, String)>;

fn is_ws(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// Parses a `Cookie` header.
///
/// ```
/// let m = session_core::parse_cookie("a=1; a=2; b=\"q v\"; c=%E0%A4%A; d=x%20y");
/// assert_eq!(m, vec![
///     ("a".into(), "1".into()), ("b".into(), "q v".into()),
///     ("c".into(), "%E0%A4%A".into()), ("d".into(), "x y".into()),
/// ]);
/// ```
pub fn parse_cookie(header: &str) -> CookieMap {
    collect(header, decode_value)
}

/// [`parse_cookie`] without the percent-decoding: values as they stand (unquoted), for a caller
/// that decodes them itself (`cookie.parse`'s `decode` option).
///
/// ```
/// assert_eq!(session_core::cookie::parse_cookie_raw("a=x%20y"), vec![("a".into(), "x%20y".into())]);
/// ```
pub fn parse_cookie_raw(header: &str) -> CookieMap {
    collect(header, str::to_owned)
}

fn collect(header: &str, value: impl Fn(&str) -> String) -> CookieMap {
    let mut out: CookieMap = Vec::new();
    for_each_kept(header, |name, raw| out.push((name.to_owned(), value(raw))));
    out
}

/// Each pair `cookie@0.7`'s parse keeps, in header order: the first of each name (`__proto__`
/// dropped), with its raw (unquoted, not decoded) value. Nothing is copied: a caller that writes the
/// pairs somewhere else (the wasm answer buffer) makes no `String` per pair.
pub fn for_each_kept<'a>(header: &'a str, mut f: impl FnMut(&'a str, &'a str)) {
    // The names seen: a short list while there are few (most headers), a set past that, so a header
    // of thousands of tiny pairs stays linear.
    let mut few: Vec<&str> = Vec::new();
    let mut many: Option<HashSet<&str>> = None;
    for_each_pair(header, |name, raw| {
        if name == "__proto__" {
            return;
        }
        let first = match &mut many {
            Some(set) => set.insert(name),
            None if few.contains(&name) => false,
            None => {
                few.push(name);
                if few.len() > 32 {
                    many = Some(few.drain(..).collect());
                }
                true
            }
        };
        if first {
            f(name, raw);
        }
    });
}

/// A value as `cookie@0.7` decodes it: percent-decoded when it holds `%`, kept raw when that fails.
pub fn decode_cookie_value(raw: &str) -> std::borrow::Cow<'_, str> {
    if raw.contains('%') {
        if let Some(d) = decode_uri_component(raw) {
            return d.into();
        }
    }
    raw.into()
}

/// Looks up one cookie by name without building the map (first occurrence wins).
///
/// ```
/// assert_eq!(session_core::cookie::get_cookie("x=1; sid=abc; sid=def", "sid").as_deref(), Some("abc"));
/// ```
pub fn get_cookie(header: &str, wanted: &str) -> Option<String> {
    if wanted == "__proto__" {
        return None;
    }
    let mut found = None;
    for_each_pair(header, |name, raw| {
        if found.is_none() && name == wanted {
            found = Some(decode_value(raw));
        }
    });
    found
}

fn decode_value(raw: &str) -> String {
    decode_cookie_value(raw).into_owned()
}

/// Walks the header as `cookie@0.7` does, handing each (trimmed name, unquoted raw value) to `f`.
fn for_each_pair<'a>(s: &'a str, mut f: impl FnMut(&'a str, &'a str)) {
    let b = s.as_bytes();
    let len = b.len();
    if len < 2 {
        return;
    }
    let mut index = 0;
    while index < len {
        let Some(eq) = find(b, b'=', index) else {
            break;
        };
        let end = match find(b, b';', index) {
            None => len,
            Some(semi) if eq > semi => {
                // The `=` belongs to a later pair: restart just after the last `;` before it.
                index = b[..eq].iter().rposition(|&x| x == b';').map_or(0, |p| p + 1);
                continue;
            }
            Some(semi) => semi,
        };
        let key_start = start_index(b, index, eq);
        let key_end = end_index(b, eq, key_start);
        let mut val_start = start_index(b, eq + 1, end);
        let mut val_end = end_index(b, end, val_start);
        if b.get(val_start) == Some(&b'"') && val_end > 0 && b[val_end - 1] == b'"' {
            val_start += 1;
            val_end -= 1;
        }
        // A lone `"` leaves start past end: JavaScript's slice gives "" there.
        let val = if val_start < val_end { &s[val_start..val_end] } else { "" };
        f(&s[key_start..key_end], val);
        index = end + 1;
    }
}

fn find(b: &[u8], c: u8, from: usize) -> Option<usize> {
    b[from..].iter().position(|&x| x == c).map(|p| p + from)
}

fn start_index(b: &[u8], mut i: usize, max: usize) -> usize {
    while i < max {
        if !is_ws(b[i]) {
            return i;
        }
        i += 1;
    }
    max
}

fn end_index(b: &[u8], mut i: usize, min: usize) -> usize {
    while i > min {
        i -= 1;
        if !is_ws(b[i]) {
            return i + 1;
        }
    }
    min
}
