//! cookie-session's options: its own, the `cookies` package's cookie options, and session-core's
//! additions (sealing, timeouts, revocation, compression, chunking).

use super::cookie::{cookie_attributes, max_age, prefix_rules};
use super::{
    allow_unknown, bad, cookie_name, flag, function, known_names, one_of, one_secret, plain, secrets, security_options,
    tag, timeouts, top_level,
};
use crate::client::{chunks, Chunk, ClientOptions, Compress, MigrateSigned};
use crate::error::Error;
use crate::rules;
use serde_json::{Map, Value};

/// cookie-session's options (its own and the `cookies` package's cookie options), and session-core's.
pub const COOKIE_SESSION_OPTIONS: &[&str] = &[
    "name",
    "keys",
    "secret",
    "signed",
    "encrypt",
    "migrateSigned",
    "notBefore",
    "compress",
    "chunk",
    "algorithm",
    "idleTimeout",
    "absoluteTimeout",
    "touchAfter",
    "onError",
    "overwrite",
    "httpOnly",
    "maxAge",
    "expires",
    "path",
    "domain",
    "sameSite",
    "secure",
    "partitioned",
    "priority",
    "checks",
    "cacheHeaders",
    "allowUnknownOptions",
];

/// Checks cookie-session's options (its own, the `cookies` package's cookie options, session-core's
/// additions) and returns what the core decides with.
///
/// ```
/// use session_core::options::cookie_session_options;
/// use serde_json::json;
/// assert!(cookie_session_options(&json!({ "keys": "k1" })).is_ok());
/// let e = cookie_session_options(&json!({ "keys": ["k"], "encrpyt": true })).unwrap_err();
/// assert_eq!(e.to_string(), "unknown option encrpyt: did you mean encrypt?");
/// let e = cookie_session_options(&json!({ "keys": ["k"], "maxAge": "1d" })).unwrap_err();
/// assert_eq!(e.field(), Some("maxAge"));
/// ```
pub fn cookie_session_options(options: &Value) -> Result<ClientOptions, Error> {
    let f = top_level(options)?;
    let allow = allow_unknown(&f)?;
    if !allow && f.contains_key("cookie") {
        return Err(Error::unknown_option_with(
            "cookie".into(),
            None,
            "cookie-session takes the cookie options at the top level: maxAge, expires, path, domain, sameSite, secure, httpOnly, partitioned, priority".into(),
        ));
    }
    known_names(&f, COOKIE_SESSION_OPTIONS, "", allow)?;
    let get = |k: &str| f.get(k).filter(|v| !v.is_null());
    let name = match get("name") {
        Some(v) => cookie_name("name", v)?,
        None => "session".into(),
    };
    if let Some(v) = get("keys") {
        if tag(v) == Some("instance") {
            return Err(Error::option(
                "keys",
                "must be a key or an array of keys: a Keygrip instance hides its keys, so pass the keys themselves (and algorithm: \"sha256\" if the Keygrip used it)",
            ));
        }
        secrets("keys", v)?;
    }
    if let Some(v) = get("secret") {
        one_secret("secret", v)?;
    }
    let signed = flag(&f, "signed", true)?;
    let encrypt = flag(&f, "encrypt", false)?;
    for k in ["overwrite", "httpOnly", "secure", "partitioned"] {
        flag(&f, k, false)?;
    }
    if get("keys").is_none() && get("secret").is_none() && (signed || encrypt) {
        return Err(rules::keys_required());
    }
    let algorithm = match get("algorithm") {
        Some(v) => {
            one_of("algorithm", v, rules::ALGORITHMS, false)?;
            v.as_str().unwrap_or("sha1").to_owned()
        }
        None => "sha1".into(),
    };
    if let Some(v) = get("onError") {
        function("onError", v)?;
    }
    if let Some(v) = get("maxAge") {
        match v {
            Value::Number(_) => max_age("maxAge", v)?,
            _ => return Err(bad("maxAge", "a number of milliseconds", v)),
        }
    }
    cookie_attributes(&f, "", false)?;
    security_options(&f)?;
    // cookie-session's default secure follows the request (https): only true makes it always so
    let secure = match get("secure") {
        Some(Value::Bool(true)) => Some(true),
        _ => Some(false),
    };
    prefix_rules(&name, get("domain"), get("path"), secure)?;
    let migrate_signed = match switch_or_object(&f, "migrateSigned", "{ keys, algorithm }", &["keys", "algorithm"])? {
        None => None,
        Some(None) => Some(MigrateSigned::default()),
        Some(Some(m)) => {
            if let Some(k) = m.get("keys").filter(|k| !k.is_null()) {
                secrets("migrateSigned.keys", k)?;
            }
            let algorithm = match m.get("algorithm").filter(|a| !a.is_null()) {
                Some(a) => {
                    one_of("migrateSigned.algorithm", a, rules::ALGORITHMS, false)?;
                    a.as_str().map(str::to_owned)
                }
                None => None,
            };
            Some(MigrateSigned { algorithm })
        }
    };
    rules::migrate_needs_encrypt(migrate_signed.is_some(), encrypt)?;
    // revocable and big client sessions
    let not_before = match get("notBefore") {
        Some(v) => {
            function("notBefore", v)?;
            true
        }
        None => false,
    };
    let compress = match switch_or_object(&f, "compress", "{ secretFields }", &["secretFields"])? {
        None => None,
        Some(None) => Some(Compress::default()),
        Some(Some(m)) => {
            let fields = match m.get("secretFields").filter(|k| !k.is_null()) {
                None => Vec::new(),
                Some(Value::Array(a)) => a
                    .iter()
                    .map(|x| x.as_str().map(str::to_owned))
                    .collect::<Option<Vec<_>>>()
                    .ok_or_else(|| Error::option("compress.secretFields", "must be an array of field names"))?,
                Some(x) => return Err(bad("compress.secretFields", "an array of field names", x)),
            };
            Some(Compress { secret_fields: fields })
        }
    };
    let chunk = match switch_or_object(&f, "chunk", "{ maxBytes }", &["maxBytes"])? {
        None => None,
        Some(None) => Some(Chunk::default()),
        Some(Some(m)) => {
            let mut c = Chunk::default();
            if let Some(x) = m.get("maxBytes").filter(|x| !x.is_null()) {
                let n = x.as_u64().ok_or_else(|| bad("chunk.maxBytes", chunks::MAX_BYTES, x))?;
                c.max_bytes = usize::try_from(n).unwrap_or(usize::MAX);
                c.check()?;
            }
            Some(c)
        }
    };
    rules::signing_needed(signed, encrypt, not_before, compress.is_some())?;
    Ok(ClientOptions {
        name,
        algorithm,
        signed,
        encrypt,
        timeouts: timeouts(&f)?,
        migrate_signed,
        not_before,
        compress,
        chunk,
    })
}

/// An option that is `true`, `false` (or absent) or an object of its own fields (`known`, described
/// as `shape` in errors): `None` when off, `Some(None)` for `true`, `Some(Some(fields))` for an object.
fn switch_or_object<'a>(
    f: &'a Map<String, Value>,
    k: &str,
    shape: &str,
    known: &[&'static str],
) -> Result<Option<Option<&'a Map<String, Value>>>, Error> {
    match f.get(k).filter(|v| !v.is_null()) {
        None | Some(Value::Bool(false)) => Ok(None),
        Some(Value::Bool(true)) => Ok(Some(None)),
        Some(v) => {
            let m = plain(v).ok_or_else(|| bad(k, &format!("true, false or {shape}"), v))?;
            known_names(m, known, &format!("{k}."), false)?;
            Ok(Some(Some(m)))
        }
    }
}
