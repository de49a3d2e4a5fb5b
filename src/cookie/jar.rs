//! Reading every cookie of a request as cookie-parser does: `cookie@0.7` parsing, `s:` values
//! verified against the secrets (moved to the signed cookies; a bad signature gives `false`), and
//! `j:` values marked as JSON cookies — only those whose JSON parses to a truthy value, as
//! cookie-parser keeps `j:0`, `j:false`, `j:null` and `j:""` as strings.

use super::parse::parse_cookie;
use crate::signing::Signer;
use serde_json::Value;

/// A request's cookies, split as cookie-parser splits them.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Jar {
    /// Plain cookies, in header order.
    pub cookies: Vec<(String, String)>,
    /// Signed cookies: the verified value, or `None` (JavaScript's `false`) for a bad signature.
    pub signed: Vec<(String, Option<String>)>,
}

/// Reads a `Cookie` header; without a signer every cookie is plain.
///
/// ```
/// use session_core::{cookie::read_cookies, Signer};
/// let s = Signer::new(&["tobiiscool"]).unwrap();
/// let jar = read_cookies("a=1; sig=s%3Ahello.DGDUkGlIkCzPz%2BC0B064FNgHdEjox7ch8tOBGslZ5QI; bad=s%3Ax.y", Some(&s));
/// assert_eq!(jar.cookies, vec![("a".to_string(), "1".to_string())]);
/// assert_eq!(jar.signed, vec![("sig".to_string(), Some("hello".to_string())), ("bad".to_string(), None)]);
/// ```
pub fn read_cookies(header: &str, signer: Option<&Signer>) -> Jar {
    split(parse_cookie(header), signer)
}

/// The same split over already-parsed pairs (a custom `decode` ran in JS).
pub fn split(pairs: Vec<(String, String)>, signer: Option<&Signer>) -> Jar {
    let mut jar = Jar::default();
    for (k, v) in pairs {
        match (signer, v.strip_prefix("s:")) {
            (Some(s), Some(rest)) => {
                let verified = s.unsign(rest).map(|u| u.value);
                jar.signed.push((k, verified));
            }
            _ => jar.cookies.push((k, v)),
        }
    }
    jar
}

/// Whether cookie-parser turns this value into JSON: `j:` and a JSON text whose value is truthy.
///
/// ```
/// use session_core::cookie::is_json_cookie;
/// assert!(is_json_cookie("j:{\"a\":1}"));
/// assert!(!is_json_cookie("j:0") && !is_json_cookie("j:null") && !is_json_cookie("j:{bad") && !is_json_cookie("x"));
/// ```
pub fn is_json_cookie(value: &str) -> bool {
    let Some(text) = value.strip_prefix("j:") else { return false };
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Null) | Ok(Value::Bool(false)) | Err(_) => false,
        Ok(Value::Number(n)) => n.as_f64().is_some_and(|f| f != 0.0),
        Ok(Value::String(s)) => !s.is_empty(),
        Ok(_) => true,
    }
}
