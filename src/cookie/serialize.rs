//! `Set-Cookie` serialisation, byte-identical to the `cookie` npm package 0.7 (`cookie.serialize`).
//!
//! Attribute order: `Max-Age; Domain; Path; Expires; HttpOnly; Secure; Partitioned; Priority; SameSite`.
//! Each invalid input is refused with an [`Error`] naming the field, as `cookie@0.7` throws a
//! `TypeError` naming it.

use super::encoding::encode_uri_component;
use crate::date::to_utc_string;
use crate::error::Error;
use serde::Deserialize;

/// The `SameSite` attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SameSite {
    Strict,
    Lax,
    None,
}

impl SameSite {
    /// Reads `strict`/`lax`/`none` in any case, as `cookie@0.7` reads strings.
    pub fn parse(s: &str) -> Result<Self, Error> {
        match s.to_ascii_lowercase().as_str() {
            "strict" => Ok(SameSite::Strict),
            "lax" => Ok(SameSite::Lax),
            "none" => Ok(SameSite::None),
            _ => Err(Error::invalid("sameSite", "must be one of lax, strict, none")),
        }
    }
    fn as_str(self) -> &'static str {
        match self {
            SameSite::Strict => "Strict",
            SameSite::Lax => "Lax",
            SameSite::None => "None",
        }
    }
}

/// The `Priority` attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Priority {
    Low,
    Medium,
    High,
}

impl Priority {
    /// Reads `low`/`medium`/`high` in any case.
    pub fn parse(s: &str) -> Result<Self, Error> {
        match s.to_ascii_lowercase().as_str() {
            "low" => Ok(Priority::Low),
            "medium" => Ok(Priority::Medium),
            "high" => Ok(Priority::High),
            _ => Err(Error::invalid("priority", "must be one of low, medium, high")),
        }
    }
    fn as_str(self) -> &'static str {
        match self {
            Priority::Low => "Low",
            Priority::Medium => "Medium",
            Priority::High => "High",
        }
    }
}

/// Options of [`serialize_cookie`], as in `cookie@0.7`. Textual `priority` and `same_site` are
/// validated at serialisation, so an options object from JSON or JS maps onto this one to one.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SerializeOptions {
    /// `false` when the value is already encoded (a custom `encode` ran in JS); it is then only
    /// checked against the cookie-octet grammar.
    #[serde(skip)]
    pub raw: bool,
    /// Seconds; floored, printed as JavaScript prints numbers.
    pub max_age: Option<f64>,
    pub domain: Option<String>,
    pub path: Option<String>,
    /// Milliseconds since the epoch.
    pub expires: Option<f64>,
    pub http_only: bool,
    pub secure: bool,
    pub partitioned: bool,
    pub priority: Option<String>,
    /// `strict` (what JavaScript's `true` means), `lax` or `none`.
    pub same_site: Option<String>,
}

/// `token` of RFC 7230 §3.2.6 — what `cookie@0.7` allows in a name.
fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// `cookie-octet` of RFC 6265 §4.1.1, optionally the whole value in one pair of double quotes.
fn is_cookie_value(v: &str) -> bool {
    let octet = |b: &u8| matches!(b, 0x21 | 0x23..=0x2B | 0x2D..=0x3A | 0x3C..=0x5B | 0x5D..=0x7E);
    let b = v.as_bytes();
    let inner = if b.len() >= 2 && b[0] == b'"' && b[b.len() - 1] == b'"' { &b[1..b.len() - 1] } else { b };
    inner.iter().all(octet)
}

/// `cookie@0.7`'s domain rule: dot-separated labels of letters, digits and inner hyphens, one
/// optional leading dot.
fn is_domain(d: &str) -> bool {
    let d = d.strip_prefix('.').unwrap_or(d);
    !d.is_empty()
        && d.split('.').all(|label| {
            let l = label.as_bytes();
            (1..=63).contains(&l.len())
                && l.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'-')
                && l[0] != b'-'
                && l[l.len() - 1] != b'-'
        })
}

/// `cookie@0.7`'s path rule: printable ASCII but `;`.
fn is_path(p: &str) -> bool {
    p.bytes().all(|b| (0x20..=0x7E).contains(&b) && b != b';')
}

/// A number as JavaScript's `String(n)` prints an integer-valued double.
pub fn js_integer_string(n: f64) -> String {
    if n == 0.0 {
        return "0".into(); // also -0
    }
    if n.abs() < 1e21 {
        return format!("{n}");
    }
    let e = format!("{n:e}"); // "1.5e300"
    match e.split_once('e') {
        Some((m, exp)) if exp.starts_with('-') => format!("{m}e{exp}"),
        Some((m, exp)) => format!("{m}e+{exp}"),
        None => e,
    }
}

/// Serialises a `Set-Cookie` header value.
///
/// ```
/// use session_core::{serialize_cookie, cookie::SerializeOptions};
/// let opts = SerializeOptions {
///     max_age: Some(60.9), domain: Some(".example.com".into()), path: Some("/p".into()),
///     expires: Some(1767225600000.0), http_only: true, secure: true, partitioned: true,
///     priority: Some("low".into()), same_site: Some("strict".into()), ..Default::default()
/// };
/// assert_eq!(serialize_cookie("n", "v", &opts).unwrap(),
///   "n=v; Max-Age=60; Domain=.example.com; Path=/p; Expires=Thu, 01 Jan 2026 00:00:00 GMT; \
///    HttpOnly; Secure; Partitioned; Priority=Low; SameSite=Strict");
/// ```
pub fn serialize_cookie(name: &str, value: &str, opt: &SerializeOptions) -> Result<String, Error> {
    if name.is_empty() || !name.bytes().all(is_token_byte) {
        return Err(Error::invalid("name", "must be a cookie name (RFC 7230 token)"));
    }
    let value = if opt.raw { value.to_owned() } else { encode_uri_component(value) };
    if !is_cookie_value(&value) {
        return Err(Error::invalid("val", "the encoded value has characters a cookie cannot hold"));
    }
    let mut s = String::with_capacity(name.len() + value.len() + 96);
    s.push_str(name);
    s.push('=');
    s.push_str(&value);
    if let Some(max_age) = opt.max_age {
        let m = max_age.floor();
        if !m.is_finite() {
            return Err(Error::invalid("maxAge", "must be a finite number"));
        }
        s.push_str("; Max-Age=");
        s.push_str(&js_integer_string(m));
    }
    if let Some(domain) = opt.domain.as_deref().filter(|d| !d.is_empty()) {
        if !is_domain(domain) {
            return Err(Error::invalid("domain", "must be a domain name"));
        }
        s.push_str("; Domain=");
        s.push_str(domain);
    }
    if let Some(path) = opt.path.as_deref().filter(|p| !p.is_empty()) {
        if !is_path(path) {
            return Err(Error::invalid("path", "must be printable ASCII without ';'"));
        }
        s.push_str("; Path=");
        s.push_str(path);
    }
    if let Some(expires) = opt.expires {
        let date = to_utc_string(expires).ok_or_else(|| Error::invalid("expires", "not a valid date"))?;
        s.push_str("; Expires=");
        s.push_str(&date);
    }
    if opt.http_only {
        s.push_str("; HttpOnly");
    }
    if opt.secure {
        s.push_str("; Secure");
    }
    if opt.partitioned {
        s.push_str("; Partitioned");
    }
    if let Some(p) = opt.priority.as_deref() {
        s.push_str("; Priority=");
        s.push_str(Priority::parse(p)?.as_str());
    }
    if let Some(ss) = opt.same_site.as_deref() {
        s.push_str("; SameSite=");
        s.push_str(SameSite::parse(ss)?.as_str());
    }
    Ok(s)
}
