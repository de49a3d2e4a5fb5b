//! `inspect`: what each cookie in a `Cookie` or `Set-Cookie` header is, decoded and, given the
//! secrets, verified. The report is JSON text, the same bytes from every build (native CLI, Node,
//! browser); times are integer milliseconds since the epoch.

use super::options::{error_json, InspectOptions};
use super::set_cookie::{parse_set_cookie, SetCookie};
use crate::client::chunks::{self, MAX_CHUNKS};
use crate::client::frame::{read_frame, SIGNED_PREFIX};
use crate::client::seal::{open, SealKey, PREFIX};
use crate::client::{node_base64_decode, Algorithm, Keygrip, COOKIE_BUDGET};
use crate::cookie::{decode_uri_component, parse_cookie_raw};
use crate::signing::Signer;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::Value;
use std::collections::{HashMap, HashSet};

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
    /// `cookie-session`, `cookie-session-signature`, `session-core-signed` (session-core's frame,
    /// `sv1.`, signed as cookie-session signs), `session-core-sealed`, `session-core-chunk` (one
    /// cookie of a chunked session), `plain`. More than one when the bytes alone cannot tell and no
    /// configured name decides.
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
    /// `expired`, `not json`, `bad deflate`, `inflated over 64 KB`, `incomplete chunks`.
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
    /// session-core's frames (`notBefore`): when the cookie was issued, ms.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issued_at: Option<i64>,
    /// session-core's frames (`compress`): the session was deflated inside the value.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub compressed: bool,
    /// A chunked session (`chunk`): the chunk cookies its value was read from, in order. Its
    /// `value` is theirs joined.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chunks: Option<Vec<String>>,
    /// A chunk cookie: the session it is part of (reported under that name).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chunk_of: Option<String>,
    /// Name plus value, in bytes, against the browsers' budget of 4096 (a chunked session: its
    /// chunks' in all, over budget when one of them is).
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

/// What every cookie's explanation reads: the options, keyed once, and the other cookies.
struct Ctx<'a> {
    o: &'a InspectOptions,
    signer: Option<Signer>,
    seal_keys: Vec<SealKey>,
    grips: Vec<(&'static str, Keygrip)>,
    /// The names a `.sig` cookie may sign: the cookies, and the chunked sessions.
    signed_names: HashSet<&'a str>,
    /// Each name's first value that is not empty (what a lookup by name finds).
    values: HashMap<&'a str, &'a str>,
}

impl<'a> Ctx<'a> {
    fn value_of(&self, name: &str) -> Option<&'a str> {
        self.values.get(name).copied()
    }

    /// cookie-session's signature check: `<name>.sig` over `<name>=<value>`, by any key and either
    /// algorithm.
    fn verify_keygrip(&self, name: &str, value: &str, r: &mut CookieReport) {
        let sig = self.value_of(&format!("{name}.sig"));
        match (sig, self.grips.is_empty()) {
            (None, _) => r.reason = Some("no signature"),
            (Some(_), true) => r.verdict = "unverified",
            (Some(sig), false) => {
                let data = format!("{name}={value}");
                match self.grips.iter().find_map(|(alg, k)| k.index(&data, sig).map(|i| (i, *alg))) {
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
    }

    /// A chunked session of ours: `<base>.0`, `<base>.1`, … (no `<base>` cookie), whose joined value
    /// is one of the library's formats or has a signature cookie. Its chunk cookies, in order, and
    /// the joined value.
    fn chunked(&self, base: &str) -> Option<(Vec<String>, String)> {
        if base.is_empty() || self.value_of(base).is_some() {
            return None;
        }
        let joined = chunks::read_in(|n| self.value_of(n), base).ok()??.into_owned();
        let names: Vec<String> =
            (0..MAX_CHUNKS).map(|k| chunks::chunk_name(base, k)).take_while(|n| self.value_of(n).is_some()).collect();
        let ours = joined.starts_with(PREFIX)
            || joined.starts_with(SIGNED_PREFIX)
            || self.value_of(&format!("{base}.sig")).is_some()
            || json_object_text(&node_base64_decode(&joined)).is_some();
        ours.then_some((names, joined))
    }
}

/// The session a chunk cookie (`<base>.<k>`, k < [`MAX_CHUNKS`]) would belong to.
fn chunk_base(name: &str) -> Option<&str> {
    let (base, k) = name.rsplit_once('.')?;
    (k.len() == 1 && k.as_bytes()[0].is_ascii_digit() && usize::from(k.as_bytes()[0] - b'0') < MAX_CHUNKS)
        .then_some(base)
}

/// A session-core frame's fields into the report (the body, its times, whether it was deflated).
fn frame_into(bytes: &[u8], r: &mut CookieReport) -> Result<(), &'static str> {
    let f = read_frame(bytes)?;
    r.body = raw(&f.body);
    r.issued_at = f.issued_at;
    r.compressed = f.deflated;
    r.created_at = f.created_at;
    r.last_seen = f.last_seen;
    if let Some(e) = f.expires {
        r.expires = Some(r.expires.map_or(e, |x| x.min(e)));
    }
    Ok(())
}

/// A cookie's report before it is explained: what it is in the header.
fn bare(name: &str, value: &str, attrs: Option<&SetCookie>, size: usize, now: i64) -> CookieReport {
    let expires = attrs.and_then(|a| a.expiry(now));
    CookieReport {
        name: name.to_owned(),
        value: value.to_owned(),
        decoded: if value.contains('%') { decode_uri_component(value) } else { None },
        kinds: vec![],
        id: None,
        body: None,
        verdict: "none",
        reason: None,
        key: None,
        algorithm: None,
        key_id: None,
        attributes: attrs.cloned(),
        expires,
        time_left: expires.map(|e| e.saturating_sub(now)),
        created_at: None,
        last_seen: None,
        issued_at: None,
        compressed: false,
        chunks: None,
        chunk_of: None,
        size,
        over_budget: size > COOKIE_BUDGET,
    }
}

/// One cookie (or a chunked session, `value` its chunks joined) explained.
fn explain(ctx: &Ctx, name: &str, value: &str, attrs: Option<&SetCookie>, size: usize, chunked: bool) -> CookieReport {
    let o = ctx.o;
    let mut r = bare(name, value, attrs, size, o.now);
    let decoded = r.decoded.clone();
    let v = decoded.as_deref().unwrap_or(value);
    let configured = o.names.get(name).map(String::as_str);
    if let Some((signed_value, _)) = v.strip_prefix("s:").and_then(signature_shape) {
        r.kinds = match configured {
            Some("express-session") => vec!["express-session"],
            Some("cookie-parser") => vec!["cookie-parser-signed"],
            _ => vec!["express-session", "cookie-parser-signed"],
        };
        r.id = Some(signed_value.to_owned());
        match &ctx.signer {
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
        if ctx.seal_keys.is_empty() {
            r.verdict = "unverified";
        } else {
            match open(&ctx.seal_keys, name, v) {
                Ok((plain, index)) => {
                    r.key = Some(index);
                    // the seal opened: only now is the frame read (and inflated, within its limit)
                    match frame_into(&plain, &mut r) {
                        Ok(()) => {
                            let expired = r.expires.is_some_and(|e| e <= o.now);
                            r.verdict = if expired { "invalid" } else { "valid" };
                            r.reason = expired.then_some("expired");
                        }
                        Err(why) => {
                            r.verdict = "invalid";
                            r.reason = Some(why);
                        }
                    }
                }
                Err(e) => {
                    r.verdict = "invalid";
                    r.reason = Some(e.as_str());
                }
            }
        }
    } else if let Some(b64) = v.strip_prefix(SIGNED_PREFIX) {
        // session-core's frame in a cookie-session signed cookie (notBefore, compress)
        r.kinds = vec!["session-core-signed"];
        ctx.verify_keygrip(name, value, &mut r);
        if r.verdict != "invalid" {
            // inflated only when the signature verified, or when there is no key to tell (a
            // debugging tool's reading, capped at 64 KB as the middleware's)
            let read = URL_SAFE_NO_PAD.decode(b64).map_err(|_| "not json").and_then(|b| frame_into(&b, &mut r));
            if let Err(why) = read {
                r.verdict = "invalid";
                r.reason = Some(why);
                r.key = None;
                r.algorithm = None;
            }
        }
    } else if name.strip_suffix(".sig").is_some_and(|b| ctx.signed_names.contains(b)) {
        r.kinds = vec!["cookie-session-signature"];
    } else if let Some(body) = json_object_text(&node_base64_decode(v)).filter(|_| !v.is_empty()) {
        r.kinds = vec!["cookie-session"];
        r.body = raw(&body);
        ctx.verify_keygrip(name, value, &mut r);
    } else if chunked && ctx.value_of(&format!("{name}.sig")).is_some() {
        // a chunked set whose value does not read (chunks lost or swapped): its signature says so
        r.kinds = vec!["cookie-session"];
        ctx.verify_keygrip(name, value, &mut r);
    } else {
        r.kinds = vec!["plain"];
    }
    if r.verdict == "none" && r.reason == Some("no signature") {
        r.verdict = "invalid";
    }
    r.time_left = r.expires.map(|e| e.saturating_sub(o.now));
    r
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
    let mut ctx = Ctx {
        o,
        signer: Signer::new(&o.secrets),
        seal_keys: o.keys.iter().map(|k| SealKey::derive(k)).collect(),
        grips: [(Algorithm::Sha1, "sha1"), (Algorithm::Sha256, "sha256")]
            .into_iter()
            .filter_map(|(a, n)| Keygrip::new(&o.keys, a).map(|k| (n, k)))
            .collect(),
        signed_names: cookies.iter().map(|(n, _, _)| n.as_str()).collect(),
        values: HashMap::new(),
    };
    for (n, v, _) in cookies.iter().filter(|(_, v, _)| !v.is_empty()) {
        ctx.values.entry(n.as_str()).or_insert(v.as_str());
    }
    // chunked sessions: reported under their own name, before their chunks
    let mut sessions: Vec<(&str, Vec<String>, String, bool)> = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new(); // a base -> its place in `sessions`
    let mut tried: HashSet<&str> = HashSet::new();
    for (name, _, _) in &cookies {
        if let Some(base) = chunk_base(name).filter(|b| tried.insert(b)) {
            if let Some((names, joined)) = ctx.chunked(base) {
                index.insert(base, sessions.len());
                sessions.push((base, names, joined, false));
            }
        }
    }
    ctx.signed_names.extend(sessions.iter().map(|(b, _, _, _)| *b));

    let mut reports = Vec::with_capacity(cookies.len() + sessions.len());
    for (name, value, attrs) in &cookies {
        let size = name.len() + value.len();
        let found = chunk_base(name).and_then(|b| index.get(b).copied());
        let Some(i) = found else {
            reports.push(explain(&ctx, name, value, attrs.as_ref(), size, false));
            continue;
        };
        let (base, names, joined, reported) = &mut sessions[i];
        if !*reported {
            // the session, under its own name, before its first chunk
            *reported = true;
            let sizes: Vec<usize> = names.iter().map(|n| n.len() + ctx.value_of(n).map_or(0, str::len)).collect();
            let mut r = explain(&ctx, base, joined, attrs.as_ref(), sizes.iter().sum(), true);
            r.over_budget = sizes.iter().any(|s| *s > COOKIE_BUDGET);
            r.chunks = Some(names.clone());
            if r.verdict == "invalid" && chunks::incomplete_in(|n| ctx.value_of(n), base) {
                r.reason = Some("incomplete chunks");
            }
            reports.push(r);
        }
        let mut part = bare(name, value, attrs.as_ref(), size, o.now);
        part.kinds = vec!["session-core-chunk"];
        part.chunk_of = Some((*base).to_owned());
        reports.push(part);
    }
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
