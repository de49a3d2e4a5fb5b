//! The options of both session kinds — the Express middleware's (express-session's options) and
//! cookie-session's — checked in one place, once, when the middleware is made.
//!
//! The JS layer hands over the options object as JSON, with what JSON cannot say tagged as
//! `{"$sc": kind, …}`: a function (`{"$sc":"function"}`), a Date (`{"$sc":"date","ms":…}`, `ms`
//! null when invalid), bytes (`{"$sc":"bytes","length":…}`), a non-finite number
//! (`{"$sc":"nonfinite"}`), an instance of a class (`{"$sc":"instance","class":…,"methods":[…]}`)
//! and anything else (`{"$sc":"other","type":…}`). A Rust caller passes plain JSON.
//!
//! Every error names the option (`field`, dotted for `cookie.*`), has a stable code
//! (`ERR_SESSION_CORE_INVALID_<FIELD>`, or `ERR_SESSION_CORE_UNKNOWN_OPTION`) and says what is
//! accepted. No message ever quotes the value it refused: options carry secrets. An unknown option
//! name is refused with the closest known name ("did you mean"); `allowUnknownOptions: true` lets
//! deliberate extras through.
//!
//! This file is that description protocol: reading a tagged value, naming its kind, the shapes
//! every family checks alike. The rule a value must then follow is src/rules.rs' (one wording,
//! shared with the typed Rust constructors, such as [`crate::session::SessionOptions::validate`]).
//! One file per family of options:
//! - `express`: the Express middleware's ([`express_options`]);
//! - `opt_in`: its opt-in server options, `hashIds`, `regenerateGrace`, `header` ([`server_options`]);
//! - `cookie_session`: cookie-session's ([`cookie_session_options`]);
//! - `csrf`: `csrf()`'s, both session kinds ([`csrf_options`]);
//! - `cookie`: the cookie attributes and the cookie name prefixes, both session kinds.

mod cookie;
mod cookie_session;
mod csrf;
mod express;
mod opt_in;

pub use crate::rules::{check_max_age, MAX_AGE_LIMIT_MS, MAX_REGENERATE_GRACE_MS};
pub use cookie_session::{cookie_session_options, COOKIE_SESSION_OPTIONS};
pub use csrf::{csrf_options, CSRF_OPTIONS};
pub use express::{express_options, EXPRESS_COOKIE_OPTIONS, EXPRESS_OPTIONS};
pub use opt_in::server_options;

use crate::error::Error;
use crate::rules;
use crate::session::Timeouts;
use serde_json::{Map, Value};

/// What a value is, in words for an error message ("got a string"), never the value itself.
fn kind(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(_) => "a boolean".into(),
        Value::Number(_) => "a number".into(),
        Value::String(_) => "a string".into(),
        Value::Array(_) => "an array".into(),
        Value::Object(m) => match tag(v) {
            Some("function") => "a function".into(),
            Some("date") if m.get("ms").is_some_and(Value::is_number) => "a Date".into(),
            Some("date") => "an invalid Date".into(),
            Some("bytes") => "a Buffer".into(),
            Some("nonfinite") => "NaN or an infinite number".into(),
            Some("instance") => match m.get("class").and_then(Value::as_str) {
                Some(c)
                    if !c.is_empty() && c.len() <= 40 && c.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') =>
                {
                    format!("a {c} instance")
                }
                _ => "an object".into(),
            },
            Some("other") => match m.get("type").and_then(Value::as_str) {
                Some("bigint") => "a bigint".into(),
                Some("symbol") => "a symbol".into(),
                _ => "an unsupported value".into(),
            },
            _ => "an object".into(),
        },
    }
}

/// The tag of a value JSON cannot say (`{"$sc": kind, …}`), if it is one.
fn tag(v: &Value) -> Option<&str> {
    v.as_object()?.get("$sc")?.as_str()
}

/// The error for a value of the wrong kind: what is accepted, and the kind it got.
fn bad(field: &str, expected: &str, got: &Value) -> Error {
    Error::option(field, format!("must be {expected} (got {})", kind(got)))
}

fn is_fn(v: &Value) -> bool {
    tag(v) == Some("function")
}

/// A plain object (not a tagged value).
fn plain(v: &Value) -> Option<&Map<String, Value>> {
    v.as_object().filter(|_| tag(v).is_none())
}

fn boolean(field: &str, v: &Value) -> Result<(), Error> {
    match v {
        Value::Bool(_) => Ok(()),
        _ => Err(bad(field, "true or false", v)),
    }
}

/// A boolean option, or its default when absent or null.
fn flag(fields: &Map<String, Value>, k: &str, default: bool) -> Result<bool, Error> {
    match fields.get(k) {
        None | Some(Value::Null) => Ok(default),
        Some(Value::Bool(b)) => Ok(*b),
        Some(v) => Err(bad(k, "true or false", v)),
    }
}

/// A span of milliseconds ([`rules::positive_ms`]), or `None` for null.
fn positive_ms(field: &str, v: &Value) -> Result<Option<f64>, Error> {
    match v {
        Value::Null => Ok(None),
        Value::Number(n) => {
            // a JSON number always reads as an f64; NaN (refused by the rule) never does
            let ms = n.as_f64().unwrap_or(f64::NAN);
            rules::positive_ms(field, ms)?;
            Ok(Some(ms))
        }
        _ => Err(bad(field, "a positive number of milliseconds", v)),
    }
}

fn function(field: &str, v: &Value) -> Result<(), Error> {
    if is_fn(v) {
        Ok(())
    } else {
        Err(bad(field, "a function", v))
    }
}

/// One secret: a non-empty string or Buffer.
fn one_secret(field: &str, v: &Value) -> Result<(), Error> {
    match v {
        Value::String(s) => rules::secret(field, s.len()),
        _ if tag(v) == Some("bytes") => {
            // a length that does not read counts as none
            rules::secret(field, v.get("length").and_then(Value::as_u64).map_or(0, |n| usize::try_from(n).unwrap_or(1)))
        }
        _ => Err(bad(field, "a non-empty string or Buffer, or an array of them", v)),
    }
}

/// A secret or a list of secrets (the first signs, every one verifies).
fn secrets(field: &str, v: &Value) -> Result<(), Error> {
    match v {
        Value::Array(a) => {
            rules::secret_list(field, a.len())?;
            a.iter().try_for_each(|s| one_secret(field, s))
        }
        _ => one_secret(field, v),
    }
}

/// A cookie name ([`rules::cookie_name`]).
fn cookie_name(field: &str, v: &Value) -> Result<String, Error> {
    match v {
        Value::String(s) => rules::cookie_name(field, s).map(|()| s.clone()),
        _ => Err(bad(field, "a string", v)),
    }
}

/// One of `allowed` ([`rules::one_of`]).
fn one_of(field: &str, v: &Value, allowed: &[&str], case_insensitive: bool) -> Result<(), Error> {
    match v {
        Value::String(s) => rules::one_of(field, s, allowed, case_insensitive),
        _ => Err(bad(field, &format!("one of {}", rules::listed(allowed)), v)),
    }
}

/// `checks` ('warn', 'throw' or 'off') and `cacheHeaders` (a boolean), both session kinds.
fn security_options(f: &Map<String, Value>) -> Result<(), Error> {
    if let Some(v) = f.get("checks").filter(|v| !v.is_null()) {
        one_of("checks", v, &["warn", "throw", "off"], false)?;
    }
    flag(f, "cacheHeaders", true).map(|_| ())
}

/// The known name closest to `name`, if it is close enough to be a slip.
pub fn suggest(name: &str, known: &[&'static str]) -> Option<&'static str> {
    crate::suggest::closest(name, known)
}

/// Refuses names outside `known` (unless deliberate extras are allowed).
fn known_names(fields: &Map<String, Value>, known: &[&'static str], prefix: &str, allow: bool) -> Result<(), Error> {
    if allow {
        return Ok(());
    }
    match fields.keys().find(|k| !known.contains(&k.as_str())) {
        Some(k) => {
            Err(Error::unknown_option(format!("{prefix}{k}"), suggest(k, known).map(|s| format!("{prefix}{s}"))))
        }
        None => Ok(()),
    }
}

/// The options object's fields (null: none).
fn top_level(options: &Value) -> Result<Map<String, Value>, Error> {
    match options {
        Value::Null => Ok(Map::new()),
        _ => plain(options).cloned().ok_or_else(|| bad("options", "an object", options)),
    }
}

/// `allowUnknownOptions`: let deliberate extras through.
fn allow_unknown(fields: &Map<String, Value>) -> Result<bool, Error> {
    match fields.get("allowUnknownOptions") {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(v) => Err(bad("allowUnknownOptions", "true or false", v)),
    }
}

/// `idleTimeout`, `absoluteTimeout` and `touchAfter` (both session kinds).
fn timeouts(fields: &Map<String, Value>) -> Result<Timeouts, Error> {
    let get = |k: &str| fields.get(k).map_or(Ok(None), |v| positive_ms(k, v));
    Ok(Timeouts {
        idle_timeout: get("idleTimeout")?,
        absolute_timeout: get("absoluteTimeout")?,
        touch_after: get("touchAfter")?,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;

    #[test]
    fn cookie_options_where_they_belong() {
        let e = express_options(&json!({ "secret": "s", "maxAge": 1000 })).unwrap_err();
        assert_eq!(e.to_string(), "unknown option maxAge: did you mean cookie.maxAge?");
        let e = cookie_session_options(&json!({ "keys": ["k"], "cookie": { "maxAge": 1 } })).unwrap_err();
        assert!(e.to_string().contains("at the top level"), "{e}");
    }

    #[test]
    fn did_you_mean() {
        assert_eq!(suggest("secrets", EXPRESS_OPTIONS), Some("secret"));
        assert_eq!(suggest("samesite", EXPRESS_COOKIE_OPTIONS), Some("sameSite"));
        assert_eq!(suggest("encrpyt", COOKIE_SESSION_OPTIONS), Some("encrypt"));
        assert_eq!(suggest("zzzzzzzz", EXPRESS_OPTIONS), None);
    }

    #[test]
    fn no_value_is_quoted() {
        let secret = "S3CRET-VALUE";
        for opts in [
            json!({ "secret": secret, "unset": secret }),
            json!({ "secret": secret, "name": secret.to_owned() + " x" }),
            json!({ "secret": secret, "cookie": { "sameSite": secret } }),
            json!({ "secret": secret, "cookie": { "domain": secret.to_owned() + ";" } }),
            json!({ "secret": secret, "cookie": { "maxAge": secret } }),
            json!({ "secret": secret, "idleTimeout": secret }),
            json!({ "secret": secret, "store": secret }),
            json!({ "secrets": secret }),
        ] {
            let e = express_options(&opts).unwrap_err();
            assert!(!e.to_string().contains("S3CRET"), "{e}");
            assert!(e.field().is_some() && e.code().starts_with("ERR_SESSION_CORE_"), "{e}");
        }
    }

    #[test]
    fn shapes() {
        assert!(express_options(&json!({ "secret": [] })).unwrap_err().to_string().contains("secret option array"));
        assert!(express_options(&json!({ "genid": "bogus!" }))
            .unwrap_err()
            .to_string()
            .contains("genid is invalid: must"));
        assert!(express_options(&json!({ "unset": "bogus!" }))
            .unwrap_err()
            .to_string()
            .contains("unset is invalid: must"));
        let store = json!({ "$sc": "instance", "class": "RedisStore", "methods": ["get", "set", "destroy"] });
        assert!(express_options(&json!({ "secret": "s", "store": store })).is_ok());
        let e = express_options(&json!({ "secret": "s", "store": {} })).unwrap_err();
        assert_eq!(e.code(), "ERR_SESSION_CORE_INVALID_STORE");
        assert!(express_options(&json!({ "x": 1, "allowUnknownOptions": true })).is_ok());
        let e = cookie_session_options(&json!({ "keys": { "$sc": "instance", "class": "Keygrip", "methods": [] } }))
            .unwrap_err();
        assert!(e.to_string().contains("Keygrip instance"));
        assert!(cookie_session_options(&json!({})).unwrap_err().to_string().contains(".keys required."));
        assert!(cookie_session_options(&json!({ "signed": false })).is_ok());
    }
}
