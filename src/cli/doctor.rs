//! `session-core doctor`: the production checks ([`crate::checks`]) as a report with the fix for
//! each, for a middleware's options (a JSON file; the npm bin also reads a JS module exporting
//! them) or for the `Set-Cookie` a site sends (pasted on standard input, or fetched with `--url`
//! from a plain-http loopback address: anything else is pasted). Exit status: 0 no findings, 1
//! findings (warnings; advice alone is 0), 2 usage or input error.

use crate::checks::{self, Finding, Kind};
use serde_json::{json, Value};

/// Host and port of `http://` URLs on a loopback address (127.0.0.0/8, `[::1]`, `localhost`):
/// doctor fetches nothing else (any other site: paste its `Set-Cookie`).
///
/// ```
/// use session_core::cli::loopback_url;
/// assert_eq!(loopback_url("http://127.0.0.1:3000/login").unwrap(), ("127.0.0.1".to_owned(), 3000, "/login".to_owned()));
/// assert!(loopback_url("https://example.com/").is_err());
/// ```
pub fn loopback_url(url: &str) -> Result<(String, u16, String), String> {
    let refuse = || {
        "--url takes a plain-http loopback address (http://127.0.0.1:PORT/, http://localhost:PORT/, http://[::1]:PORT/); for any other site paste its Set-Cookie on standard input".to_owned()
    };
    let rest = url.strip_prefix("http://").ok_or_else(refuse)?;
    let (authority, path) = match rest.find(['/', '?', '#']) {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let path =
        if path.starts_with('/') { path.split('#').next().unwrap_or("/").to_owned() } else { format!("/{path}") };
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let (h, p) = v6.split_once(']').ok_or_else(refuse)?;
        (h.to_owned(), p.strip_prefix(':').unwrap_or(""))
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h.to_owned(), p),
            None => (authority.to_owned(), ""),
        }
    };
    let port: u16 = if port.is_empty() { 80 } else { port.parse().map_err(|_| refuse())? };
    let host = host.to_ascii_lowercase();
    let loopback =
        host == "localhost" || host == "::1" || host.parse::<std::net::Ipv4Addr>().is_ok_and(|a| a.is_loopback());
    if !loopback || authority.contains('@') {
        return Err(refuse());
    }
    Ok((host, port, path))
}

/// Which middleware options are: `kind` given, else cookie-session's when they hold `keys`,
/// `signed` or `encrypt`, else the Express middleware's.
fn kind_of(given: Option<&str>, v: &Value) -> Result<Kind, String> {
    match given {
        Some("express") => Ok(Kind::Express),
        Some("cookie-session") => Ok(Kind::CookieSession),
        Some(_) => Err("--kind takes express or cookie-session".to_owned()),
        None if ["keys", "signed", "encrypt"].iter().any(|k| v.get(k).is_some()) => Ok(Kind::CookieSession),
        None => Ok(Kind::Express),
    }
}

/// The report of a set of findings: text (or JSON) and the exit status.
fn report(source: &str, kind: &str, findings: &[(Option<String>, Finding)], as_json: bool) -> (String, u8) {
    let warnings = findings.iter().filter(|(_, f)| f.severity == "warning").count();
    let code = u8::from(warnings > 0);
    if as_json {
        let list: Vec<Value> = findings
            .iter()
            .map(|(cookie, f)| {
                let mut v = serde_json::to_value(f).unwrap_or(Value::Null);
                if let (Some(c), Some(m)) = (cookie, v.as_object_mut()) {
                    m.insert("cookie".into(), c.clone().into());
                }
                v
            })
            .collect();
        let v = json!({ "version": 1, "source": source, "kind": kind, "warnings": warnings, "findings": list });
        return (format!("{v}\n"), code);
    }
    let mut out = format!(
        "session-core doctor: {source} ({kind}): {}\n",
        match warnings {
            0 => "no problems found".to_owned(),
            1 => "1 problem".to_owned(),
            n => format!("{n} problems"),
        }
    );
    for (cookie, f) in findings {
        let at = match cookie {
            Some(c) => format!("cookie {c}: {}", f.option),
            None => f.option.clone(),
        };
        out += &format!("\n{} {} — {at}\n  {}\n  fix: {}\n", f.severity, f.code, f.message, f.fix);
    }
    (out, code)
}

/// Doctor on a middleware's options (the text of a JSON file, or what the npm bin made of a JS
/// module): the report and the exit status, or the input error.
pub(crate) fn options(source: &str, text: &str, kind: Option<&str>, as_json: bool) -> Result<(String, u8), String> {
    let v: Value = serde_json::from_str(text)
        .map_err(|e| format!("{source}: not JSON options ({})", crate::error::json_reason(&e)))?;
    if !v.is_object() {
        return Err(format!("{source}: the options must be a JSON object"));
    }
    let kind = kind_of(kind, &v)?;
    // options the middleware would refuse are reported as it would refuse them (never a value)
    let checked = match kind {
        Kind::CookieSession => crate::options::cookie_session_options(&v).map(|_| ()),
        _ => crate::options::express_options(&v).map(|_| ()),
    };
    checked.map_err(|e| format!("{source}: the middleware would refuse these options: {e}"))?;
    let findings: Vec<_> = checks::check(kind, &v).into_iter().map(|f| (None, f)).collect();
    let name = if kind == Kind::CookieSession { "cookie-session" } else { "express" };
    Ok(report(source, name, &findings, as_json))
}

/// Doctor on `Set-Cookie` lines (pasted, or fetched from a loopback site).
pub(crate) fn set_cookie(source: &str, header: &str, as_json: bool) -> Result<(String, u8), String> {
    let cookies = checks::check_set_cookie(header);
    if cookies.is_empty() {
        return Err(format!("{source}: no Set-Cookie line (paste the Set-Cookie header values, one per line)"));
    }
    let findings: Vec<_> =
        cookies.into_iter().flat_map(|(name, fs)| fs.into_iter().map(move |f| (Some(name.clone()), f))).collect();
    Ok(report(source, "set-cookie", &findings, as_json))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_http() {
        assert!(loopback_url("http://localhost:3000").is_ok());
        assert_eq!(loopback_url("http://[::1]:8080/x?y").unwrap(), ("::1".into(), 8080, "/x?y".into()));
        assert_eq!(loopback_url("http://127.1.2.3/").unwrap().1, 80);
        for bad in
            ["http://10.0.0.1/", "http://example.com/", "https://127.0.0.1/", "http://user@127.0.0.1/", "ftp://x"]
        {
            assert!(loopback_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn findings_and_exit() {
        let (text, code) = options("o.json", r#"{"secret":"keyboard cat"}"#, None, false).unwrap();
        assert_eq!(code, 1);
        assert!(text.contains("WEAK_SECRET") && !text.contains("keyboard cat"), "{text}");
        assert!(options("o.json", "[1]", None, false).is_err());
        assert!(options("o.json", r#"{"secert":"x"}"#, None, false).unwrap_err().contains("did you mean secret"));
        let (_, code) = set_cookie("-", "__Host-s=1; Path=/; Secure; HttpOnly; Max-Age=60", false).unwrap();
        assert_eq!(code, 0);
        let (text, code) = set_cookie("-", "sid=1; Path=/; SameSite=None", true).unwrap();
        assert_eq!(code, 1);
        assert!(text.contains("SAMESITE_NONE_WITHOUT_SECURE"));
    }
}
