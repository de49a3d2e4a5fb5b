//! The production checks: the beginner mistakes every guide to sessions lists, found in a
//! middleware's options (as [`crate::options`] reads them: JSON, with what JSON cannot say tagged
//! `{"$sc": …}`) or in a `Set-Cookie` a site sent. One list for every caller: the middleware warns
//! with it at construction under `NODE_ENV=production` (or throws, `checks: 'throw'`),
//! `session-core doctor` prints it, the browser inspector shows it.
//!
//! Each finding names the option at fault and the fix, never a value (options carry secrets).
//! Severity `warning` is a mistake (the middleware warns, doctor exits 1); `info` is advice
//! (printed by doctor and the inspector only).
//!
//! ```
//! use session_core::checks::{check, Kind};
//! use serde_json::json;
//! let f = check(Kind::Express, &json!({ "secret": "keyboard cat" }));
//! let codes: Vec<&str> = f.iter().map(|f| f.code).collect();
//! assert!(codes.contains(&"MEMORY_STORE") && codes.contains(&"WEAK_SECRET"));
//! ```

use serde::Serialize;
use serde_json::{Map, Value};

/// One mistake: a stable code, the option at fault, what is wrong and the fix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub code: &'static str,
    /// `warning` (a mistake) or `info` (advice).
    pub severity: &'static str,
    /// The option at fault, dotted for `cookie.*` (for a `Set-Cookie`, the attribute).
    pub option: String,
    pub message: &'static str,
    pub fix: &'static str,
}

/// Whose options: the Express middleware's, cookie-session's, or a `Set-Cookie` line read back
/// (its attributes, translated by [`set_cookie_options`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Express,
    CookieSession,
    SetCookie,
}

impl Kind {
    /// `express`, `cookie-session` or `set-cookie`.
    pub fn parse(s: &str) -> Option<Kind> {
        match s {
            "express" => Some(Kind::Express),
            "cookie-session" => Some(Kind::CookieSession),
            "set-cookie" => Some(Kind::SetCookie),
            _ => None,
        }
    }
}

/// Secrets from tutorials and examples: anyone can sign a cookie with them.
pub const WELL_KNOWN_SECRETS: &[&str] = &[
    "keyboard cat",
    "secret",
    "changeme",
    "change me",
    "change-me",
    "changethis",
    "mysecret",
    "my secret",
    "my-secret",
    "supersecret",
    "super secret",
    "secretkey",
    "secret key",
    "your secret key",
    "your-secret-key",
    "sessionsecret",
    "session secret",
    "password",
    "default",
    "test",
    "key",
    "key1",
    "key2",
    "s3cr3t",
    "shhhh",
    "shhhhh",
    "cat",
    "dog",
    "abc123",
    "1234",
    "123456",
    "tobiiscool",
];

/// The shortest secret that is not weak by length alone, in bytes.
pub const MIN_SECRET_BYTES: usize = 32;

/// Every code, with its severity, message and fix (the runtime ones included).
const TEXT: &[(&str, &str, &str, &str)] = &[
    (
        "MEMORY_STORE",
        "warning",
        "the MemoryStore keeps sessions in this process only: lost on restart, not shared between processes, and it grows with every visitor",
        "give a persistent store (session-core/redis, connect-redis, …)",
    ),
    (
        "NO_SECRET",
        "warning",
        "no secret option: sessions are signed with cookie-parser's secret if there is one, and every request fails with a 500 if not (an unset environment variable looks like this)",
        "pass secret (32 random bytes or more, from the environment), and fail at startup when it is missing",
    ),
    (
        "WEAK_SECRET",
        "warning",
        "a secret shorter than 32 bytes or one from a tutorial: whoever guesses it signs cookies as any user",
        "use 32 random bytes or more from the environment (node -e \"console.log(require('crypto').randomBytes(32).toString('base64url'))\")",
    ),
    (
        "COOKIE_NOT_SECURE",
        "warning",
        "the session cookie is sent over plain http too, where anyone on the network reads it",
        "set secure: true (or 'auto', with Express's trust proxy behind a TLS proxy)",
    ),
    (
        "SECURE_AUTO",
        "info",
        "secure 'auto' (cookie-session's default when secure is not set) marks the cookie Secure only on a request the app sees as https: behind a TLS proxy, only with Express's trust proxy set (req.secure, req.protocol); behind one without it, every cookie goes out without Secure, silently",
        "behind a TLS proxy set app.set('trust proxy', 1) (for express-session's options also proxy: true), and check req.secure there; an app served over https only can set secure: true",
    ),
    (
        "SAMESITE_NONE_WITHOUT_SECURE",
        "warning",
        "sameSite: 'none' without secure: browsers reject the cookie",
        "set secure: true with sameSite: 'none', or use sameSite: 'lax'",
    ),
    (
        "NO_EXPIRY",
        "warning",
        "no expiry at all: a stolen session works for ever, and the browser keeps the cookie until it closes",
        "set cookie.maxAge (maxAge for cookie-session) or idleTimeout",
    ),
    (
        "SAVE_UNINITIALIZED",
        "warning",
        "saveUninitialized: true stores a session and sets a cookie for every visitor, before any consent (cookie-consent rules) and at a store write each",
        "set saveUninitialized: false",
    ),
    (
        "UNSIGNED_COOKIE",
        "warning",
        "signed: false: anyone can write any session into their cookie",
        "remove signed: false (or use encrypt: true)",
    ),
    (
        "HOST_PREFIX",
        "info",
        "a sibling subdomain can set a cookie of the same name that the browser sends first",
        "name the cookie __Host-… (it is secure, host-only and on path /, so browsers accept the prefix)",
    ),
    (
        "SHARED_KEY",
        "warning",
        "one secret used by two session middlewares: a cookie of one is accepted by the other",
        "give each middleware a secret of its own",
    ),
    (
        "SECURE_AUTO_UNTRUSTED_PROXY",
        "warning",
        "secure 'auto' on a request that came through a TLS proxy (X-Forwarded-Proto: https) the app does not trust: the session cookie goes out without Secure",
        "set Express's trust proxy to that proxy (app.set('trust proxy', 1)), or secure: true",
    ),
    (
        "SECURE_ON_HTTP_REQUEST",
        "warning",
        "secure: true on a request that is not https: the cookie is silently never set",
        "behind a TLS proxy set Express's trust proxy (app.set('trust proxy', 1)); in development use secure: 'auto'",
    ),
];

/// The finding of `code` for `option` (any code of the list, the runtime ones included).
///
/// ```
/// let f = session_core::checks::finding("SHARED_KEY", "secret").unwrap();
/// assert_eq!((f.severity, f.option.as_str()), ("warning", "secret"));
/// ```
pub fn finding(code: &str, option: &str) -> Option<Finding> {
    let &(code, severity, message, fix) = TEXT.iter().find(|t| t.0 == code)?;
    Some(Finding { code, severity, option: option.to_owned(), message, fix })
}

fn push(out: &mut Vec<Finding>, code: &str, option: &str) {
    if let Some(f) = finding(code, option) {
        out.push(f);
    }
}

fn tag(v: &Value) -> Option<&str> {
    v.as_object()?.get("$sc")?.as_str()
}

/// Is this one secret weak? Text shorter than [`MIN_SECRET_BYTES`] or well known; bytes shorter.
pub fn weak_secret(v: &Value) -> bool {
    match v {
        Value::String(s) => {
            s.len() < MIN_SECRET_BYTES || WELL_KNOWN_SECRETS.iter().any(|w| w.eq_ignore_ascii_case(s.trim()))
        }
        _ if tag(v) == Some("bytes") => v.get("length").and_then(Value::as_u64).is_some_and(|n| n < 32),
        _ => false,
    }
}

fn any_weak(v: Option<&Value>) -> bool {
    match v {
        Some(Value::Array(a)) => a.iter().any(weak_secret),
        Some(v) => weak_secret(v),
        None => false,
    }
}

fn given<'a>(m: &'a Map<String, Value>, k: &str) -> Option<&'a Value> {
    m.get(k).filter(|v| !v.is_null())
}

fn is_none(v: Option<&Value>) -> bool {
    v.and_then(Value::as_str).is_some_and(|s| s.eq_ignore_ascii_case("none"))
}

/// The host-only, path-`/`, secure cookie that could take a `__Host-` name but does not.
fn host_prefix_fits(name: &str, cookie: &Map<String, Value>, secure: bool) -> bool {
    let path_root = given(cookie, "path").is_none_or(|p| p.as_str() == Some("/"));
    secure && path_root && given(cookie, "domain").is_none() && !name.to_ascii_lowercase().starts_with("__host-")
}

/// The findings for one middleware's options (or a `Set-Cookie` read back, [`Kind::SetCookie`]).
/// A value that does not read as options gives no findings (the option checks report it).
pub fn check(kind: Kind, options: &Value) -> Vec<Finding> {
    let mut out = Vec::new();
    let Some(o) = options.as_object() else { return out };
    let empty = Map::new();
    let name = given(o, "name").or_else(|| given(o, "key")).and_then(Value::as_str);
    match kind {
        Kind::Express | Kind::SetCookie => {
            let cookie = given(o, "cookie").and_then(Value::as_object).unwrap_or(&empty);
            let cookie_fn = tag(o.get("cookie").unwrap_or(&Value::Null)) == Some("function");
            if kind == Kind::Express {
                let memory = match given(o, "store") {
                    None => true,
                    Some(s) => s.get("class").and_then(Value::as_str) == Some("MemoryStore"),
                };
                if memory {
                    push(&mut out, "MEMORY_STORE", "store");
                }
                if given(o, "secret").is_none() {
                    push(&mut out, "NO_SECRET", "secret");
                } else if any_weak(given(o, "secret")) {
                    push(&mut out, "WEAK_SECRET", "secret");
                }
            }
            if !cookie_fn {
                let secure = matches!(given(cookie, "secure"), Some(Value::Bool(true)))
                    || given(cookie, "secure").and_then(Value::as_str) == Some("auto");
                if !secure {
                    push(&mut out, "COOKIE_NOT_SECURE", "cookie.secure");
                } else if kind == Kind::Express && given(cookie, "secure").and_then(Value::as_str) == Some("auto") {
                    push(&mut out, "SECURE_AUTO", "cookie.secure");
                }
                if is_none(given(cookie, "sameSite")) && !secure {
                    push(&mut out, "SAMESITE_NONE_WITHOUT_SECURE", "cookie.sameSite");
                }
                let expiry = given(cookie, "maxAge").is_some() || given(cookie, "expires").is_some();
                if !expiry && given(o, "idleTimeout").is_none() {
                    push(&mut out, "NO_EXPIRY", "cookie.maxAge");
                }
                if host_prefix_fits(name.unwrap_or("connect.sid"), cookie, secure) {
                    push(&mut out, "HOST_PREFIX", "name");
                }
            }
            if kind == Kind::Express && !matches!(given(o, "saveUninitialized"), Some(Value::Bool(false))) {
                push(&mut out, "SAVE_UNINITIALIZED", "saveUninitialized");
            }
        }
        Kind::CookieSession => {
            if any_weak(given(o, "keys")) {
                push(&mut out, "WEAK_SECRET", "keys");
            } else if any_weak(given(o, "secret")) {
                push(&mut out, "WEAK_SECRET", "secret");
            }
            // cookie-session's default is secure on https requests: only an explicit false is off,
            // and unset is 'auto', which depends on how the request is seen (SECURE_AUTO)
            let secure_off = matches!(given(o, "secure"), Some(Value::Bool(false)));
            if secure_off {
                push(&mut out, "COOKIE_NOT_SECURE", "secure");
            } else if given(o, "secure").is_none() {
                push(&mut out, "SECURE_AUTO", "secure");
            }
            if is_none(given(o, "sameSite")) && secure_off {
                push(&mut out, "SAMESITE_NONE_WITHOUT_SECURE", "sameSite");
            }
            if given(o, "maxAge").is_none() && given(o, "expires").is_none() && given(o, "idleTimeout").is_none() {
                push(&mut out, "NO_EXPIRY", "maxAge");
            }
            let encrypt = matches!(given(o, "encrypt"), Some(Value::Bool(true)));
            if matches!(given(o, "signed"), Some(Value::Bool(false))) && !encrypt {
                push(&mut out, "UNSIGNED_COOKIE", "signed");
            }
            let secure_on = matches!(given(o, "secure"), Some(Value::Bool(true)));
            if host_prefix_fits(name.unwrap_or("session"), o, secure_on) {
                push(&mut out, "HOST_PREFIX", "name");
            }
        }
    }
    out
}

/// A `Set-Cookie` line's attributes as the Express options that would have sent it (for
/// [`Kind::SetCookie`]): name, and under `cookie` secure, sameSite, domain, path and maxAge (any
/// expiry). `None` when the line is not a cookie.
#[cfg(feature = "tools")]
pub fn set_cookie_options(line: &str) -> Option<Value> {
    let c = crate::inspect::parse_set_cookie(line)?;
    let mut cookie = Map::new();
    cookie.insert("secure".into(), c.secure.into());
    if let Some(s) = &c.same_site {
        cookie.insert("sameSite".into(), s.clone().into());
    }
    if let Some(d) = &c.domain {
        cookie.insert("domain".into(), d.clone().into());
    }
    cookie.insert("path".into(), c.path.clone().unwrap_or_else(|| "/".into()).into());
    if c.max_age.is_some() || c.expires.is_some() {
        cookie.insert("maxAge".into(), 1.into());
    }
    let mut o = Map::new();
    o.insert("name".into(), c.name.into());
    o.insert("cookie".into(), cookie.into());
    Some(o.into())
}

/// The findings for every `Set-Cookie` line of `header` (one per line), by cookie name: what
/// `doctor` prints for a pasted header or a live site, and what the inspector shows.
#[cfg(feature = "tools")]
pub fn check_set_cookie(header: &str) -> Vec<(String, Vec<Finding>)> {
    header
        .lines()
        .filter_map(|l| {
            let o = set_cookie_options(l)?;
            let name = o["name"].as_str().unwrap_or_default().to_owned();
            Some((name, check(Kind::SetCookie, &o)))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn codes(kind: Kind, o: Value) -> Vec<&'static str> {
        check(kind, &o).into_iter().filter(|f| f.severity == "warning").map(|f| f.code).collect()
    }

    #[test]
    fn clean_configurations_have_no_warnings() {
        let store = json!({ "$sc": "instance", "class": "RedisStore", "methods": ["get", "set", "destroy"] });
        let secret = "a".repeat(40);
        let o = json!({ "secret": secret, "store": store, "saveUninitialized": false,
            "cookie": { "secure": true, "maxAge": 3_600_000 } });
        assert_eq!(codes(Kind::Express, o.clone()), Vec::<&str>::new());
        assert_eq!(check(Kind::Express, &o).len(), 1); // the __Host- advice
        let o = json!({ "keys": [secret], "maxAge": 1000, "name": "__Host-s", "secure": true });
        assert_eq!(check(Kind::CookieSession, &o), vec![]);
    }

    #[test]
    fn each_mistake() {
        assert_eq!(
            codes(Kind::Express, json!({ "secret": "keyboard cat" })),
            ["MEMORY_STORE", "WEAK_SECRET", "COOKIE_NOT_SECURE", "NO_EXPIRY", "SAVE_UNINITIALIZED"]
        );
        assert!(
            codes(Kind::Express, json!({ "cookie": { "sameSite": "None" } })).contains(&"SAMESITE_NONE_WITHOUT_SECURE")
        );
        assert!(weak_secret(&json!({ "$sc": "bytes", "length": 16 })));
        assert!(weak_secret(&json!("Keyboard Cat")));
        assert!(!weak_secret(&json!("x".repeat(32))));
        assert_eq!(
            codes(Kind::CookieSession, json!({ "signed": false, "secure": false, "sameSite": "none" })),
            ["COOKIE_NOT_SECURE", "SAMESITE_NONE_WITHOUT_SECURE", "NO_EXPIRY", "UNSIGNED_COOKIE"]
        );
        assert!(finding("NOPE", "x").is_none());
    }

    #[test]
    fn secure_auto_is_explained_in_both_kinds() {
        let info = |kind, o| -> Vec<(&str, String)> {
            check(kind, &o).into_iter().filter(|f| f.code == "SECURE_AUTO").map(|f| (f.severity, f.option)).collect()
        };
        let auto = vec![("info", "cookie.secure".to_owned())];
        assert_eq!(info(Kind::Express, json!({ "cookie": { "secure": "auto" } })), auto);
        assert_eq!(info(Kind::Express, json!({ "cookie": { "secure": true } })), vec![]);
        assert_eq!(info(Kind::Express, json!({ "cookie": { "$sc": "function" } })), vec![]);
        assert_eq!(info(Kind::SetCookie, json!({ "cookie": { "secure": true } })), vec![]);
        assert_eq!(info(Kind::CookieSession, json!({ "keys": ["k"] })), vec![("info", "secure".to_owned())]);
        assert_eq!(info(Kind::CookieSession, json!({ "keys": ["k"], "secure": true })), vec![]);
        assert_eq!(info(Kind::CookieSession, json!({ "keys": ["k"], "secure": false })), vec![]);
        let f = finding("SECURE_AUTO_UNTRUSTED_PROXY", "secure").unwrap_or_else(|| panic!("a runtime finding"));
        assert_eq!(f.severity, "warning");
    }
}
