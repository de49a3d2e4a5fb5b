//! Where a session id travels (`header: 'x-session-id'`): in the session cookie, as always, or in a
//! request header for API and mobile clients, which keep no cookie jar.
//!
//! The rules, decided once per request ([`carrier`]) and once per response ([`respond`]):
//! - **Cookie first.** A request that sent a session cookie (by name, valid or not) is a cookie
//!   request: the header is not read. Only a request that sent *no* session cookie and *did* send
//!   the header (even empty: that is how a client asks for a first id) is a header request.
//! - **The answer goes back the way the id came.** A header request gets the signed id in the same
//!   response header whenever the core would have set the cookie (a new session, a regenerate, a
//!   re-sign), and never a Set-Cookie; a cookie request gets the cookie, never the header.
//! - **No cache keeps an id.** A response that carries the id header gets
//!   `Cache-Control: private, no-store` (whatever the app set); every response to a header request
//!   gets `Vary: <header>` (as a cookie request's gets `Vary: Cookie`), unless `cacheHeaders` is off.
//! - **CSRF.** A header request is exempt from the CSRF check ([`crate::csrf::exempt`]): a browser
//!   never adds a custom header to a cross-site request on its own, and a request that sent no
//!   session cookie carries no ambient credential to forge with.

use crate::cookie::{decode_uri_component, get_cookie};

/// How a request's session id travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Carrier {
    /// In the session cookie (also a request that sent neither: it gets a cookie, as without the option).
    Cookie,
    /// In the id header: the request sent no session cookie and sent the header.
    Header,
}

/// Does the Cookie header `cookie_header` hold a cookie named `name` (whatever its value)?
///
/// ```
/// use session_core::session::sends_cookie;
/// assert!(sends_cookie("a=1; connect.sid=junk", "connect.sid"));
/// assert!(!sends_cookie("a=1", "connect.sid"));
/// ```
pub fn sends_cookie(cookie_header: &str, name: &str) -> bool {
    get_cookie(cookie_header, name).is_some()
}

/// The carrier of a request: its Cookie header (if any), the session cookie's `name`, and whether
/// it sent the id header (`None`: not sent, or the option is off).
///
/// ```
/// use session_core::session::{carrier, Carrier};
/// assert_eq!(carrier(None, "connect.sid", Some("s:abc.sig")), Carrier::Header);
/// assert_eq!(carrier(None, "connect.sid", Some("")), Carrier::Header); // asks for a first id
/// assert_eq!(carrier(Some("connect.sid=s%3Ax.y"), "connect.sid", Some("s:abc.sig")), Carrier::Cookie);
/// assert_eq!(carrier(Some("other=1"), "connect.sid", None), Carrier::Cookie);
/// ```
pub fn carrier(cookie_header: Option<&str>, name: &str, id_header: Option<&str>) -> Carrier {
    let cookie_sent = cookie_header.is_some_and(|h| sends_cookie(h, name));
    if crate::csrf::exempt(cookie_sent, id_header.is_some()) {
        Carrier::Header
    } else {
        Carrier::Cookie
    }
}

/// The signed id of a header request's header value: the value itself, percent-decoded when it
/// was sent encoded as in a cookie (`s%3A…`). Empty: none.
///
/// ```
/// use session_core::session::header_id;
/// assert_eq!(header_id("s%3Aabc.sig").as_deref(), Some("s:abc.sig"));
/// assert_eq!(header_id(" s:abc.sig ").as_deref(), Some("s:abc.sig"));
/// assert_eq!(header_id(""), None);
/// ```
pub fn header_id(value: &str) -> Option<String> {
    let v = value.trim_matches(|c| c == ' ' || c == '\t');
    if v.is_empty() {
        return None;
    }
    if v.contains('%') {
        decode_uri_component(v)
    } else {
        Some(v.to_owned())
    }
}

/// What a response adds for the id's transport.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Transport {
    /// Send the Set-Cookie the core decided (a cookie request).
    pub set_cookie: bool,
    /// The id header's value (the signed id), when it is sent.
    pub id_header: Option<String>,
    /// Replace Cache-Control with `private, no-store` (the response carries the id).
    pub no_store: bool,
    /// Add the id header's name to `Vary`.
    pub vary: bool,
}

/// The value `Cache-Control` gets on a response that carries the id header.
pub const NO_STORE: &str = "private, no-store";

/// The response's transport: `carrier` of the request; `set_cookie` the Set-Cookie value the core
/// decided (`name=value; attributes`), if any; `cookie_name` its name; `cache_headers` the option.
///
/// ```
/// use session_core::session::{respond, Carrier};
/// let t = respond(Carrier::Header, Some("connect.sid=s%3Aabc.sig; Path=/; HttpOnly"), "connect.sid", true);
/// assert_eq!(t.id_header.as_deref(), Some("s:abc.sig"));
/// assert!(!t.set_cookie && t.no_store && t.vary);
/// let t = respond(Carrier::Cookie, Some("connect.sid=s%3Aabc.sig; Path=/"), "connect.sid", true);
/// assert!(t.set_cookie && t.id_header.is_none() && !t.no_store && !t.vary);
/// ```
pub fn respond(carrier: Carrier, set_cookie: Option<&str>, cookie_name: &str, cache_headers: bool) -> Transport {
    match carrier {
        Carrier::Cookie => Transport { set_cookie: set_cookie.is_some(), ..Transport::default() },
        Carrier::Header => {
            // the signed id is the cookie's value: between `name=` and the first `;`
            let id_header = set_cookie
                .and_then(|c| c.strip_prefix(cookie_name)?.strip_prefix('='))
                .map(|rest| rest.split(';').next().unwrap_or_default())
                .and_then(header_id);
            let carries = id_header.is_some();
            // the id is a credential: no cache may keep it, whatever cacheHeaders says
            Transport { set_cookie: false, id_header, no_store: carries, vary: cache_headers || carries }
        }
    }
}
