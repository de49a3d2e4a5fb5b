//! The Express middleware's options: express-session's, and session-core's additions.

use super::cookie::{cookie_attributes, max_age, prefix_rules};
use super::opt_in::server_extras;
use super::{
    allow_unknown, bad, boolean, cookie_name, flag, function, is_fn, known_names, one_of, plain, positive_ms, secrets,
    security_options, tag, timeouts, top_level,
};
use crate::error::Error;
use crate::rules;
use crate::session::SessionOptions;
use serde_json::Value;

/// express-session's options, and session-core's additions.
pub const EXPRESS_OPTIONS: &[&str] = &[
    "secret",
    "name",
    "key",
    "store",
    "genid",
    "cookie",
    "proxy",
    "resave",
    "saveUninitialized",
    "rolling",
    "unset",
    "idleTimeout",
    "absoluteTimeout",
    "touchAfter",
    "storeTimeout",
    "user",
    "recordSizeWarning",
    "checks",
    "cacheHeaders",
    "hashIds",
    "regenerateGrace",
    "header",
    "allowUnknownOptions",
];

/// The fields of express-session's `cookie` option.
pub const EXPRESS_COOKIE_OPTIONS: &[&str] = &[
    "maxAge",
    "expires",
    "domain",
    "path",
    "httpOnly",
    "secure",
    "sameSite",
    "partitioned",
    "priority",
    "encode",
    "signed",
];

/// `storeTimeout`: how long the middleware waits for any store call (ms; the JS side defaults to
/// 5000), within what a timer can wait ([`rules::store_timeout`]).
fn store_timeout(v: &Value) -> Result<(), Error> {
    match positive_ms("storeTimeout", v)? {
        Some(ms) => rules::store_timeout(ms),
        None => Ok(()),
    }
}

/// `recordSizeWarning`: the record size (bytes) past which the middleware warns once per process;
/// `false` or `0` turns the warning off.
fn record_size_warning(v: &Value) -> Result<(), Error> {
    match v {
        Value::Bool(false) => Ok(()),
        Value::Number(n) if n.as_f64().is_some_and(|b| b >= 0.0 && b.fract() == 0.0) => Ok(()),
        _ => Err(bad("recordSizeWarning", "a whole number of bytes, or false", v)),
    }
}

/// Checks the Express middleware's options (express-session's, and session-core's additions) and
/// returns what the core decides with. `secret` may be absent (cookie-parser's `req.secret` is
/// used then), but when given it must be well formed.
///
/// ```
/// use session_core::options::express_options;
/// use serde_json::json;
/// let o = express_options(&json!({ "secret": "s", "resave": false, "cookie": { "maxAge": 60000 } })).unwrap();
/// assert!(!o.resave && o.save_uninitialized);
/// let e = express_options(&json!({ "secret": "s", "cookie": { "samesite": "lax" } })).unwrap_err();
/// assert_eq!(e.to_string(), "unknown option cookie.samesite: did you mean cookie.sameSite?");
/// let e = express_options(&json!({ "secret": "s", "cookie": { "maxAge": "1d" } })).unwrap_err();
/// assert_eq!(e.code(), "ERR_SESSION_CORE_INVALID_COOKIE_MAXAGE");
/// ```
pub fn express_options(options: &Value) -> Result<SessionOptions, Error> {
    let f = top_level(options)?;
    let allow = allow_unknown(&f)?;
    if !allow {
        // a cookie attribute at the top level (as cookie-session takes them) belongs in `cookie`
        if let Some(k) =
            f.keys().find(|k| !EXPRESS_OPTIONS.contains(&k.as_str()) && EXPRESS_COOKIE_OPTIONS.contains(&k.as_str()))
        {
            return Err(Error::unknown_option(k.clone(), Some(format!("cookie.{k}"))));
        }
    }
    known_names(&f, EXPRESS_OPTIONS, "", allow)?;
    if let Some(v) = f.get("genid") {
        function("genid", v)?;
    }
    if let Some(v) = f.get("unset").filter(|v| !v.is_null()) {
        one_of("unset", v, rules::UNSET, false)?;
    }
    if let Some(v) = f.get("secret").filter(|v| !v.is_null()) {
        secrets("secret", v)?;
    }
    let name = match (f.get("name").filter(|v| !v.is_null()), f.get("key").filter(|v| !v.is_null())) {
        (Some(v), _) => cookie_name("name", v)?,
        (None, Some(v)) => cookie_name("key", v)?,
        (None, None) => "connect.sid".into(),
    };
    if let Some(v) = f.get("store").filter(|v| !v.is_null()) {
        // an instance lists its methods; a plain object shows them as function-tagged fields
        let methods: Vec<&str> = match plain(v) {
            Some(m) => m.iter().filter(|(_, f)| is_fn(f)).map(|(k, _)| k.as_str()).collect(),
            None => v
                .get("methods")
                .and_then(Value::as_array)
                .map_or_else(Vec::new, |m| m.iter().filter_map(Value::as_str).collect()),
        };
        if !matches!(tag(v), Some("instance")) && plain(v).is_none() {
            return Err(bad("store", "a store (an object with get, set and destroy methods)", v));
        }
        if let Some(missing) = ["get", "set", "destroy"].into_iter().find(|m| !methods.contains(m)) {
            return Err(Error::option(
                "store",
                format!("must implement {missing}() (a store has get, set and destroy methods)"),
            ));
        }
    }
    if let Some(v) = f.get("proxy").filter(|v| !v.is_null()) {
        boolean("proxy", v)?;
    }
    let resave = flag(&f, "resave", true)?;
    let save_uninitialized = flag(&f, "saveUninitialized", true)?;
    let rolling = flag(&f, "rolling", false)?;
    match f.get("cookie") {
        None | Some(Value::Null) => {}
        Some(v) if is_fn(v) => {}
        Some(v) => {
            let c = plain(v)
                .ok_or_else(|| bad("cookie", "an object of cookie options, or a function of req returning one", v))?;
            known_names(c, EXPRESS_COOKIE_OPTIONS, "cookie.", allow)?;
            let get = |k: &str| c.get(k).filter(|v| !v.is_null());
            if let Some(v) = get("maxAge") {
                max_age("cookie.maxAge", v)?;
            }
            cookie_attributes(c, "cookie.", true)?;
            for k in ["httpOnly", "partitioned", "signed"] {
                if let Some(v) = get(k) {
                    boolean(&format!("cookie.{k}"), v)?;
                }
            }
            if let Some(v) = get("secure") {
                if !matches!(v, Value::Bool(_)) && v.as_str() != Some("auto") {
                    return Err(bad("cookie.secure", "true, false or \"auto\"", v));
                }
            }
            if let Some(v) = get("encode") {
                function("cookie.encode", v)?;
            }
        }
    }
    security_options(&f)?;
    if let Some(c) = f.get("cookie").and_then(plain) {
        let secure = match c.get("secure") {
            Some(Value::Bool(b)) => Some(*b),
            Some(Value::String(_)) => None, // 'auto': secure on https, and a __Host- cookie only works there
            _ => Some(false),
        };
        prefix_rules(&name, c.get("domain"), c.get("path"), secure)?;
    } else if !f.get("cookie").is_some_and(is_fn) {
        prefix_rules(&name, None, None, Some(false))?;
    }
    let unset = match f.get("unset").and_then(Value::as_str) {
        Some(u) => u.to_owned(),
        None => "keep".into(),
    };
    if let Some(v) = f.get("storeTimeout") {
        store_timeout(v)?;
    }
    if let Some(v) = f.get("user").filter(|v| !v.is_null()) {
        function("user", v)?;
    }
    if let Some(v) = f.get("recordSizeWarning").filter(|v| !v.is_null()) {
        record_size_warning(v)?;
    }
    let (hash_ids, regenerate_grace) = server_extras(&f)?;
    let cache_headers = flag(&f, "cacheHeaders", true)?;
    let t = timeouts(&f)?;
    let o = SessionOptions {
        name,
        resave,
        save_uninitialized,
        rolling,
        unset,
        timeouts: t,
        hash_ids,
        regenerate_grace,
        cache_headers,
    };
    o.validate()?;
    Ok(o)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;

    #[test]
    fn store_timeout() {
        assert!(express_options(&json!({ "secret": "s", "storeTimeout": 250 })).is_ok());
        assert!(express_options(&json!({ "secret": "s", "storeTimeout": null })).is_ok());
        for bad in
            [json!(0), json!(-1), json!("5s"), json!(true), json!({ "$sc": "nonfinite" }), json!(2_147_483_648u64)]
        {
            let e = express_options(&json!({ "secret": "s", "storeTimeout": bad })).unwrap_err();
            assert_eq!(e.code(), "ERR_SESSION_CORE_INVALID_STORETIMEOUT", "{e}");
        }
        let e = express_options(&json!({ "secret": "s", "storetimeout": 1 })).unwrap_err();
        assert_eq!(e.to_string(), "unknown option storetimeout: did you mean storeTimeout?");
    }
}
