//! The cache headers of a response a session layer handled. Shared caches (a CDN, a reverse proxy)
//! must never keep a session cookie or id: one user's Set-Cookie handed to the next is that user's
//! session. So:
//! - `Vary: Cookie` on every response (the answer depends on the cookie); `Vary: <id header>` on a
//!   response to a request that sent its id in the id header;
//! - `Cache-Control: no-cache="Set-Cookie"` added on a response that sets a session cookie (also
//!   when the app said `public`: as Go's scs does), unless `no-store` or `private` is there;
//! - `Cache-Control: private, no-store` on a response that carries the id header (the id is a
//!   credential), whatever the app set.
//!
//! The door hands the values the app left (`None`: not set) and sets what comes back.

/// Is `token` (or `*`) one of the comma-separated tokens of `text` (ASCII case-insensitive)?
fn has_token(text: &str, token: &str) -> bool {
    text.split(',').any(|t| {
        let t = t.trim();
        t == "*" || t.eq_ignore_ascii_case(token)
    })
}

/// The `Vary` value with `name` added, or `None` when it is there already (or `*`).
///
/// ```
/// use session_core::flow::vary_with;
/// assert_eq!(vary_with(None, "Cookie").as_deref(), Some("Cookie"));
/// assert_eq!(vary_with(Some("Accept-Encoding"), "Cookie").as_deref(), Some("Accept-Encoding, Cookie"));
/// assert_eq!(vary_with(Some("accept, cookie"), "Cookie"), None);
/// assert_eq!(vary_with(Some("*"), "Cookie"), None);
/// ```
pub fn vary_with(vary: Option<&str>, name: &str) -> Option<String> {
    match vary.filter(|v| !v.is_empty()) {
        None => Some(name.to_owned()),
        Some(v) if has_token(v, name) => None,
        Some(v) => {
            let mut out = String::with_capacity(v.len() + 2 + name.len());
            out.push_str(v);
            out.push_str(", ");
            out.push_str(name);
            Some(out)
        }
    }
}

/// The `Cache-Control` value of a response that sets a session cookie, or `None` when the app's
/// already forbids keeping it.
///
/// ```
/// use session_core::flow::no_cache_set_cookie;
/// assert_eq!(no_cache_set_cookie(None).as_deref(), Some("no-cache=\"Set-Cookie\""));
/// assert_eq!(no_cache_set_cookie(Some("public, max-age=60")).as_deref(), Some("public, max-age=60, no-cache=\"Set-Cookie\""));
/// assert_eq!(no_cache_set_cookie(Some("private")), None);
/// assert_eq!(no_cache_set_cookie(Some("no-cache=\"set-cookie\"")), None);
/// assert_eq!(no_cache_set_cookie(Some("no-caché")).as_deref(), Some("no-caché, no-cache=\"Set-Cookie\""));
/// ```
pub fn no_cache_set_cookie(cache_control: Option<&str>) -> Option<String> {
    let Some(cc) = cache_control.filter(|v| !v.is_empty()) else {
        return Some(NO_CACHE_SET_COOKIE.to_owned());
    };
    let forbids = cc.split(',').any(|t| {
        let t = t.trim();
        t.eq_ignore_ascii_case("no-store")
            || t.eq_ignore_ascii_case("private")
            // (bytes: a value may hold any character, and byte 8 may fall inside one)
            || (t.as_bytes().get(..8).is_some_and(|p| p.eq_ignore_ascii_case(b"no-cache"))
                && t.to_ascii_lowercase().contains("set-cookie"))
    });
    if forbids {
        return None;
    }
    let mut out = String::with_capacity(cc.len() + 2 + NO_CACHE_SET_COOKIE.len());
    out.push_str(cc);
    out.push_str(", ");
    out.push_str(NO_CACHE_SET_COOKIE);
    Some(out)
}

/// What `Cache-Control` gains on a response that sets a session cookie.
pub const NO_CACHE_SET_COOKIE: &str = "no-cache=\"Set-Cookie\"";

/// The cache headers of a response a client-side session (the session in the cookie) touched:
/// `Vary: Cookie` always, and `no-cache="Set-Cookie"` when it sets a cookie. `(Vary, Cache-Control)`
/// to set, each `None` when it stays as the app left it.
///
/// ```
/// use session_core::flow::cache_headers;
/// assert_eq!(cache_headers(None, None, true), (Some("Cookie".into()), Some("no-cache=\"Set-Cookie\"".into())));
/// assert_eq!(cache_headers(Some("Cookie"), Some("private"), true), (None, None));
/// assert_eq!(cache_headers(None, None, false), (Some("Cookie".into()), None));
/// ```
pub fn cache_headers(
    vary: Option<&str>,
    cache_control: Option<&str>,
    sets_cookie: bool,
) -> (Option<String>, Option<String>) {
    let cc = if sets_cookie { no_cache_set_cookie(cache_control) } else { None };
    (vary_with(vary, "Cookie"), cc)
}
