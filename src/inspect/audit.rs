//! `audit`: what a browser would do with `Set-Cookie` lines that the server did not intend — each
//! finding with a stable code, a severity and a one-line explanation.

use super::options::{error_json, AuditOptions};
use super::set_cookie::{parse_set_cookie, SetCookie};
use crate::client::COOKIE_BUDGET;
use serde::Serialize;

/// One problem.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Finding {
    pub code: &'static str,
    /// `error` (the browser refuses or drops the cookie), `warning` (a risk), `info`.
    pub severity: &'static str,
    pub message: String,
}

/// One cookie's findings.
#[derive(Debug, Serialize)]
pub struct CookieAudit {
    pub name: String,
    pub findings: Vec<Finding>,
}

/// The audit report.
#[derive(Debug, Serialize)]
pub struct AuditReport {
    pub version: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    pub now: i64,
    pub cookies: Vec<CookieAudit>,
    /// Lines a browser ignores outright (no `name=value`).
    pub ignored: Vec<String>,
}

/// Scheme and host of an `http(s)://host[:port]/…` URL, host lower-cased.
fn url_parts(url: &str) -> Option<(String, String)> {
    let (scheme, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host_port = authority.rsplit('@').next()?;
    let host = if let Some(v6) = host_port.strip_prefix('[') {
        v6.split(']').next()?.to_owned()
    } else {
        host_port.split(':').next()?.to_owned()
    };
    Some((scheme.to_ascii_lowercase(), host.to_ascii_lowercase()))
}

/// RFC 6265 §5.1.3 domain-match.
fn domain_match(host: &str, domain: &str) -> bool {
    host == domain || (host.ends_with(domain) && host[..host.len() - domain.len()].ends_with('.'))
}

/// Names session libraries use, and the shapes of their values.
fn looks_like_session(c: &SetCookie) -> bool {
    let n = c.name.to_ascii_lowercase();
    let by_name = [
        "connect.sid",
        "session",
        "sid",
        "sessionid",
        "session_id",
        "phpsessid",
        "jsessionid",
        "asp.net_sessionid",
        "id",
    ]
    .contains(&n.as_str())
        || n.contains("session")
        || n.ends_with(".sid");
    let v = &c.value;
    let by_shape = v.starts_with("s%3A") || v.starts_with("s:") || v.starts_with("sc1.") || v.starts_with("Fe26.2*");
    by_name || by_shape
}

fn finding(code: &'static str, severity: &'static str, message: impl Into<String>) -> Finding {
    Finding { code, severity, message: message.into() }
}

/// Audits `Set-Cookie` values (one per line).
pub fn audit(header: &str, o: &AuditOptions) -> AuditReport {
    let url = o.url.as_deref().and_then(url_parts);
    let mut report = AuditReport {
        version: super::report::REPORT_VERSION,
        url: o.url.clone(),
        now: o.now,
        cookies: vec![],
        ignored: vec![],
    };
    for line in header.lines().filter(|l| !l.trim().is_empty()) {
        let Some(c) = parse_set_cookie(line) else {
            report.ignored.push(line.to_owned());
            continue;
        };
        let mut f = Vec::new();
        let same_site_none = c.same_site.as_deref() == Some("none");
        if same_site_none && !c.secure {
            f.push(finding(
                "SAMESITE_NONE_WITHOUT_SECURE",
                "error",
                "SameSite=None without Secure: browsers reject the cookie.",
            ));
        }
        if c.partitioned && !c.secure {
            f.push(finding(
                "PARTITIONED_WITHOUT_SECURE",
                "error",
                "Partitioned without Secure: browsers reject the cookie.",
            ));
        }
        if c.name.starts_with("__Host-") {
            let mut broken = Vec::new();
            if !c.secure {
                broken.push("Secure");
            }
            if c.path.as_deref() != Some("/") {
                broken.push("Path=/");
            }
            if c.domain.is_some() {
                broken.push("no Domain");
            }
            if !broken.is_empty() {
                f.push(finding(
                    "HOST_PREFIX",
                    "error",
                    format!("__Host- cookies need Secure, Path=/ and no Domain; missing: {}.", broken.join(", ")),
                ));
            }
        } else if c.name.starts_with("__Secure-") && !c.secure {
            f.push(finding(
                "SECURE_PREFIX",
                "error",
                "__Secure- cookies need the Secure attribute: browsers reject this one.",
            ));
        }
        if let Some((scheme, host)) = &url {
            if let Some(d) = &c.domain {
                if !domain_match(host, d) {
                    f.push(finding(
                        "DOMAIN_MISMATCH",
                        "error",
                        format!("Domain={d} does not match the host {host}: browsers reject the cookie."),
                    ));
                }
            }
            let secure_origin = scheme == "https" || host == "localhost" || host == "127.0.0.1" || host == "::1";
            if c.secure && !secure_origin {
                f.push(finding(
                    "SECURE_OVER_HTTP",
                    "error",
                    "A Secure cookie set by an http page: browsers ignore it.",
                ));
            }
            if (c.name.starts_with("__Host-") || c.name.starts_with("__Secure-")) && !secure_origin {
                f.push(finding(
                    "PREFIX_OVER_HTTP",
                    "error",
                    "A __Host-/__Secure- cookie set by an http page: browsers reject it.",
                ));
            }
        }
        let size = c.name.len() + c.value.len();
        if size > COOKIE_BUDGET {
            f.push(finding(
                "TOO_LARGE",
                "error",
                format!("Name and value are {size} bytes; browsers drop cookies over {COOKIE_BUDGET}."),
            ));
        }
        match c.expiry(o.now) {
            Some(e) if e <= o.now => f.push(finding(
                "EXPIRED",
                "info",
                "Already expired: the browser deletes this cookie (intended when logging out).",
            )),
            _ => {}
        }
        if looks_like_session(&c) && !c.http_only && !c.value.is_empty() {
            f.push(finding(
                "SESSION_WITHOUT_HTTPONLY",
                "warning",
                "This looks like a session cookie without HttpOnly: page scripts (and XSS) can read it.",
            ));
        }
        report.cookies.push(CookieAudit { name: c.name, findings: f });
    }
    report
}

/// [`audit`] as JSON text: the same bytes from every build; options that do not read give the
/// error form of [`super::inspect_json`].
///
/// ```
/// let json = session_core::inspect::audit_json("id=1; SameSite=None", r#"{"now":0}"#);
/// assert!(json.contains(r#""code":"SAMESITE_NONE_WITHOUT_SECURE""#));
/// ```
pub fn audit_json(header: &str, options: &str) -> String {
    match AuditOptions::from_json(options) {
        Ok(o) => serde_json::to_string(&audit(header, &o)).unwrap_or_default(),
        Err(e) => error_json(&e),
    }
}
