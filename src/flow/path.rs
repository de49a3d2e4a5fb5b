//! Whether a request is on a cookie's path: RFC 6265 §5.1.4 "path-match". A session cookie with
//! `Path=/foo` is sent (and a server-side session is loaded) on `/foo`, `/foo/` and `/foo/bar`,
//! never on `/foobar` or `/foo.bar`. (express-session 1.19 tests `indexOf(path) === 0`, which lets
//! `/foobar` in; session-core follows the RFC, as browsers do.)

/// Does the request path `request` path-match the cookie path `cookie` (RFC 6265 §5.1.4)?
///
/// > A request-path path-matches a given cookie-path if at least one of the following conditions
/// > holds: The cookie-path and the request-path are identical. The cookie-path is a prefix of the
/// > request-path, and the last character of the cookie-path is %x2F ("/"). The cookie-path is a
/// > prefix of the request-path, and the first character of the request-path that is not included
/// > in the cookie-path is a %x2F ("/") character.
///
/// The request path is as the request line gave it (no query), not percent-decoded:
/// `/foo%2Fbar` is not under `/foo`.
///
/// ```
/// use session_core::flow::path_matches;
/// assert!(path_matches("/foo", "/foo"));
/// assert!(path_matches("/foo/", "/foo"));
/// assert!(path_matches("/foo/bar", "/foo"));
/// assert!(path_matches("/anything", "/"));
/// assert!(!path_matches("/foobar", "/foo"));
/// assert!(!path_matches("/foo.bar", "/foo"));
/// assert!(!path_matches("/foo%2Fbar", "/foo"));
/// assert!(!path_matches("/bar", "/foo"));
/// ```
pub fn path_matches(request: &str, cookie: &str) -> bool {
    if request == cookie {
        return true;
    }
    match request.strip_prefix(cookie) {
        Some(rest) => cookie.ends_with('/') || rest.starts_with('/'),
        None => false,
    }
}

/// The path of a request target as sent: the query and the fragment cut; an absolute form
/// (`http://host/path`, as a Web `Request.url` is) loses its scheme and authority. Not
/// percent-decoded.
///
/// ```
/// use session_core::flow::request_path;
/// assert_eq!(request_path("/foo/bar?x=1"), "/foo/bar");
/// assert_eq!(request_path("http://example.com/foo#top"), "/foo");
/// assert_eq!(request_path("https://example.com"), "/");
/// assert_eq!(request_path("/foo%2Fbar"), "/foo%2Fbar");
/// ```
pub fn request_path(target: &str) -> &str {
    let rest = match target.find("://") {
        Some(i) if !target.starts_with('/') => {
            let after = &target[i + 3..];
            match after.find(['/', '?', '#']) {
                Some(j) if after.as_bytes()[j] == b'/' => &after[j..],
                _ => "/",
            }
        }
        _ => target,
    };
    match rest.find(['?', '#']) {
        Some(k) => &rest[..k],
        None => rest,
    }
}
