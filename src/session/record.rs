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

use crate::cookie::{serialize_cookie, SerializeOptions};
use crate::date::{parse_iso, to_iso_string};
use crate::error::Error;
use serde_json::{Map, Value};
use std::borrow::Cow;

/// A record split into its `cookie` object and the rest (the session's data).
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// The `cookie` object, in its key order.
    pub cookie: Map<String, Value>,
    /// The record without `cookie`, as JSON text of an object: what change detection compares.
    pub data: String,
}

/// The cookie fields the rules read, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct CookieTimes {
    pub expires: Option<i64>,
    pub original_max_age: Option<f64>,
    pub created_at: Option<i64>,
    pub last_seen: Option<i64>,
}

/// Where the JSON value that starts at `start` ends: just past a closing bracket or quote, or at the
/// `,`/`}` that ends a scalar. Strings are skipped with their escapes. `None` on truncated input.
fn skip_value(b: &[u8], start: usize) -> Option<usize> {
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
            b'}' | b']' if depth == 0 => return Some(i),
            b'}' | b']' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            b',' if depth == 0 => return Some(i),
            _ => {}
        }
        i += 1;
    }
    None
}

/// `i` is at an opening quote; returns the index just past the closing one.
fn skip_string(b: &[u8], i: usize) -> Option<usize> {
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

/// The data part of a record (everything but the top-level `cookie`), as express-session hashes it.
///
/// ```
/// use session_core::session::data_part;
/// assert_eq!(data_part(r#"{"cookie":{"path":"/","expires":null},"user":"alice","n":1}"#).unwrap(), r#"{"user":"alice","n":1}"#);
/// assert_eq!(data_part(r#"{"cookie":{"path":"/"}}"#).unwrap(), "{}");
/// assert_eq!(data_part(r#"{"a":1,"cookie":{},"b":2}"#).unwrap(), r#"{"a":1,"b":2}"#);
/// ```
pub fn data_part(json: &str) -> Result<String, Error> {
    Ok(format!("{{{}", data_tail(json)?))
}

/// The data part without its opening brace, borrowed from `json` in the usual shape (`cookie` first),
/// so comparing two records' data needs no allocation. `{"cookie":{…},"a":1}` gives `"a":1}`;
/// a record with no data gives `}`.
pub(crate) fn data_tail(json: &str) -> Result<Cow<'_, str>, Error> {
    if let Some((_, tail)) = split_fast(json) {
        return Ok(Cow::Borrowed(tail));
    }
    // Any other key order (or a shape the fast path does not vouch for): parse, drop `cookie`, write again.
    let mut v: Map<String, Value> =
        serde_json::from_str(json).map_err(|e| Error::BadRecord(crate::error::json_reason(&e)))?;
    v.shift_remove("cookie");
    let part = Value::Object(v).to_string();
    Ok(Cow::Owned(part[1..].to_owned()))
}

/// The usual shape, as JSON.stringify writes a Session (`cookie` first), cut as text in one pass:
/// the cookie object's text and the data tail (see [`data_tail`]).
fn split_fast(json: &str) -> Option<(&str, &str)> {
    const HEAD: &str = "{\"cookie\":";
    let rest = json.strip_prefix(HEAD)?;
    let end = skip_value(rest.as_bytes(), 0)?;
    match &rest[end..] {
        "}" => Some((&rest[..end], "}")),
        tail if tail.starts_with(',') && tail.ends_with('}') => Some((&rest[..end], &tail[1..])),
        _ => None,
    }
}

impl Record {
    /// Reads a record written by express-session, connect-redis, session-core or any store that keeps
    /// `JSON.stringify(session)`.
    ///
    /// ```
    /// use session_core::session::Record;
    /// let r = Record::parse(r#"{"cookie":{"originalMaxAge":3600000,"expires":"2026-01-01T01:00:00.000Z","httpOnly":true,"path":"/"},"user":"alice"}"#).unwrap();
    /// assert_eq!(r.data, r#"{"user":"alice"}"#);
    /// assert_eq!(r.times().expires, Some(1767229200000));
    /// ```
    pub fn parse(json: &str) -> Result<Record, Error> {
        let (data, cookie) = match split_fast(json) {
            Some((cookie, tail)) => (
                format!("{{{tail}"),
                serde_json::from_str(cookie).map_err(|e| Error::BadRecord(crate::error::json_reason(&e)))?,
            ),
            None => (data_part(json)?, json_cookie(json)?),
        };
        let cookie = match cookie {
            Value::Object(m) => m,
            Value::Null => Map::new(),
            _ => return Err(Error::BadRecord("cookie is not an object".into())),
        };
        Ok(Record { cookie, data })
    }

    /// The data part without its opening brace (see [`data_tail`]).
    pub(crate) fn data_tail(&self) -> &str {
        &self.data[1..]
    }

    /// The times the expiry rules read.
    pub fn times(&self) -> CookieTimes {
        let int = |k: &str| self.cookie.get(k).and_then(Value::as_f64).and_then(crate::date::js_time);
        CookieTimes {
            expires: self.expires(),
            original_max_age: self.cookie.get("originalMaxAge").and_then(Value::as_f64),
            created_at: int("createdAt"),
            last_seen: int("lastSeen"),
        }
    }

    /// `cookie.expires` in milliseconds (ISO text, or a number), if it has one.
    pub fn expires(&self) -> Option<i64> {
        match self.cookie.get("expires") {
            Some(Value::String(s)) => parse_iso(s),
            Some(Value::Number(n)) => n.as_f64().and_then(crate::date::js_time),
            _ => None,
        }
    }

    /// Sets `expires` (ISO text, or `null`).
    pub fn set_expires(&mut self, ms: Option<i64>) {
        let v = ms.and_then(|m| to_iso_string(m as f64)).map(Value::String).unwrap_or(Value::Null);
        match self.cookie.get_mut("expires") {
            Some(slot) => *slot = v,
            None => {
                // keep Cookie#toJSON's key order: expires comes after originalMaxAge/partitioned/priority
                let at = self
                    .cookie
                    .keys()
                    .rposition(|k| ["originalMaxAge", "partitioned", "priority"].contains(&k.as_str()))
                    .map_or(0, |i| i + 1);
                let mut entries: Vec<(String, Value)> = std::mem::take(&mut self.cookie).into_iter().collect();
                entries.insert(at, ("expires".into(), v));
                self.cookie = entries.into_iter().collect();
            }
        }
    }

    /// Sets a session-core timestamp (`createdAt`, `lastSeen`) at the end of `cookie`.
    pub fn set_stamp(&mut self, key: &str, ms: i64) {
        self.cookie.insert(key.to_owned(), Value::from(ms));
    }

    /// The record as JSON text: `cookie` first, then the data, byte for byte as it came.
    pub fn to_json(&self) -> String {
        let mut out = String::with_capacity(self.data.len() + 160);
        out.push_str("{\"cookie\":");
        // a map of JSON values always serialises
        out.push_str(&serde_json::to_string(&self.cookie).unwrap_or_default());
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
        match self.cookie.get(key) {
            None | Some(Value::Null) | Some(Value::Bool(false)) => false,
            Some(Value::String(s)) => !s.is_empty(),
            Some(Value::Number(n)) => n.as_f64().is_some_and(|f| f != 0.0),
            Some(_) => true,
        }
    }

    /// The `Set-Cookie` value for this record's cookie, `cookie@0.7`'s serialize with `Cookie#data`
    /// (express-session never passes `maxAge`, so there is no `Max-Age`).
    pub fn set_cookie(&self, name: &str, value: &str) -> Result<String, Error> {
        let c = &self.cookie;
        let truthy = |k: &str| self.cookie_truthy(k);
        let text = |k: &str| match c.get(k) {
            Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            Some(Value::Bool(true)) => Some("true".into()),
            _ => None,
        };
        let opts = SerializeOptions {
            expires: self.expires().map(|m| m as f64),
            domain: text("domain"),
            path: text("path"),
            http_only: truthy("httpOnly"),
            secure: truthy("secure"),
            partitioned: truthy("partitioned"),
            priority: text("priority").map(|p| if p == "true" { "!".into() } else { p }),
            same_site: match c.get("sameSite") {
                Some(Value::Bool(true)) => Some("strict".into()),
                _ => text("sameSite").map(|s| if s == "true" { "!".into() } else { s }),
            },
            ..Default::default()
        };
        serialize_cookie(name, value, &opts)
    }
}

fn json_cookie(json: &str) -> Result<Value, Error> {
    let v: Value = serde_json::from_str(json).map_err(|e| Error::BadRecord(crate::error::json_reason(&e)))?;
    match v {
        Value::Object(mut m) => Ok(m.shift_remove("cookie").unwrap_or(Value::Null)),
        _ => Err(Error::BadRecord("not a JSON object".into())),
    }
}
