//! The cookie attributes both session kinds take alike (express-session's under `cookie`,
//! cookie-session's at the top level), `maxAge`, and the cookie name prefixes browsers enforce.

use super::{bad, tag};
use crate::error::Error;
use crate::rules;
use serde_json::{Map, Value};

/// A text attribute (`domain`, `path`): a string (empty: none) that `rule` accepts.
fn text(field: &str, v: &Value, rule: fn(&str, &str) -> Result<(), Error>) -> Result<(), Error> {
    match v {
        Value::Null => Ok(()),
        Value::String(s) => rule(field, s),
        _ => Err(bad(field, "a string", v)),
    }
}

fn domain(field: &str, v: &Value) -> Result<(), Error> {
    match v {
        Value::Null => Ok(()),
        Value::String(s) => rules::domain(field, s),
        _ => Err(Error::option(field, rules::DOMAIN)),
    }
}

fn expires(field: &str, v: &Value) -> Result<(), Error> {
    match v {
        Value::Null => Ok(()),
        _ if tag(v) == Some("date") && v.get("ms").is_some_and(Value::is_number) => Ok(()),
        _ if tag(v) == Some("date") => Err(Error::option(field, "must be a valid Date (got an invalid Date)")),
        _ => Err(bad(field, "a Date", v)),
    }
}

/// `maxAge` (cookie-session) or `cookie.maxAge` (express-session): milliseconds within
/// [`rules::MAX_AGE_LIMIT_MS`] either way ([`rules::check_max_age`]), or null.
pub(super) fn max_age(field: &str, v: &Value) -> Result<(), Error> {
    match v {
        Value::Null => Ok(()),
        // JSON has no NaN or infinity: only the bound to check
        Value::Number(n) => n.as_f64().map_or(Ok(()), |ms| rules::check_max_age(field, ms)),
        _ => Err(bad(field, "a number of milliseconds (or null)", v)),
    }
}

fn same_site(field: &str, v: &Value, auto: bool) -> Result<(), Error> {
    match v {
        Value::Bool(_) | Value::Null => Ok(()),
        Value::String(s) => rules::same_site(field, s, auto),
        _ => Err(bad(field, &format!("true, false or one of {}", rules::listed(rules::same_site_values(auto))), v)),
    }
}

fn priority(field: &str, v: &Value) -> Result<(), Error> {
    match v {
        Value::Null => Ok(()),
        Value::String(s) => rules::priority(field, s),
        _ => Err(bad(field, &format!("one of {}", rules::listed(rules::PRIORITIES)), v)),
    }
}

/// The cookie attributes both session kinds take alike (express-session's under `cookie`,
/// cookie-session's at the top level): expires, domain, path, sameSite (`"auto"` only on the
/// Express side), priority. `prefix` names the fields in errors.
pub(super) fn cookie_attributes(m: &Map<String, Value>, prefix: &str, auto: bool) -> Result<(), Error> {
    let get = |k: &str| m.get(k).filter(|v| !v.is_null());
    let field = |k: &str| format!("{prefix}{k}");
    if let Some(v) = get("expires") {
        expires(&field("expires"), v)?;
    }
    if let Some(v) = get("domain") {
        domain(&field("domain"), v)?;
    }
    if let Some(v) = get("path") {
        text(&field("path"), v, rules::path)?;
    }
    if let Some(v) = get("sameSite") {
        same_site(&field("sameSite"), v, auto)?;
    }
    if let Some(v) = get("priority") {
        priority(&field("priority"), v)?;
    }
    Ok(())
}

/// The cookie name prefixes browsers enforce (RFC 6265bis §4.1.3): a `__Host-` cookie must be
/// secure, host-only (no domain) and on path `/`; a `__Secure-` one must be secure. Refused here,
/// at construction, naming the rule: the browser would drop the cookie without a word.
/// `secure` is whether the options make the cookie secure (`None`: not known until the request).
pub(super) fn prefix_rules(
    name: &str,
    domain: Option<&Value>,
    path: Option<&Value>,
    secure: Option<bool>,
) -> Result<(), Error> {
    let lower = name.to_ascii_lowercase();
    let host = lower.starts_with("__host-");
    if !host && !lower.starts_with("__secure-") {
        return Ok(());
    }
    let prefix = if host { "__Host-" } else { "__Secure-" };
    if secure == Some(false) {
        return Err(Error::option(
            "name",
            format!("is a {prefix} name, which browsers accept only on a secure cookie: set secure: true"),
        ));
    }
    if host && domain.and_then(Value::as_str).is_some_and(|d| !d.is_empty()) {
        return Err(Error::option(
            "name",
            "is a __Host- name, which browsers accept only on a host-only cookie: remove the domain option",
        ));
    }
    if host && path.and_then(Value::as_str).is_some_and(|p| p != "/") {
        return Err(Error::option("name", "is a __Host- name, which browsers accept only with path \"/\""));
    }
    Ok(())
}
