//! `Set-Cookie` parsing as a browser does it (RFC 6265 §5.2): the first pair is the cookie, the
//! attributes after it are case-insensitive, unknown ones are ignored, the last of each wins.

use super::cookie_date::parse_cookie_date;
use serde::Serialize;

/// One parsed `Set-Cookie` line.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SetCookie {
    pub name: String,
    pub value: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires: Option<i64>,
    /// Seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_age: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    pub secure: bool,
    pub http_only: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub same_site: Option<String>,
    pub partitioned: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<String>,
}

fn trim(s: &str) -> &str {
    s.trim_matches(|c| c == ' ' || c == '\t')
}

/// Parses one `Set-Cookie` value; `None` when there is no `=` in the first pair (browsers drop it).
///
/// ```
/// use session_core::inspect::parse_set_cookie;
/// let c = parse_set_cookie("sid=abc; Path=/; HttpOnly; SameSite=Lax; Max-Age=60").unwrap();
/// assert_eq!((c.name.as_str(), c.value.as_str(), c.max_age, c.http_only), ("sid", "abc", Some(60), true));
/// ```
pub fn parse_set_cookie(line: &str) -> Option<SetCookie> {
    let mut parts = line.split(';');
    let (name, value) = parts.next()?.split_once('=')?;
    let mut c = SetCookie { name: trim(name).to_owned(), value: trim(value).to_owned(), ..Default::default() };
    for attr in parts {
        let (k, v) = match attr.split_once('=') {
            Some((k, v)) => (trim(k), trim(v)),
            None => (trim(attr), ""),
        };
        match k.to_ascii_lowercase().as_str() {
            "expires" => c.expires = parse_cookie_date(v).or(c.expires),
            "max-age" => {
                let ok =
                    !v.is_empty() && v.bytes().enumerate().all(|(i, b)| b.is_ascii_digit() || (i == 0 && b == b'-'));
                if ok {
                    c.max_age = Some(v.parse::<i64>().unwrap_or(if v.starts_with('-') { i64::MIN } else { i64::MAX }));
                }
            }
            "domain" if !v.is_empty() => c.domain = Some(v.trim_start_matches('.').to_ascii_lowercase()),
            "path" => c.path = Some(v.to_owned()),
            "secure" => c.secure = true,
            "httponly" => c.http_only = true,
            "samesite" => c.same_site = Some(v.to_ascii_lowercase()),
            "partitioned" => c.partitioned = true,
            "priority" => c.priority = Some(v.to_ascii_lowercase()),
            _ => {}
        }
    }
    Some(c)
}

impl SetCookie {
    /// When the browser forgets the cookie (Max-Age wins over Expires), ms; `None`: at the end of the
    /// browsing session.
    pub fn expiry(&self, now: i64) -> Option<i64> {
        match self.max_age {
            Some(s) if s <= 0 => Some(0),
            Some(s) => Some(now.saturating_add(s.saturating_mul(1000))),
            None => self.expires,
        }
    }
}
