//! The session record: the JSON express-session's stores keep.
//!
//! ```text
//! {"cookie":{"originalMaxAge":…,"partitioned":…,"priority":…,"expires":"<ISO>"|null,"secure":…,
//!            "httpOnly":…,"domain":…,"path":…,"sameSite":…},…data}
//! ```
//! `cookie` is `Cookie#toJSON()` in that key order with absent keys left out, then the app's data in
//! insertion order (shared/notes/peers.md §2.3). session-core adds two keys at the end of `cookie`
//! when idle or absolute timeouts are on — `createdAt` and `lastSeen`, integer milliseconds since
//! the epoch — and writes neither otherwise, so its records are byte-identical to express-session's.
//! express-session reads such records fine; when it rewrites one it drops both keys (its `Cookie`
//! keeps only the fields it knows), and session-core then restarts both clocks at the next request.
//!
//! Only the `cookie` object's own members are read (each kept as the JSON text it came as); the data
//! is never parsed, only cut out as text, so a record of any depth and in any key order (a store that
//! sorts keys) reads as `JSON.parse` reads it, in one iterative pass and without recursion.

use crate::cookie::{serialize_cookie, SerializeOptions};
use crate::date::{parse_iso, to_iso_string};
use crate::error::Error;
use crate::expiry::CookieTimes;
use std::borrow::Cow;

/// A record split into its `cookie` object and the rest (the session's data).
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// The `cookie` object's members in order: the key (unescaped) and the value as JSON text.
    pub cookie: Vec<(String, String)>,
    /// The record without `cookie`, as JSON text of an object: what change detection compares.
    pub data: String,
}

fn bad(why: &str) -> Error {
    Error::BadRecord(why.to_owned())
}

pub(crate) fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\n' | b'\r') {
        i += 1;
    }
    i
}

/// Where the JSON value that starts at `start` ends: just past a closing bracket or quote, or at the
/// `,`/`}`/`]` (or white space) that ends a scalar. Strings are skipped with their escapes;
/// nesting is counted, not recursed into. `None` on truncated or unbalanced input.
pub(crate) fn skip_value(b: &[u8], start: usize) -> Option<usize> {
    let mut i = start;
    let mut depth = 0usize;
    while i < b.len() {
        match b[i] {
            b'"' => {
                i = skip_string(b, i)?;
                if depth == 0 {
                    return Some(i);
                }
                continue;
            }
            b'{' | b'[' => depth += 1,
            b'}' | b']' if depth == 0 => return (i > start).then_some(i),
            b'}' | b']' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            b',' | b' ' | b'\t' | b'\n' | b'\r' if depth == 0 => return (i > start).then_some(i),
            _ => {}
        }
        i += 1;
    }
    (depth == 0 && i > start).then_some(i)
}

/// `i` is at an opening quote; returns the index just past the closing one.
pub(crate) fn skip_string(b: &[u8], i: usize) -> Option<usize> {
    let mut j = i + 1;
    while j < b.len() {
        match b[j] {
            b'\\' => j += 2,
            b'"' => return Some(j + 1),
            _ => j += 1,
        }
    }
    None
}

/// A JSON string literal's value (`"…"` with its quotes), unescaped only when it has escapes.
pub(crate) fn string_value(lit: &str) -> Option<Cow<'_, str>> {
    let inner = lit.strip_prefix('"')?.strip_suffix('"')?;
    if inner.contains('\\') {
        serde_json::from_str::<String>(lit).ok().map(Cow::Owned)
    } else {
        Some(Cow::Borrowed(inner))
    }
}

/// The members of a JSON object, as (key literal, value text) slices, in order. One pass, no
/// recursion: the values are skipped, not parsed.
pub(crate) fn members(json: &str) -> Result<Vec<(&str, &str)>, Error> {
    let b = json.as_bytes();
    let mut i = skip_ws(b, 0);
    if b.get(i) != Some(&b'{') {
        return Err(bad("not a JSON object"));
    }
    i = skip_ws(b, i + 1);
    let mut out = Vec::with_capacity(4);
    if b.get(i) == Some(&b'}') {
        return if skip_ws(b, i + 1) == b.len() { Ok(out) } else { Err(bad("text after the object")) };
    }
    loop {
        if b.get(i) != Some(&b'"') {
            return Err(bad("expected a key"));
        }
        let key_end = skip_string(b, i).ok_or_else(|| bad("truncated key"))?;
        let key = &json[i..key_end];
        i = skip_ws(b, key_end);
        if b.get(i) != Some(&b':') {
            return Err(bad("expected ':'"));
        }
        let start = skip_ws(b, i + 1);
        let end = skip_value(b, start).ok_or_else(|| bad("truncated value"))?;
        out.push((key, &json[start..end]));
        i = skip_ws(b, end);
        match b.get(i) {
            Some(b',') => i = skip_ws(b, i + 1),
            Some(b'}') if skip_ws(b, i + 1) == b.len() => return Ok(out),
            _ => return Err(bad("expected ',' or '}'")),
        }
    }
}

fn is_cookie_key(lit: &str) -> bool {
    lit == "\"cookie\"" || (lit.contains('\\') && string_value(lit).is_some_and(|k| k == "cookie"))
}

/// The data part of a record (everything but the top-level `cookie`), as express-session hashes it.
///
/// ```
/// use session_core::session::data_part;
/// assert_eq!(data_part(r#"{"cookie":{"path":"/","expires":null},"user":"alice","n":1}"#).unwrap(), r#"{"user":"alice","n":1}"#);
/// assert_eq!(data_part(r#"{"cookie":{"path":"/"}}"#).unwrap(), "{}");
/// assert_eq!(data_part(r#"{"a":1,"cookie":{},"b":2}"#).unwrap(), r#"{"a":1,"b":2}"#);
/// ```
pub fn data_part(json: &str) -> Result<String, Error> {
    Ok(braced(&data_tail(json)?))
}

/// `{` and `tail` (no formatting machinery: this runs on every request).
fn braced(tail: &str) -> String {
    let mut out = String::with_capacity(tail.len() + 1);
    out.push('{');
    out.push_str(tail);
    out
}

/// The data part without its opening brace, borrowed from `json` in the usual shape (`cookie` first),
/// so comparing two records' data needs no allocation. `{"cookie":{…},"a":1}` gives `"a":1}`;
/// a record with no data gives `}`.
pub(crate) fn data_tail(json: &str) -> Result<Cow<'_, str>, Error> {
    if let Some((_, tail)) = split_fast(json) {
        return Ok(Cow::Borrowed(tail));
    }
    Ok(Cow::Owned(split_any(json)?.1))
}

/// The usual shape, as JSON.stringify writes a Session (`cookie` first), cut as text in one pass:
/// the cookie object's text and the data tail (see [`data_tail`]).
fn split_fast(json: &str) -> Option<(&str, &str)> {
    const HEAD: &str = "{\"cookie\":";
    let rest = json.strip_prefix(HEAD)?;
    if !rest.starts_with(['{', 'n']) {
        return None;
    }
    let end = skip_value(rest.as_bytes(), 0)?;
    match &rest[end..] {
        "}" => Some((&rest[..end], "}")),
        tail if tail.starts_with(",\"") && tail.ends_with('}') => Some((&rest[..end], &tail[1..])),
        _ => None,
    }
}

/// Any other shape: `cookie` anywhere (the last one wins, as in `JSON.parse`), white space between
/// tokens. Gives the cookie's text (`null` when absent) and the data tail.
fn split_any(json: &str) -> Result<(&str, String), Error> {
    let all = members(json)?;
    let mut cookie = "null";
    let mut tail = String::with_capacity(json.len());
    for (k, v) in all {
        if is_cookie_key(k) {
            cookie = v;
            continue;
        }
        if !tail.is_empty() {
            tail.push(',');
        }
        tail.push_str(k);
        tail.push(':');
        tail.push_str(v);
    }
    tail.push('}');
    Ok((cookie, tail))
}

impl Record {
    /// Reads a record written by express-session, connect-redis, session-core or any store that keeps
    /// `JSON.stringify(session)`, in any key order and of any depth.
    ///
    /// ```
    /// use session_core::session::Record;
    /// let r = Record::parse(r#"{"cookie":{"originalMaxAge":3600000,"expires":"2026-01-01T01:00:00.000Z","httpOnly":true,"path":"/"},"user":"alice"}"#).unwrap();
    /// assert_eq!(r.data, r#"{"user":"alice"}"#);
    /// assert_eq!(r.times().expires, Some(1767229200000));
    /// let sorted = Record::parse(r#"{"a":[[[1]]],"cookie":{"path":"/"},"z":2}"#).unwrap();
    /// assert_eq!(sorted.data, r#"{"a":[[[1]]],"z":2}"#);
    /// ```
    pub fn parse(json: &str) -> Result<Record, Error> {
        let (cookie_text, data) = match split_fast(json) {
            Some((cookie, tail)) => (cookie, braced(tail)),
            None => {
                let (cookie, tail) = split_any(json)?;
                (cookie, braced(&tail))
            }
        };
        let cookie = if cookie_text == "null" {
            Vec::new()
        } else if cookie_text.starts_with('{') {
            let mut m: Vec<(String, String)> = Vec::with_capacity(10);
            for (k, v) in members(cookie_text)? {
                let key = string_value(k).ok_or_else(|| bad("bad key in cookie"))?.into_owned();
                // a repeated key keeps its first place and takes the last value, as JSON.parse does
                match m.iter_mut().find(|(have, _)| *have == key) {
                    Some(slot) => slot.1 = v.to_owned(),
                    None => m.push((key, v.to_owned())),
                }
            }
            m
        } else {
            return Err(bad("cookie is not an object"));
        };
        Ok(Record { cookie, data })
    }

    /// The data part without its opening brace (see [`data_tail`]).
    pub(crate) fn data_tail(&self) -> &str {
        &self.data[1..]
    }

    /// The JSON text of a `cookie` field, if present.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.cookie.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    fn number(&self, key: &str) -> Option<f64> {
        let v = self.get(key)?;
        if v.starts_with(['-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9']) {
            v.parse::<f64>().ok().filter(|f| f.is_finite())
        } else {
            None
        }
    }

    fn string(&self, key: &str) -> Option<Cow<'_, str>> {
        let v = self.get(key)?;
        if v.starts_with('"') {
            string_value(v)
        } else {
            None
        }
    }

    /// The times the expiry rules read.
    pub fn times(&self) -> CookieTimes {
        let int = |k: &str| self.number(k).and_then(crate::date::js_time);
        CookieTimes {
            expires: self.expires(),
            original_max_age: self.number("originalMaxAge"),
            created_at: int("createdAt"),
            last_seen: int("lastSeen"),
        }
    }

    /// `cookie.expires` in milliseconds (ISO text, or a number), if it has one.
    pub fn expires(&self) -> Option<i64> {
        match self.string("expires") {
            Some(s) => parse_iso(&s),
            None => self.number("expires").and_then(crate::date::js_time),
        }
    }

    fn set(&mut self, key: &str, text: String, at: impl FnOnce(&[(String, String)]) -> usize) {
        match self.cookie.iter_mut().find(|(k, _)| k == key) {
            Some(slot) => slot.1 = text,
            None => {
                let i = at(&self.cookie).min(self.cookie.len());
                self.cookie.insert(i, (key.to_owned(), text));
            }
        }
    }

    /// Sets `expires` (ISO text, or `null`).
    pub fn set_expires(&mut self, ms: Option<i64>) {
        let text = match ms.and_then(|m| to_iso_string(m as f64)) {
            Some(iso) => {
                let mut q = String::with_capacity(iso.len() + 2);
                q.push('"');
                q.push_str(&iso);
                q.push('"');
                q
            }
            None => "null".to_owned(),
        };
        // keep Cookie#toJSON's key order: expires comes after originalMaxAge/partitioned/priority
        self.set("expires", text, |c| {
            c.iter()
                .rposition(|(k, _)| ["originalMaxAge", "partitioned", "priority"].contains(&k.as_str()))
                .map_or(0, |i| i + 1)
        });
    }

    /// Sets a `cookie` field to the JSON text `text` (at the end when new).
    pub(crate) fn set_cookie_field(&mut self, key: &str, text: String) {
        self.set(key, text, |c| c.len());
    }

    /// Removes a `cookie` field.
    pub(crate) fn remove_cookie_field(&mut self, key: &str) {
        self.cookie.retain(|(k, _)| k != key);
    }

    /// A `cookie` field that is a JSON string, unescaped.
    pub(crate) fn string_field(&self, key: &str) -> Option<String> {
        self.string(key).map(Cow::into_owned)
    }

    /// Sets a session-core timestamp (`createdAt`, `lastSeen`) at the end of `cookie`.
    pub fn set_stamp(&mut self, key: &str, ms: i64) {
        self.set(key, ms.to_string(), |c| c.len());
    }

    fn push_cookie(&self, out: &mut String) {
        out.push('{');
        for (i, (k, v)) in self.cookie.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            // keys are plain ASCII names in practice; any other is written escaped
            if k.bytes().all(|c| c >= 0x20 && c != b'"' && c != b'\\' && c < 0x7f) {
                out.push('"');
                out.push_str(k);
                out.push('"');
            } else {
                crate::json_text::push_json_string(out, k);
            }
            out.push(':');
            out.push_str(v);
        }
        out.push('}');
    }

    /// The record as JSON text: `cookie` first, then the data, byte for byte as it came.
    pub fn to_json(&self) -> String {
        let mut out = String::with_capacity(self.data.len() + 200);
        out.push_str("{\"cookie\":");
        self.push_cookie(&mut out);
        if self.data.len() <= 2 {
            out.push('}');
        } else {
            out.push(',');
            out.push_str(&self.data[1..]);
        }
        out
    }

    /// JavaScript truthiness of a `cookie` field.
    pub fn cookie_truthy(&self, key: &str) -> bool {
        match self.get(key) {
            None | Some("null") | Some("false") | Some("\"\"") => false,
            Some(v) if v.starts_with(['-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9']) => {
                v.parse::<f64>().is_ok_and(|f| f != 0.0)
            }
            Some(_) => true,
        }
    }

    /// The `Set-Cookie` value for this record's cookie, `cookie@0.7`'s serialize with `Cookie#data`
    /// (express-session never passes `maxAge`, so there is no `Max-Age`).
    pub fn set_cookie(&self, name: &str, value: &str) -> Result<String, Error> {
        let text = |k: &str| -> Option<String> {
            let v = self.get(k)?;
            match v {
                "true" => Some("true".into()),
                _ if v.starts_with('"') => string_value(v).filter(|s| !s.is_empty()).map(Cow::into_owned),
                _ if v.starts_with(['-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9']) => Some(v.to_owned()),
                _ => None,
            }
        };
        let opts = SerializeOptions {
            expires: self.expires().map(|m| m as f64),
            domain: text("domain"),
            path: text("path"),
            http_only: self.cookie_truthy("httpOnly"),
            secure: self.cookie_truthy("secure"),
            partitioned: self.cookie_truthy("partitioned"),
            priority: text("priority").map(|p| if p == "true" { "!".into() } else { p }),
            same_site: match self.get("sameSite") {
                Some("true") => Some("strict".into()),
                _ => text("sameSite").map(|s| if s == "true" { "!".into() } else { s }),
            },
            ..Default::default()
        };
        serialize_cookie(name, value, &opts)
    }
}
