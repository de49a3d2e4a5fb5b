//! The cache headers of a response a session layer handled, as `session-core/express` sets them
//! (js/cache.js): `Vary: Cookie` on every one, and `Cache-Control: no-cache="Set-Cookie"` on one that
//! sets a session cookie (also when the app said `public`), so a shared cache never hands one
//! user's cookie to the next.

use http::header::{HeaderMap, HeaderValue, CACHE_CONTROL, VARY};

fn joined(h: &HeaderMap, name: &http::HeaderName) -> String {
    h.get_all(name).iter().filter_map(|v| v.to_str().ok()).collect::<Vec<_>>().join(", ")
}

fn has_token(text: &str, tokens: &[&str]) -> bool {
    text.split(',').any(|t| tokens.iter().any(|k| t.trim().eq_ignore_ascii_case(k)))
}

/// Adds `name` to `Vary` (unless it or `*` is there).
pub(crate) fn vary_on(h: &mut HeaderMap, name: &str) {
    let vary = joined(h, &VARY);
    if vary.is_empty() {
        if let Ok(v) = HeaderValue::from_str(name) {
            h.insert(VARY, v);
        }
    } else if !has_token(&vary, &[name, "*"]) {
        if let Ok(v) = HeaderValue::from_str(&format!("{vary}, {name}")) {
            h.insert(VARY, v);
        }
    }
}

/// Adds both headers to a response (`sets_cookie`: it carries a session cookie).
pub(crate) fn apply(h: &mut HeaderMap, sets_cookie: bool) {
    vary_on(h, "Cookie");
    if !sets_cookie {
        return;
    }
    let cc = joined(h, &CACHE_CONTROL);
    if cc.is_empty() {
        h.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache=\"Set-Cookie\""));
        return;
    }
    let lower = cc.to_ascii_lowercase();
    let no_cache_set_cookie = lower.split(',').any(|t| t.trim().starts_with("no-cache") && t.contains("set-cookie"));
    if has_token(&cc, &["no-store", "private"]) || no_cache_set_cookie {
        return;
    }
    if let Ok(v) = HeaderValue::from_str(&format!("{cc}, no-cache=\"Set-Cookie\"")) {
        h.insert(CACHE_CONTROL, v);
    }
}
