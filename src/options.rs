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

use crate::client::chunks::{MAX_HEADER_BUDGET, MIN_HEADER_BUDGET};
use crate::client::{Chunk, ClientOptions, Compress, MigrateSigned};
use crate::cookie::{serialize_cookie, SerializeOptions};
use crate::error::Error;
use crate::session::{SessionOptions, Timeouts};
use serde_json::{Map, Value};

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

/// The options of `csrf()` (both session kinds).
pub const CSRF_OPTIONS: &[&str] = &["ignoreMethods", "value", "secFetchSite", "origins"];

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

fn tag(v: &Value) -> Option<&str> {
    v.as_object()?.get("$sc")?.as_str()
}

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

fn positive_ms(field: &str, v: &Value) -> Result<Option<f64>, Error> {
    match v {
        Value::Null => Ok(None),
        Value::Number(n) => match n.as_f64() {
            Some(ms) if ms > 0.0 && ms.is_finite() => Ok(Some(ms)),
            _ => Err(Error::option(field, "must be a positive number of milliseconds")),
        },
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
        Value::String(s) if !s.is_empty() => Ok(()),
        Value::String(_) => Err(Error::option(field, "must not be empty")),
        _ if tag(v) == Some("bytes") => match v.get("length").and_then(Value::as_u64) {
            Some(n) if n > 0 => Ok(()),
            _ => Err(Error::option(field, "must not be empty")),
        },
        _ => Err(bad(field, "a non-empty string or Buffer, or an array of them", v)),
    }
}

/// A secret or a list of secrets (the first signs, every one verifies).
fn secrets(field: &str, v: &Value) -> Result<(), Error> {
    match v {
        Value::Array(a) if a.is_empty() => {
            Err(Error::option(field, format!("the {field} option array must contain one or more strings or Buffers")))
        }
        Value::Array(a) => a.iter().try_for_each(|s| one_secret(field, s)),
        _ => one_secret(field, v),
    }
}

fn cookie_name(field: &str, v: &Value) -> Result<String, Error> {
    match v {
        Value::String(s) if serialize_cookie(s, "", &SerializeOptions::default()).is_ok() => Ok(s.clone()),
        Value::String(_) => {
            Err(Error::option(field, "must be a cookie name (an RFC 7230 token: letters, digits and !#$%&'*+-.^_`|~)"))
        }
        _ => Err(bad(field, "a string", v)),
    }
}

fn one_of(field: &str, v: &Value, allowed: &[&str], case_insensitive: bool) -> Result<(), Error> {
    let list = allowed.iter().map(|a| format!("\"{a}\"")).collect::<Vec<_>>().join(", ");
    match v {
        Value::String(s)
            if allowed.iter().any(|a| if case_insensitive { a.eq_ignore_ascii_case(s) } else { a == s }) =>
        {
            Ok(())
        }
        Value::String(_) => Err(Error::option(field, format!("must be one of {list}"))),
        _ => Err(bad(field, &format!("one of {list}"), v)),
    }
}

/// A cookie attribute that `cookie@0.7`'s serialize checks (domain, path).
fn attribute(field: &str, v: &Value, opts: impl FnOnce(String) -> SerializeOptions) -> Result<(), Error> {
    match v {
        Value::Null => Ok(()),
        Value::String(s) if s.is_empty() => Ok(()),
        Value::String(s) => serialize_cookie("n", "v", &opts(s.clone())).map(|_| ()).map_err(|_| {
            Error::option(field, "must be text allowed in a Set-Cookie attribute (no ';', no control characters)")
        }),
        _ => Err(bad(field, "a string", v)),
    }
}

fn domain(field: &str, v: &Value) -> Result<(), Error> {
    match attribute(field, v, |d| SerializeOptions { domain: Some(d), ..Default::default() }) {
        Err(_) => Err(Error::option(field, "must be a domain name (such as example.com)")),
        ok => ok,
    }
}

fn path(field: &str, v: &Value) -> Result<(), Error> {
    attribute(field, v, |p| SerializeOptions { path: Some(p), ..Default::default() })
}

fn expires(field: &str, v: &Value) -> Result<(), Error> {
    match v {
        Value::Null => Ok(()),
        _ if tag(v) == Some("date") && v.get("ms").is_some_and(Value::is_number) => Ok(()),
        _ if tag(v) == Some("date") => Err(Error::option(field, "must be a valid Date (got an invalid Date)")),
        _ => Err(bad(field, "a Date", v)),
    }
}

/// The largest `maxAge` (either sign) taken: 8.6e15 ms, about 272,000 years. A JavaScript Date holds
/// 8.64e15 ms either side of 1970; beyond this an expiry made from today's clock is no date at all,
/// and the cookie would go out without one (express-session throws at the first request instead).
pub const MAX_AGE_LIMIT_MS: f64 = 8.6e15;

/// `maxAge` (cookie-session) or `cookie.maxAge` (express-session) as milliseconds: a finite number
/// within [`MAX_AGE_LIMIT_MS`] either way, so every expiry made from it is a real date.
///
/// ```
/// use session_core::options::check_max_age;
/// assert!(check_max_age("maxAge", 86_400_000.0).is_ok());
/// let e = check_max_age("cookie.maxAge", 1e308).unwrap_err();
/// assert_eq!(e.code(), "ERR_SESSION_CORE_INVALID_COOKIE_MAXAGE");
/// assert!(check_max_age("maxAge", f64::NAN).is_err());
/// ```
pub fn check_max_age(field: &str, ms: f64) -> Result<(), Error> {
    if !ms.is_finite() {
        return Err(Error::option(field, "must be a finite number of milliseconds"));
    }
    if ms.abs() > MAX_AGE_LIMIT_MS {
        return Err(Error::option(field, MAX_AGE_TOO_FAR));
    }
    Ok(())
}

const MAX_AGE_TOO_FAR: &str = "must be within ±8.6e15 ms (272,000 years): beyond it the expiry is no date";

fn max_age(field: &str, v: &Value) -> Result<(), Error> {
    match v {
        Value::Null => Ok(()),
        // JSON has no NaN or infinity: only the bound to check
        Value::Number(n) if n.as_f64().is_some_and(|ms| ms.abs() > MAX_AGE_LIMIT_MS) => {
            Err(Error::option(field, MAX_AGE_TOO_FAR))
        }
        Value::Number(_) => Ok(()),
        _ => Err(bad(field, "a number of milliseconds (or null)", v)),
    }
}

fn same_site(field: &str, v: &Value, auto: bool) -> Result<(), Error> {
    let allowed: &[&str] = if auto { &["lax", "strict", "none", "auto"] } else { &["lax", "strict", "none"] };
    match v {
        Value::Bool(_) | Value::Null => Ok(()),
        _ => one_of(field, v, allowed, true).map_err(|_| {
            let list = allowed.iter().map(|a| format!("\"{a}\"")).collect::<Vec<_>>().join(", ");
            bad(field, &format!("true, false or one of {list}"), v)
        }),
    }
}

fn priority(field: &str, v: &Value) -> Result<(), Error> {
    match v {
        Value::Null => Ok(()),
        _ => one_of(field, v, &["low", "medium", "high"], true),
    }
}

/// The cookie attributes both session kinds take alike (express-session's under `cookie`,
/// cookie-session's at the top level): expires, domain, path, sameSite (`"auto"` only on the
/// Express side), priority. `prefix` names the fields in errors.
fn cookie_attributes(m: &Map<String, Value>, prefix: &str, auto: bool) -> Result<(), Error> {
    let get = |k: &str| m.get(k).filter(|v| !v.is_null());
    let field = |k: &str| format!("{prefix}{k}");
    if let Some(v) = get("expires") {
        expires(&field("expires"), v)?;
    }
    if let Some(v) = get("domain") {
        domain(&field("domain"), v)?;
    }
    if let Some(v) = get("path") {
        path(&field("path"), v)?;
    }
    if let Some(v) = get("sameSite") {
        same_site(&field("sameSite"), v, auto)?;
    }
    if let Some(v) = get("priority") {
        priority(&field("priority"), v)?;
    }
    Ok(())
}

/// `checks` ('warn', 'throw' or 'off') and `cacheHeaders` (a boolean), both session kinds.
fn security_options(f: &Map<String, Value>) -> Result<(), Error> {
    if let Some(v) = f.get("checks").filter(|v| !v.is_null()) {
        one_of("checks", v, &["warn", "throw", "off"], false)?;
    }
    flag(f, "cacheHeaders", true).map(|_| ())
}

/// The cookie name prefixes browsers enforce (RFC 6265bis §4.1.3): a `__Host-` cookie must be
/// secure, host-only (no domain) and on path `/`; a `__Secure-` one must be secure. Refused here,
/// at construction, naming the rule: the browser would drop the cookie without a word.
/// `secure` is whether the options make the cookie secure (`None`: not known until the request).
fn prefix_rules(name: &str, domain: Option<&Value>, path: Option<&Value>, secure: Option<bool>) -> Result<(), Error> {
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

fn top_level(options: &Value) -> Result<Map<String, Value>, Error> {
    match options {
        Value::Null => Ok(Map::new()),
        _ => plain(options).cloned().ok_or_else(|| bad("options", "an object", options)),
    }
}

fn allow_unknown(fields: &Map<String, Value>) -> Result<bool, Error> {
    match fields.get("allowUnknownOptions") {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(v) => Err(bad("allowUnknownOptions", "true or false", v)),
    }
}

fn timeouts(fields: &Map<String, Value>) -> Result<Timeouts, Error> {
    let get = |k: &str| fields.get(k).map_or(Ok(None), |v| positive_ms(k, v));
    Ok(Timeouts {
        idle_timeout: get("idleTimeout")?,
        absolute_timeout: get("absoluteTimeout")?,
        touch_after: get("touchAfter")?,
    })
}

/// The longest `storeTimeout`: what a Node timer can wait (2^31 - 1 ms, about 24.8 days).
const MAX_TIMER_MS: f64 = 2_147_483_647.0;

/// `storeTimeout`: how long the middleware waits for any store call (ms; the JS side defaults to
/// 5000). A Node timer cannot wait longer than [`MAX_TIMER_MS`] (it would fire at once).
pub(crate) fn store_timeout(v: &Value) -> Result<(), Error> {
    match positive_ms("storeTimeout", v)? {
        Some(ms) if ms > MAX_TIMER_MS => {
            Err(Error::option("storeTimeout", "must be at most 2147483647 milliseconds (what a timer can wait)"))
        }
        _ => Ok(()),
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

fn flag(fields: &Map<String, Value>, k: &str, default: bool) -> Result<bool, Error> {
    match fields.get(k) {
        None | Some(Value::Null) => Ok(default),
        Some(Value::Bool(b)) => Ok(*b),
        Some(v) => Err(bad(k, "true or false", v)),
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
        one_of("unset", v, &["destroy", "keep"], false)?;
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

/// Checks only the Express options of issue 16 (`hashIds`, `regenerateGrace`, `header`): what the
/// client wasm build checks for the Express middleware (its own build leaves them out).
///
/// ```
/// use session_core::options::server_options;
/// use serde_json::json;
/// assert!(server_options(&json!({ "header": "x-session-id" })).is_ok());
/// assert!(server_options(&json!({ "regenerateGrace": -1 })).is_err());
/// ```
pub fn server_options(options: &Value) -> Result<(), Error> {
    server_extras(&top_level(options)?).map(|_| ())
}

/// The longest `regenerateGrace`: a minute. The window exists for requests already in flight at a
/// login; a longer one only widens what a stolen pre-login id can read.
pub const MAX_REGENERATE_GRACE_MS: f64 = 60_000.0;

/// The Express middleware's opt-in options of issue 16: `hashIds` (a boolean), `regenerateGrace`
/// (ms, at most [`MAX_REGENERATE_GRACE_MS`]) and `header` (a header name, or a function of req
/// returning one).
/// Answers `hashIds` and `regenerateGrace` (ms, 0 when off).
fn server_extras(f: &Map<String, Value>) -> Result<(bool, f64), Error> {
    let hash_ids = flag(f, "hashIds", false)?;
    let mut grace = 0.0;
    if let Some(v) = f.get("regenerateGrace").filter(|v| !v.is_null()) {
        if let Some(ms) = positive_ms("regenerateGrace", v)? {
            if ms > MAX_REGENERATE_GRACE_MS {
                return Err(Error::option("regenerateGrace", "must be at most 60000 milliseconds (a minute)"));
            }
            grace = ms;
        }
    }
    let answer = (hash_ids, grace);
    match f.get("header") {
        None | Some(Value::Null) => Ok(answer),
        Some(v) if is_fn(v) => Ok(answer),
        // a token (the cookie name rule: RFC 7230's), and not a header HTTP gives a meaning
        Some(Value::String(h))
            if cookie_name("header", &Value::String(h.clone())).is_ok()
                && !["cookie", "set-cookie", "cache-control", "vary", "host", "content-length"]
                    .iter()
                    .any(|n| n.eq_ignore_ascii_case(h)) =>
        {
            Ok(answer)
        }
        Some(v) => Err(bad(
            "header",
            "a header name of its own (such as \"x-session-id\"), or a function of req returning one",
            v,
        )),
    }
}

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
        return Err(Error::option("keys", ".keys required. Give keys (or secret), or turn signed off"));
    }
    let algorithm = match get("algorithm") {
        Some(v) => {
            one_of("algorithm", v, &["sha1", "sha256"], false)?;
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
    let migrate_signed = match get("migrateSigned") {
        None | Some(Value::Bool(false)) => None,
        Some(Value::Bool(true)) => Some(MigrateSigned::default()),
        Some(v) => {
            let m = plain(v).ok_or_else(|| bad("migrateSigned", "true, false or { keys, algorithm }", v))?;
            known_names(m, &["keys", "algorithm"], "migrateSigned.", false)?;
            if let Some(k) = m.get("keys").filter(|k| !k.is_null()) {
                secrets("migrateSigned.keys", k)?;
            }
            let algorithm = match m.get("algorithm").filter(|a| !a.is_null()) {
                Some(a) => {
                    one_of("migrateSigned.algorithm", a, &["sha1", "sha256"], false)?;
                    a.as_str().map(str::to_owned)
                }
                None => None,
            };
            Some(MigrateSigned { algorithm })
        }
    };
    if migrate_signed.is_some() && !encrypt {
        return Err(Error::option("migrateSigned", "needs encrypt: true (it reads old signed cookies to seal them)"));
    }
    // issue 16: revocable and big client sessions
    let not_before = match get("notBefore") {
        Some(v) => {
            function("notBefore", v)?;
            true
        }
        None => false,
    };
    let compress = match get("compress") {
        None | Some(Value::Bool(false)) => None,
        Some(Value::Bool(true)) => Some(Compress::default()),
        Some(v) => {
            let m = plain(v).ok_or_else(|| bad("compress", "true, false or { secretFields }", v))?;
            known_names(m, &["secretFields"], "compress.", false)?;
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
    let chunk = match get("chunk") {
        None | Some(Value::Bool(false)) => None,
        Some(Value::Bool(true)) => Some(Chunk::default()),
        Some(v) => {
            let m = plain(v).ok_or_else(|| bad("chunk", "true, false or { maxBytes }", v))?;
            known_names(m, &["maxBytes"], "chunk.", false)?;
            let mut c = Chunk::default();
            if let Some(x) = m.get("maxBytes").filter(|x| !x.is_null()) {
                const RANGE: &str =
                    "a number of bytes from 4096 to 16384 (the Cookie header the session's cookies may take in all)";
                let n = x.as_u64().ok_or_else(|| bad("chunk.maxBytes", RANGE, x))?;
                c.max_bytes = usize::try_from(n)
                    .ok()
                    .filter(|n| (MIN_HEADER_BUDGET..=MAX_HEADER_BUDGET).contains(n))
                    .ok_or_else(|| Error::option("chunk.maxBytes", format!("must be {RANGE}")))?;
            }
            Some(c)
        }
    };
    if !signed && !encrypt {
        if not_before {
            return Err(Error::option(
                "notBefore",
                "needs signed or encrypted cookies (an unsigned issue time could be forged)",
            ));
        }
        if compress.is_some() {
            return Err(Error::option("compress", "needs signed or encrypted cookies"));
        }
    }
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

    #[test]
    fn issue_16_options() {
        let ok = json!({ "secret": "s", "hashIds": true, "regenerateGrace": 10000, "header": "x-session-id" });
        assert!(express_options(&ok).is_ok());
        assert!(express_options(&json!({ "secret": "s", "header": { "$sc": "function" } })).is_ok());
        for (opts, code) in [
            (json!({ "hashIds": "yes" }), "ERR_SESSION_CORE_INVALID_HASHIDS"),
            (json!({ "regenerateGrace": 0 }), "ERR_SESSION_CORE_INVALID_REGENERATEGRACE"),
            (json!({ "regenerateGrace": "10s" }), "ERR_SESSION_CORE_INVALID_REGENERATEGRACE"),
            (json!({ "regenerateGrace": 600000 }), "ERR_SESSION_CORE_INVALID_REGENERATEGRACE"),
            (json!({ "header": "x session" }), "ERR_SESSION_CORE_INVALID_HEADER"),
            (json!({ "header": "Cookie" }), "ERR_SESSION_CORE_INVALID_HEADER"),
            (json!({ "header": true }), "ERR_SESSION_CORE_INVALID_HEADER"),
        ] {
            assert_eq!(express_options(&opts).unwrap_err().code(), code, "{opts}");
        }
        let e = express_options(&json!({ "hashId": true })).unwrap_err();
        assert_eq!(e.to_string(), "unknown option hashId: did you mean hashIds?");
    }

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
