//! The options of `csrf()`, both session kinds alike.

use super::{bad, flag, function, known_names, top_level};
use crate::error::Error;
use serde_json::Value;

/// The options of `csrf()` (both session kinds).
pub const CSRF_OPTIONS: &[&str] = &["ignoreMethods", "value", "secFetchSite", "origins"];

/// Checks the options of `csrf()` (both session kinds): `ignoreMethods` (a list of method names),
/// `value` (a function of req), `secFetchSite` (a boolean), `origins` (a list of origins such as
/// `https://example.com`).
///
/// ```
/// use session_core::options::csrf_options;
/// use serde_json::json;
/// assert!(csrf_options(&json!({ "origins": ["https://example.com"] })).is_ok());
/// let e = csrf_options(&json!({ "origin": [] })).unwrap_err();
/// assert_eq!(e.to_string(), "unknown option origin: did you mean origins?");
/// ```
pub fn csrf_options(options: &Value) -> Result<(), Error> {
    let f = top_level(options)?;
    known_names(&f, CSRF_OPTIONS, "", false)?;
    let get = |k: &str| f.get(k).filter(|v| !v.is_null());
    if let Some(v) = get("ignoreMethods") {
        let ok = v.as_array().is_some_and(|a| {
            a.iter().all(|m| m.as_str().is_some_and(|m| !m.is_empty() && m.bytes().all(|b| b.is_ascii_alphabetic())))
        });
        if !ok {
            return Err(bad("ignoreMethods", "an array of HTTP method names", v));
        }
    }
    if let Some(v) = get("value") {
        function("value", v)?;
    }
    flag(&f, "secFetchSite", true)?;
    if let Some(v) = get("origins") {
        let Some(list) = v.as_array() else {
            return Err(bad("origins", "an array of origins (scheme://host[:port], such as https://example.com)", v));
        };
        for (i, o) in list.iter().enumerate() {
            if let Some(why) = origin_fault(o) {
                return Err(Error::option(
                    "origins",
                    format!("must be an array of origins (scheme://host[:port], such as https://example.com): entry {i} {why}"),
                ));
            }
        }
    }
    Ok(())
}

/// What is wrong with one entry of `origins` (as a browser sends `Origin`: scheme, host, port; no
/// path, not even `/`), or `None`. Never quotes the entry.
fn origin_fault(o: &Value) -> Option<&'static str> {
    let Some(text) = o.as_str() else { return Some("is not a string") };
    let Some(rest) = text.strip_prefix("https://").or_else(|| text.strip_prefix("http://")) else {
        return Some("does not start with https:// or http://");
    };
    if rest.is_empty() || rest.starts_with('/') {
        return Some("has no host");
    }
    if rest.ends_with('/') && !rest[..rest.len() - 1].contains(['/', ' ', '?', '#']) {
        return Some("ends with a slash: an Origin header never has one (drop it)");
    }
    if rest.contains('/') {
        return Some("has a path: an Origin header has none");
    }
    if rest.contains(['?', '#']) {
        return Some("has a query or a fragment: an Origin header has none");
    }
    if rest.contains(' ') {
        return Some("has a space");
    }
    None
}
