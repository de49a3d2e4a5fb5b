//! The `cookies` npm package's wire habits (cookie-session's layer): how it finds a cookie in the
//! `Cookie` header and how it writes `Set-Cookie`.

use crate::date::to_utc_string;
use crate::error::Error;
use serde::Deserialize;

/// Browsers drop a cookie whose name and value together exceed this many bytes.
pub const COOKIE_BUDGET: usize = 4096;

/// `cookies`' `get`: the first `name=` at the start of the header or after a `;` and spaces; the
/// value runs to the next `;`, untrimmed; one leading `"` removes the first and last character.
///
/// ```
/// use session_core::client::find_cookie;
/// assert_eq!(find_cookie("a=1; session=abc; session=def", "session"), Some("abc"));
/// assert_eq!(find_cookie("xsession=abc", "session"), None);
/// assert_eq!(find_cookie("session=\"abc\"", "session"), Some("abc"));
/// ```
pub fn find_cookie<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    let b = header.as_bytes();
    let mut start = 0;
    loop {
        // candidate name positions: 0, or after ';' and any spaces
        let mut i = start;
        while b.get(i) == Some(&b' ') {
            i += 1;
        }
        if header[i..].starts_with(name) && b.get(i + name.len()) == Some(&b'=') {
            let from = i + name.len() + 1;
            let to = header[from..].find(';').map_or(header.len(), |p| from + p);
            let v = &header[from..to];
            // JavaScript's value.slice(1, -1) when it starts with a quote
            return Some(match v.strip_prefix('"') {
                Some(rest) => {
                    let mut cs = rest.chars();
                    cs.next_back();
                    cs.as_str()
                }
                None => v,
            });
        }
        start = header[start..].find(';').map(|p| start + p + 1)?;
    }
}

/// Attributes of a cookie as `cookies` writes them, from cookie-session's options.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CookieAttrs {
    pub path: Option<String>,
    pub domain: Option<String>,
    /// Milliseconds; `expires = now + maxAge`.
    pub max_age: Option<f64>,
    /// Milliseconds since the epoch.
    pub expires: Option<f64>,
    /// `"strict"` (JavaScript's `true`), `lax`, `none`.
    pub same_site: Option<String>,
    pub secure: Option<bool>,
    pub http_only: Option<bool>,
    pub partitioned: bool,
    pub priority: Option<String>,
}

fn field_content(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c == '\t' || (' '..='~').contains(&c) || ('\u{80}'..='\u{ff}').contains(&c))
}

/// One `Set-Cookie` value as `cookies` 0.9 writes it: lower-case attributes in its order, `path=/`
/// and `httponly` by default, `expires` from `maxAge`, and an empty value expiring at the epoch.
///
/// ```
/// use session_core::client::{set_cookie_header, CookieAttrs};
/// let a = CookieAttrs { max_age: Some(86_400_000.0), same_site: Some("lax".into()), ..Default::default() };
/// assert_eq!(set_cookie_header("session", "e30=", &a, false, 1767225600000).unwrap(),
///     "session=e30=; path=/; expires=Fri, 02 Jan 2026 00:00:00 GMT; samesite=lax; httponly");
/// ```
pub fn set_cookie_header(name: &str, value: &str, a: &CookieAttrs, secure: bool, now: i64) -> Result<String, Error> {
    if !field_content(name) || name.contains(';') || name.contains('=') {
        return Err(Error::invalid("name", "not a cookie name"));
    }
    if !value.is_empty() && (!field_content(value) || value.contains(';')) {
        return Err(Error::invalid("val", "not a cookie value"));
    }
    let mut s = format!("{name}={value}");
    let path = a.path.as_deref().unwrap_or("/");
    let mut expires = a.expires;
    if let Some(m) = a.max_age.filter(|_| !value.is_empty()) {
        if !m.is_finite() {
            return Err(Error::invalid("maxAge", "must be a finite number"));
        }
        if m != 0.0 {
            expires = Some(now as f64 + m);
        }
    }
    if value.is_empty() {
        expires = Some(0.0);
    }
    if !path.is_empty() {
        if !field_content(path) {
            return Err(Error::invalid("path", "not printable"));
        }
        s.push_str("; path=");
        s.push_str(path);
    }
    if let Some(e) = expires {
        let d = to_utc_string(e).ok_or_else(|| Error::invalid("expires", "not a valid date"))?;
        s.push_str("; expires=");
        s.push_str(&d);
    }
    if let Some(d) = a.domain.as_deref().filter(|d| !d.is_empty()) {
        if !field_content(d) {
            return Err(Error::invalid("domain", "not printable"));
        }
        s.push_str("; domain=");
        s.push_str(d);
    }
    if let Some(p) = a.priority.as_deref().filter(|p| !p.is_empty()) {
        let p = p.to_ascii_lowercase();
        if !matches!(p.as_str(), "low" | "medium" | "high") {
            return Err(Error::invalid("priority", "not one of low, medium, high"));
        }
        s.push_str("; priority=");
        s.push_str(&p);
    }
    if let Some(ss) = a.same_site.as_deref().filter(|s| !s.is_empty()) {
        let ss = ss.to_ascii_lowercase();
        if !matches!(ss.as_str(), "lax" | "strict" | "none") {
            return Err(Error::invalid("sameSite", "not one of lax, strict, none"));
        }
        s.push_str("; samesite=");
        s.push_str(&ss);
    }
    if a.secure.unwrap_or(secure) {
        s.push_str("; secure");
    }
    if a.http_only.unwrap_or(true) {
        s.push_str("; httponly");
    }
    if a.partitioned {
        s.push_str("; partitioned");
    }
    Ok(s)
}
