//! What `inspect` and `audit` are told, read from JSON (the form every build passes) with errors
//! that name the option and the expected shape and never quote a value: a secret given in the wrong
//! shape must not end up in a log.

use crate::error::Error;
use crate::suggest::closest;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::fmt;

/// What `inspect` is told.
#[derive(Clone, Default)]
pub struct InspectOptions {
    /// `cookie` (a request's `Cookie` header, the default) or `set-cookie` (one or more `Set-Cookie`
    /// values, one per line).
    pub as_: Option<String>,
    /// Cookie name → kind, where the bytes cannot tell (`express-session` or `cookie-parser`).
    pub names: BTreeMap<String, String>,
    /// express-session / cookie-parser secrets (cookie-signature), newest first.
    pub secrets: Vec<Vec<u8>>,
    /// cookie-session keys (keygrip) and session-core sealing keys, newest first.
    pub keys: Vec<Vec<u8>>,
    /// Milliseconds since the epoch.
    pub now: i64,
    pub url: Option<String>,
}

/// Prints how many secrets and keys it holds, never their bytes.
impl fmt::Debug for InspectOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InspectOptions")
            .field("as_", &self.as_)
            .field("names", &self.names)
            .field("secrets", &self.secrets.len())
            .field("keys", &self.keys.len())
            .field("now", &self.now)
            .field("url", &self.url)
            .finish()
    }
}

/// What `audit` is told.
#[derive(Debug, Clone, Default)]
pub struct AuditOptions {
    /// The URL of the response that sets the cookies (scheme and host are read).
    pub url: Option<String>,
    pub now: i64,
}

const INSPECT_FIELDS: &[&str] = &["as", "names", "secrets", "keys", "now", "url"];
const AUDIT_FIELDS: &[&str] = &["url", "now"];

impl InspectOptions {
    /// Reads JSON text: an object with any of `as` (`"cookie"` or `"set-cookie"`), `names` (an
    /// object of strings), `secrets` and `keys` (each a string, or a list of strings and byte arrays
    /// — arrays of integers 0 to 255), `now` (integer ms) and `url`; `null` is the same as absent.
    ///
    /// ```
    /// use session_core::inspect::InspectOptions;
    /// let o = InspectOptions::from_json(r#"{"secrets":"keyboard cat","keys":["k1",[107,50]],"now":5}"#).unwrap();
    /// assert_eq!((o.secrets, o.keys, o.now), (vec![b"keyboard cat".to_vec()], vec![b"k1".to_vec(), b"k2".to_vec()], 5));
    /// let e = InspectOptions::from_json(r#"{"secrets":{"a":"S3CRET"}}"#).unwrap_err();
    /// assert_eq!((e.field(), e.code().as_str()), (Some("secrets"), "ERR_SESSION_CORE_INVALID_SECRETS"));
    /// assert!(!e.to_string().contains("S3CRET"));
    /// ```
    pub fn from_json(text: &str) -> Result<Self, Error> {
        Self::from_value(&options_value(text)?)
    }

    /// The same from a parsed JSON value.
    pub fn from_value(v: &Value) -> Result<Self, Error> {
        let m = object(v, "inspect", INSPECT_FIELDS)?;
        let as_ = string(m, "as")?;
        if let Some(a) = &as_ {
            if !a.eq_ignore_ascii_case("cookie") && !a.eq_ignore_ascii_case("set-cookie") {
                return Err(Error::invalid("as", "expected \"cookie\" or \"set-cookie\""));
            }
        }
        Ok(InspectOptions {
            as_,
            names: names(m)?,
            secrets: secrets(m, "secrets")?,
            keys: secrets(m, "keys")?,
            now: now(m)?,
            url: string(m, "url")?,
        })
    }
}

impl AuditOptions {
    /// Reads JSON text: an object with `url` and `now` (integer ms); `null` is the same as absent.
    ///
    /// ```
    /// use session_core::inspect::AuditOptions;
    /// let o = AuditOptions::from_json(r#"{"url":"https://example.com/","now":5}"#).unwrap();
    /// assert_eq!((o.url.as_deref(), o.now), (Some("https://example.com/"), 5));
    /// let e = AuditOptions::from_json(r#"{"secrets":["S3CRET"]}"#).unwrap_err();
    /// assert_eq!(e.to_string(), "unknown option secrets (audit takes url, now)");
    /// ```
    pub fn from_json(text: &str) -> Result<Self, Error> {
        Self::from_value(&options_value(text)?)
    }

    /// The same from a parsed JSON value.
    pub fn from_value(v: &Value) -> Result<Self, Error> {
        let m = object(v, "audit", AUDIT_FIELDS)?;
        Ok(AuditOptions { url: string(m, "url")?, now: now(m)? })
    }
}

/// The report's form of an error: `{"version":1,"error":…,"code":…,"field":…}`.
pub(crate) fn error_json(e: &Error) -> String {
    let mut v = serde_json::json!({ "version": super::REPORT_VERSION, "error": e.to_string(), "code": e.code() });
    if let Some(f) = e.field() {
        v["field"] = f.into();
    }
    v.to_string()
}

fn options_value(text: &str) -> Result<Value, Error> {
    serde_json::from_str(text).map_err(|e| Error::json("options", &e))
}

static EMPTY: std::sync::OnceLock<Map<String, Value>> = std::sync::OnceLock::new();

fn object<'a>(v: &'a Value, which: &str, fields: &[&str]) -> Result<&'a Map<String, Value>, Error> {
    let m = match v {
        Value::Object(m) => m,
        Value::Null => EMPTY.get_or_init(Map::new),
        _ => return Err(Error::invalid("options", "expected an object")),
    };
    if let Some(unknown) = m.keys().find(|k| !fields.contains(&k.as_str())) {
        return Err(Error::unknown_option_with(
            unknown.clone(),
            closest(unknown, fields).map(str::to_owned),
            format!("{which} takes {}", fields.join(", ")),
        ));
    }
    Ok(m)
}

fn present<'a>(m: &'a Map<String, Value>, field: &str) -> Option<&'a Value> {
    m.get(field).filter(|v| !v.is_null())
}

fn string(m: &Map<String, Value>, field: &'static str) -> Result<Option<String>, Error> {
    match present(m, field) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(Error::invalid(field, "expected a string")),
    }
}

fn now(m: &Map<String, Value>) -> Result<i64, Error> {
    const SHAPE: &str = "expected milliseconds since the epoch (an integer)";
    match present(m, "now") {
        None => Ok(0),
        Some(Value::Number(n)) => n
            .as_i64()
            .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15).map(|f| f as i64))
            .ok_or_else(|| Error::invalid("now", SHAPE)),
        Some(_) => Err(Error::invalid("now", SHAPE)),
    }
}

fn names(m: &Map<String, Value>) -> Result<BTreeMap<String, String>, Error> {
    const SHAPE: &str = "expected an object of cookie name to kind (\"express-session\" or \"cookie-parser\")";
    match present(m, "names") {
        None => Ok(BTreeMap::new()),
        Some(Value::Object(o)) => o
            .iter()
            .map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_owned())).ok_or_else(|| Error::invalid("names", SHAPE)))
            .collect(),
        Some(_) => Err(Error::invalid("names", SHAPE)),
    }
}

/// A secret list: a string, bytes (an array of integers 0–255), or a list of strings and bytes.
fn secrets(m: &Map<String, Value>, field: &'static str) -> Result<Vec<Vec<u8>>, Error> {
    let shape = || Error::invalid(field, "expected a string, a Buffer (in JSON an array of bytes) or a list of them");
    match present(m, field) {
        None => Ok(Vec::new()),
        Some(Value::String(s)) => Ok(vec![s.as_bytes().to_vec()]),
        Some(Value::Array(items)) if !items.is_empty() && items.iter().all(Value::is_number) => {
            Ok(vec![bytes(items).ok_or_else(shape)?])
        }
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, item)| match item {
                Value::String(s) => Ok(s.as_bytes().to_vec()),
                Value::Array(b) => bytes(b).ok_or_else(|| {
                    Error::invalid(field, format!("item {i}: expected a byte array (integers 0 to 255)"))
                }),
                _ => Err(Error::invalid(field, format!("item {i}: expected a string or a Buffer"))),
            })
            .collect(),
        Some(_) => Err(shape()),
    }
}

fn bytes(items: &[Value]) -> Option<Vec<u8>> {
    items.iter().map(|b| b.as_u64().and_then(|b| u8::try_from(b).ok())).collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        InspectOptions::from_json(text).unwrap_err().to_string()
    }

    #[test]
    fn no_error_quotes_a_value() {
        for text in [
            r#"{"secrets":{"k":"S3CRET"}}"#,
            r#"{"secrets":["ok",{"k":"S3CRET"}]}"#,
            r#"{"secrets":["ok",["S3CRET"]]}"#,
            r#"{"keys":true}"#,
            r#"{"names":{"a":"S3CRET","b":1}}"#,
            r#"{"now":"S3CRET"}"#,
            r#"{"as":"S3CRET"}"#,
            r#"{"url":["S3CRET"]}"#,
            r#""S3CRET""#,
            r#"{"secrets":"S3CRET""#,
        ] {
            assert!(!err(text).contains("S3CRET"), "{text}: {}", err(text));
        }
        assert_eq!(
            err(r#"{"secrets":42}"#),
            "option secrets is invalid: expected a string, a Buffer (in JSON an array of bytes) or a list of them"
        );
        assert_eq!(err(r#"{"keys":["a",7]}"#), "option keys is invalid: item 1: expected a string or a Buffer");
        assert_eq!(err(r#"{"secret":"x"}"#), "unknown option secret: did you mean secrets?");
        assert_eq!(err("[1]"), "option options is invalid: expected an object");
    }

    #[test]
    fn secrets_take_every_shape() {
        let o = InspectOptions::from_json(r#"{"secrets":"a","keys":[[0,255]],"now":1.0e3,"as":"SET-COOKIE"}"#).unwrap();
        assert_eq!((o.secrets, o.keys, o.now), (vec![b"a".to_vec()], vec![vec![0, 255]], 1000));
        let o = InspectOptions::from_json(r#"{"secrets":[],"keys":null,"names":null,"now":null}"#).unwrap();
        assert!(o.secrets.is_empty() && o.keys.is_empty() && o.names.is_empty() && o.now == 0);
        assert!(InspectOptions::from_json("null").is_ok());
        assert!(InspectOptions::from_json(r#"{"keys":[256]}"#).is_err());
        assert!(InspectOptions::from_json(r#"{"now":1.5}"#).is_err());
        assert!(!format!("{:?}", InspectOptions::from_json(r#"{"secrets":"S3CRET"}"#).unwrap()).contains("S3CRET"));
    }
}
