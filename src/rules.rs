//! The rules option values follow, each in one function with one wording. The options checker
//! ([`crate::options`], for the options object the JS doors hand over as JSON) and the typed Rust
//! constructors ([`crate::session::SessionOptions::validate`], [`crate::session::Session::new`],
//! [`crate::client::ClientSession::new`], the server layer's configs) call the same function for
//! the same rule, so a refusal reads the same whichever door made it.
//!
//! These take typed values (a `&str`, an `f64`, a list of secrets); what JSON alone can get wrong (a
//! string where a number goes, a tagged Date) is [`crate::options`]' to say. Every error names the
//! field it is given (`Error::option`: code `ERR_SESSION_CORE_INVALID_<FIELD>`) and never quotes
//! the value. Nothing here depends on a session kind: this module sits below both.

use crate::cookie::{serialize_cookie, SerializeOptions};
use crate::error::Error;

/// `"a", "b"`: the allowed values as an error message lists them.
#[inline(never)]
pub(crate) fn listed(allowed: &[&str]) -> String {
    let mut out = String::new();
    for (i, a) in allowed.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push('"');
        out.push_str(a);
        out.push('"');
    }
    out
}

/// A cookie name: an RFC 7230 token (as `cookie@0.7`'s serialize checks it).
#[inline(never)]
pub(crate) fn cookie_name(field: &str, name: &str) -> Result<(), Error> {
    serialize_cookie(name, "", &SerializeOptions::default()).map(|_| ()).map_err(|_| {
        Error::option(field, "must be a cookie name (an RFC 7230 token: letters, digits and !#$%&'*+-.^_`|~)")
    })
}

/// One of `allowed` (ASCII case aside when `case_insensitive`).
#[inline(never)]
pub(crate) fn one_of(field: &str, s: &str, allowed: &[&str], case_insensitive: bool) -> Result<(), Error> {
    if allowed.iter().any(|a| if case_insensitive { a.eq_ignore_ascii_case(s) } else { *a == s }) {
        Ok(())
    } else {
        Err(not_one_of(field, allowed))
    }
}

/// The error of [`one_of`], for a caller that parses the value itself.
#[inline(never)]
pub(crate) fn not_one_of(field: &str, allowed: &[&str]) -> Error {
    Error::option(field, format!("must be one of {}", listed(allowed)))
}

/// What `unset` takes: what `req.session = null` does to the stored record.
pub(crate) const UNSET: &[&str] = &["destroy", "keep"];

/// The keygrip algorithms cookie-session's `algorithm` (and `migrateSigned.algorithm`) name.
pub(crate) const ALGORITHMS: &[&str] = &["sha1", "sha256"];

/// A span of time: a positive, finite number of milliseconds.
#[inline(never)]
pub(crate) fn positive_ms(field: &str, ms: f64) -> Result<(), Error> {
    if ms > 0.0 && ms.is_finite() {
        Ok(())
    } else {
        Err(Error::option(field, "must be a positive number of milliseconds"))
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
#[inline(never)]
pub fn check_max_age(field: &str, ms: f64) -> Result<(), Error> {
    if !ms.is_finite() {
        return Err(Error::option(field, "must be a finite number of milliseconds"));
    }
    if ms.abs() > MAX_AGE_LIMIT_MS {
        return Err(Error::option(field, "must be within ±8.6e15 ms (272,000 years): beyond it the expiry is no date"));
    }
    Ok(())
}

/// The longest `storeTimeout`: what a Node timer can wait (2^31 - 1 ms, about 24.8 days).
pub(crate) const MAX_TIMER_MS: f64 = 2_147_483_647.0;

/// `storeTimeout`: how long a door waits for any store call, ms. A Node timer cannot wait longer
/// than [`MAX_TIMER_MS`] (it would fire at once).
#[inline(never)]
pub(crate) fn store_timeout(ms: f64) -> Result<(), Error> {
    positive_ms("storeTimeout", ms)?;
    if ms > MAX_TIMER_MS {
        return Err(Error::option("storeTimeout", "must be at most 2147483647 milliseconds (what a timer can wait)"));
    }
    Ok(())
}

/// The longest `regenerateGrace`: a minute. The window exists for requests already in flight at a
/// login; a longer one only widens what a stolen pre-login id can read.
pub const MAX_REGENERATE_GRACE_MS: f64 = 60_000.0;

/// `regenerateGrace` when on: a positive number of milliseconds, at most [`MAX_REGENERATE_GRACE_MS`].
#[inline(never)]
pub(crate) fn regenerate_grace(ms: f64) -> Result<(), Error> {
    positive_ms("regenerateGrace", ms)?;
    if ms > MAX_REGENERATE_GRACE_MS {
        return Err(Error::option("regenerateGrace", "must be at most 60000 milliseconds (a minute)"));
    }
    Ok(())
}

/// The headers HTTP gives a meaning of its own: never the id's carrier.
const RESERVED_HEADERS: [&str; 6] = ["cookie", "set-cookie", "cache-control", "vary", "host", "content-length"];

/// `header`, the request header that may carry the signed id: a token (the cookie name rule,
/// RFC 7230's), and not a header HTTP gives a meaning.
#[inline(never)]
pub(crate) fn id_header(h: &str) -> Result<(), Error> {
    if cookie_name("header", h).is_ok() && !RESERVED_HEADERS.iter().any(|n| n.eq_ignore_ascii_case(h)) {
        Ok(())
    } else {
        Err(Error::option("header", ID_HEADER))
    }
}

const ID_HEADER: &str =
    "must be a header name of its own: a token, and not a header HTTP gives a meaning (such as \"x-session-id\")";

/// A list of secrets (`secret`, `keys`): at least one. `n` is how many were given.
#[inline(never)]
pub(crate) fn secret_list(field: &str, n: usize) -> Result<(), Error> {
    if n == 0 {
        return Err(no_secret(field));
    }
    Ok(())
}

/// The error of [`secret_list`], for a caller that finds the list empty itself.
#[inline(never)]
pub(crate) fn no_secret(field: &str) -> Error {
    // express-session's words, which its own test suite matches
    Error::option(field, format!("the {field} option array must contain one or more strings or Buffers"))
}

/// One secret: not empty (an empty HMAC or sealing key lets anyone sign or seal).
#[inline(never)]
pub(crate) fn secret(field: &str, bytes: usize) -> Result<(), Error> {
    if bytes == 0 {
        return Err(Error::option(field, "must not be empty"));
    }
    Ok(())
}

/// [`secret_list`] and [`secret`] for each.
#[inline(never)]
pub(crate) fn secrets<K: AsRef<[u8]>>(field: &str, secrets: &[K]) -> Result<(), Error> {
    secret_list(field, secrets.len())?;
    secrets.iter().try_for_each(|s| secret(field, s.as_ref().len()))
}

/// cookie-session with signing or sealing on and no key: `.keys required.` as cookie-session says it.
#[inline(never)]
pub(crate) fn keys_required() -> Error {
    Error::option("keys", ".keys required. Give keys (or secret), or turn signed off")
}

/// Client-side sessions: `notBefore` and `compress` need signed or sealed cookies (an issue time or
/// a deflated body anyone can write is worthless).
#[inline(never)]
pub(crate) fn signing_needed(signed: bool, encrypt: bool, not_before: bool, compress: bool) -> Result<(), Error> {
    if signed || encrypt {
        return Ok(());
    }
    if not_before {
        return Err(Error::option(
            "notBefore",
            "needs signed or encrypted cookies (an unsigned issue time could be forged)",
        ));
    }
    if compress {
        return Err(Error::option("compress", "needs signed or encrypted cookies"));
    }
    Ok(())
}

/// Client-side sessions: `migrateSigned` needs `encrypt` (it reads signed cookies to seal them).
#[inline(never)]
pub(crate) fn migrate_needs_encrypt(migrate: bool, encrypt: bool) -> Result<(), Error> {
    if migrate && !encrypt {
        return Err(Error::option("migrateSigned", "needs encrypt: true (it reads old signed cookies to seal them)"));
    }
    Ok(())
}

/// The cookie attributes both session kinds take (express-session's under `cookie.`, cookie-session's
/// and the Rust layers' at the top level: `field` names it). `domain` and `path`: text allowed in a
/// `Set-Cookie` attribute (as `cookie@0.7`'s serialize checks it; empty: none).
#[inline(never)]
pub(crate) fn domain(field: &str, d: &str) -> Result<(), Error> {
    if d.is_empty()
        || serialize_cookie("n", "v", &SerializeOptions { domain: Some(d.into()), ..Default::default() }).is_ok()
    {
        Ok(())
    } else {
        Err(Error::option(field, DOMAIN))
    }
}

/// What `domain` takes, in words.
pub(crate) const DOMAIN: &str = "must be a domain name (such as example.com)";

/// See [`domain`].
#[inline(never)]
pub(crate) fn path(field: &str, p: &str) -> Result<(), Error> {
    if p.is_empty()
        || serialize_cookie("n", "v", &SerializeOptions { path: Some(p.into()), ..Default::default() }).is_ok()
    {
        Ok(())
    } else {
        Err(Error::option(field, "must be text allowed in a Set-Cookie attribute (no ';', no control characters)"))
    }
}

/// `sameSite` as text: `"lax"`, `"strict"`, `"none"` (and `"auto"` on the Express side, `auto`),
/// any case. The options also take true and false (see [`crate::options`]).
#[inline(never)]
pub(crate) fn same_site(field: &str, s: &str, auto: bool) -> Result<(), Error> {
    one_of(field, s, same_site_values(auto), true)
}

#[inline(never)]
pub(crate) fn same_site_values(auto: bool) -> &'static [&'static str] {
    if auto {
        &["lax", "strict", "none", "auto"]
    } else {
        &["lax", "strict", "none"]
    }
}

/// The Rust layers' cookie attributes, named as cookie-session's top-level options: [`domain`],
/// [`path`], [`same_site`] (no `"auto"`), [`priority`].
#[cfg(all(feature = "tower", not(target_arch = "wasm32")))]
#[inline(never)]
pub(crate) fn attributes(
    domain: Option<&str>,
    path: Option<&str>,
    same_site: Option<&str>,
    priority: Option<&str>,
) -> Result<(), Error> {
    domain.map_or(Ok(()), |d| self::domain("domain", d))?;
    path.map_or(Ok(()), |p| self::path("path", p))?;
    same_site.map_or(Ok(()), |s| self::same_site("sameSite", s, false))?;
    priority.map_or(Ok(()), |p| self::priority("priority", p))
}

/// `priority`: `"low"`, `"medium"` or `"high"`, any case.
#[inline(never)]
pub(crate) fn priority(field: &str, p: &str) -> Result<(), Error> {
    one_of(field, p, PRIORITIES, true)
}

pub(crate) const PRIORITIES: &[&str] = &["low", "medium", "high"];
