//! `inspect`: what each cookie in a `Cookie` or `Set-Cookie` header is, decoded and, given the
//! secrets, verified. The report is JSON text, the same bytes from every build (native CLI, Node,
//! browser); times are integer milliseconds since the epoch.

use super::options::{error_json, InspectOptions};
use super::set_cookie::{parse_set_cookie, SetCookie};
use crate::client::seal::{open, SealKey, PREFIX};
use crate::client::{node_base64_decode, Algorithm, Keygrip, COOKIE_BUDGET};
use crate::cookie::{decode_uri_component, parse_cookie_raw};
use crate::signing::Signer;
use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::Value;

/// The report format's version.
pub const REPORT_VERSION: u32 = 1;

/// One cookie's report.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CookieReport {
    pub name: String,
    /// The value as it stands in the header.
    pub value: String,
    /// Percent-decoded (as `cookie@0.7`), when that changes it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decoded: Option<String>,
    /// What it is: `express-session`, `cookie-parser-signed`, `cookie-parser-json`,
    /// `cookie-session`, `cookie-session-signature`, `session-core-sealed`, `plain`. More than one
    /// when the bytes alone cannot tell and no configured name decides.
    pub kinds: Vec<&'static str>,
    /// The session id (express-session), or the signed value (cookie-parser).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The JSON the cookie carries (cookie-session body, `j:` value, an opened seal).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<Box<RawValue>>,
    /// `valid`, `invalid`, `unverified` (no secret given) or `none` (nothing to verify).
    pub verdict: &'static str,
    /// Why it is invalid: `bad signature`, `no signature`, `unknown key`, `bad seal`, `truncated`,
    /// `expired`, `not json`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<&'static str>,
    /// Which secret or key matched (0 = the first given).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<usize>,
    /// cookie-session signatures: `sha1` or `sha256`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub algorithm: Option<&'static str>,
    /// Sealed cookies: the key id in the cookie.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_id: Option<String>,
    /// Set-Cookie attributes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attributes: Option<SetCookie>,
    /// When it expires (Set-Cookie attributes, or the sealed expiry), ms.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires: Option<i64>,
    /// `expires - now`, ms (negative: already expired).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_left: Option<i64>,
    /// Sealed sessions: their start and last request, ms.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_at: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_seen: Option<i64>,
    /// Name plus value, in bytes, against the browsers' budget of 4096.
    pub size: usize,
    pub over_budget: bool,
}

/// The whole report.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    pub version: u32,
    #[serde(rename = "as")]
    pub as_: &'static str,
    pub now: i64,
    pub cookies: Vec<CookieReport>,
}

fn signature_shape(v: &str) -> Option<(&str, &str)> {
    let (value, sig) = v.rsplit_once('.')?;
    (sig.len() == 43 && sig.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/'))
        .then_some((value, sig))
}

fn json_object_text(bytes: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(bytes).ok()?;
    matches!(serde_json::from_str::<Value>(text), Ok(Value::Object(_))).then(|| text.to_owned())
}

fn raw(text: &str) -> Option<Box<RawValue>> {
    serde_json::from_str::<Box<RawValue>>(text).ok()
}

/// Inspects a header. Never fails: what cannot be read is reported as such.
pub fn inspect(header: &str, o: &InspectOptions) -> Report {
    let set_cookie = o.as_.as_deref().is_some_and(|a| a.eq_ignore_ascii_case("set-cookie"));
    // (name, raw value, attributes)
    let cookies: Vec<(String, String, Option<SetCookie>)> = if set_cookie {
        header.lines().filter_map(parse_set_cookie).map(|c| (c.name.clone(), c.value.clone(), Some(c))).collect()
    } else {
        parse_cookie_raw(header).into_iter().map(|(k, v)| (k, v, None)).collect()
    };
    let names: Vec<&str> = cookies.iter().map(|(n, _, _)| n.as_str()).collect();
    let signer = Signer::new(&o.secrets);
    let seal_keys: Vec<SealKey> = o.keys.iter().map(|k| SealKey::derive(k)).collect();
    let grips: Vec<(&'static str, Keygrip)> = [(Algorithm::Sha1, "sha1"), (Algorithm::Sha256, "sha256")]
        .into_iter()
        .filter_map(|(a, n)| Keygrip::new(&o.keys, a).map(|k| (n, k)))
        .collect();

    let reports = cookies
        .iter()
        .map(|(name, value, attrs)| {
            let decoded_text = if value.contains('%') { decode_uri_component(value) } else { None };
            let v = decoded_text.as_deref().unwrap_or(value);
            let size = name.len() + value.len();
            let mut r = CookieReport {
                name: name.clone(),
                value: value.clone(),
                decoded: decoded_text.clone(),
                kinds: vec![],
                id: None,
                body: None,
                verdict: "none",
                reason: None,
                key: None,
                algorithm: None,
                key_id: None,
                attributes: attrs.clone(),
                expires: attrs.as_ref().and_then(|a| a.expiry(o.now)),
                time_left: None,
                created_at: None,
                last_seen: None,
                size,
                over_budget: size > COOKIE_BUDGET,
            };
            let configured = o.names.get(name).map(String::as_str);
            if let Some((signed_value, _)) = v.strip_prefix("s:").and_then(signature_shape) {
                r.kinds = match configured {
                    Some("express-session") => vec!["express-session"],
                    Some("cookie-parser") => vec!["cookie-parser-signed"],
                    _ => vec!["express-session", "cookie-parser-signed"],
                };
                r.id = Some(signed_value.to_owned());
                match &signer {
                    None => r.verdict = "unverified",
                    Some(s) => match s.unsign(&v[2..]) {
                        Some(u) => {
                            r.verdict = "valid";
                            r.key = Some(u.secret_index);
                        }
                        None => {
                            r.verdict = "invalid";
                            r.reason = Some("bad signature");
                        }
                    },
                }
            } else if let Some(signed) = v.strip_prefix("s:") {
                // signed-looking, but the signature is missing or cut short: express-session and
                // cookie-parser refuse it, so say why rather than calling it plain
                r.kinds = match configured {
                    Some("express-session") => vec!["express-session"],
                    Some("cookie-parser") => vec!["cookie-parser-signed"],
                    _ => vec!["express-session", "cookie-parser-signed"],
                };
                let (value, sig) = signed.rsplit_once('.').unwrap_or((signed, ""));
                r.id = Some(value.to_owned());
                r.verdict = "invalid";
                r.reason = Some(if sig.is_empty() { "no signature" } else { "truncated" });
            } else if let Some(json) = v.strip_prefix("j:") {
                r.kinds = vec!["cookie-parser-json"];
                match raw(json) {
                    Some(b) => r.body = Some(b),
                    None => r.reason = Some("not json"),
                }
            } else if let Some(sealed) = v.strip_prefix(PREFIX) {
                r.kinds = vec!["session-core-sealed"];
                r.key_id = sealed.split('.').next().map(str::to_owned);
                if seal_keys.is_empty() {
                    r.verdict = "unverified";
                } else {
                    match open(&seal_keys, name, v) {
                        Ok((plain, index)) => {
                            r.key = Some(index);
                            let p: Value = serde_json::from_slice(&plain).unwrap_or(Value::Null);
                            r.created_at = p.get("c").and_then(Value::as_i64);
                            r.last_seen = p.get("s").and_then(Value::as_i64);
                            if let Some(e) = p.get("e").and_then(Value::as_i64) {
                                r.expires = Some(r.expires.map_or(e, |x| x.min(e)));
                            }
                            r.body = p.get("d").and_then(|d| raw(&d.to_string()));
                            let expired = r.expires.is_some_and(|e| e <= o.now);
                            r.verdict = if expired { "invalid" } else { "valid" };
                            r.reason = expired.then_some("expired");
                        }
                        Err(e) => {
                            r.verdict = "invalid";
                            r.reason = Some(e.as_str());
                        }
                    }
                }
            } else if name.strip_suffix(".sig").is_some_and(|b| names.contains(&b)) {
                r.kinds = vec!["cookie-session-signature"];
            } else if let Some(body) = json_object_text(&node_base64_decode(v)).filter(|_| !v.is_empty()) {
                r.kinds = vec!["cookie-session"];
                r.body = raw(&body);
                let sig_name = format!("{name}.sig");
                let sig = cookies.iter().find(|(n, _, _)| *n == sig_name).map(|(_, s, _)| s.as_str());
                match (sig, grips.is_empty()) {
                    (None, _) => r.reason = Some("no signature"),
                    (Some(_), true) => r.verdict = "unverified",
                    (Some(sig), false) => {
                        let data = format!("{name}={value}");
                        let hit = grips.iter().find_map(|(alg, k)| k.index(&data, sig).map(|i| (i, *alg)));
                        match hit {
                            Some((i, alg)) => {
                                r.verdict = "valid";
                                r.key = Some(i);
                                r.algorithm = Some(alg);
                            }
                            None => {
                                r.verdict = "invalid";
                                r.reason = Some("bad signature");
                            }
                        }
                    }
                }
            } else {
                r.kinds = vec!["plain"];
            }
            if r.verdict == "none" && r.reason == Some("no signature") {
                r.verdict = "invalid";
            }
            r.time_left = r.expires.map(|e| e.saturating_sub(o.now));
            r
        })
        .collect();
    Report {
        version: REPORT_VERSION,
        as_: if set_cookie { "set-cookie" } else { "cookie" },
        now: o.now,
        cookies: reports,
    }
}

/// [`inspect`] as JSON text: the one report format of every build. Options that do not read (see
/// [`InspectOptions::from_json`]) give `{"version":1,"error":…,"code":…,"field":…}`, naming the
/// option and never quoting its value.
///
/// ```
/// let json = session_core::inspect::inspect_json("sid=s%3Aabc.RT5Cal5xFtX9GjJLGoiK%2BGzZ%2BcCRnZ5ZbIS8ml7E5Xo", r#"{"now":0}"#);
/// assert!(json.starts_with(r#"{"version":1,"as":"cookie","now":0,"cookies":[{"name":"sid""#));
/// ```
pub fn inspect_json(header: &str, options: &str) -> String {
    match InspectOptions::from_json(options) {
        Ok(o) => report_json(header, &o),
        Err(e) => error_json(&e),
    }
}

/// The report's JSON text for options already read.
pub(crate) fn report_json(header: &str, o: &InspectOptions) -> String {
    serde_json::to_string(&inspect(header, o)).unwrap_or_default()
}
