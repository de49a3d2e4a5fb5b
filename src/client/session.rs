//! Client-side sessions: the whole session in the cookie, as cookie-session keeps it (signed mode,
//! byte-compatible with cookie-session 2.x) or sealed by session-core (encrypted mode). Two calls per
//! request: [`ClientSession::load`] when the app first reads `req.session`, and
//! [`ClientSession::commit`] when the headers go out. Both speak JSON (the vector format of
//! tests/vectors/client.json), so every build runs the same decision.

use super::base64::{base64_encode, node_base64_decode};
use super::chunks::{self, Chunk, MAX_CHUNKS};
use super::cookies::{find_cookie, set_cookie_header, CookieAttrs, COOKIE_BUDGET};
use super::frame::{self, read_frame, write_frame, Compress, SIGNED_PREFIX};
use super::keygrip::{Algorithm, Keygrip};
use super::migrate::{self, MigrateSigned, SIGNED_NOT_MIGRATING};
use super::seal::{open, seal, SealKey, PREFIX};
use crate::error::Error;
use crate::rules;
use crate::session::{ended, CookieTimes, Timeouts};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::borrow::Cow;

/// The middleware's options that decide anything.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ClientOptions {
    /// The cookie's name (`session`); the signature goes in `<name>.sig`.
    pub name: String,
    /// keygrip's `sha1` (default) or `sha256`.
    pub algorithm: String,
    /// Sign the cookie (default true). Ignored in encrypted mode, which authenticates anyway.
    pub signed: bool,
    /// Seal the session (XChaCha20-Poly1305) instead of signing a readable body.
    pub encrypt: bool,
    /// Idle and absolute timeouts, kept inside the sealed payload (encrypted mode only).
    #[serde(flatten)]
    pub timeouts: Timeouts,
    /// Encrypted mode, while moving from signed cookies: also read a cookie-session signed cookie
    /// that verifies, seal it and expire its `.sig` (see [`MigrateSigned`]). Off by default.
    #[serde(deserialize_with = "migrate::deserialize")]
    pub migrate_signed: Option<MigrateSigned>,
    /// The app gives a `notBefore` cut-off (see [`super::revoke`]): every cookie written carries
    /// its issue time (a signed one then in session-core's frame, `sv1.`, which cookie-session
    /// cannot read). Off by default.
    pub not_before: bool,
    /// Deflate the session inside the value when that makes it shorter, the secret fields apart
    /// (see [`super::frame`]). Off by default.
    #[serde(deserialize_with = "frame::deserialize_compress")]
    pub compress: Option<Compress>,
    /// Split a value too long for one cookie over `<name>.0`, `<name>.1`, …, the session's cookies
    /// within [`Chunk::max_bytes`] of `Cookie` header in all (see [`super::chunks`]). Off by default.
    #[serde(deserialize_with = "chunks::deserialize_chunk")]
    pub chunk: Option<Chunk>,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            name: "session".into(),
            algorithm: "sha1".into(),
            signed: true,
            encrypt: false,
            timeouts: Timeouts::default(),
            migrate_signed: None,
            not_before: false,
            compress: None,
            chunk: None,
        }
    }
}

/// What the request's cookie held.
#[derive(Debug, Default, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Loaded {
    /// The session as JSON text, when one was read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// The cookie value as read (change detection compares against it in signed mode).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub raw: Option<String>,
    /// Why there is no session: `no cookie`, `no signature`, `bad signature`, `unknown key`,
    /// `bad seal`, `truncated`, `oversized`, `not json`, `expired`, `idle`, `absolute`; in
    /// encrypted mode also `not sealed, not signed` and [`SIGNED_NOT_MIGRATING`]; with `chunk`,
    /// `incomplete chunks` for a set of chunks that lost its last ones on the way (see
    /// [`super::chunks::incomplete`]) and so does not verify.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<&'static str>,
    /// Which key verified or opened it (0 = the first; with `migrateSigned`, of the signing keys).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_index: Option<usize>,
    /// Signed mode: a bad signature, which `cookies` clears. Encrypted mode: the request carries a
    /// `<name>.sig` cookie, left from signed mode, to expire whenever the session cookie is written.
    pub clear_sig: bool,
    /// Encrypted mode: the session came from a signed cookie (`migrateSigned`), to be sealed even
    /// if unchanged.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub migrated: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_at: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_seen: Option<i64>,
    /// When the cookie was issued (ms), as its frame says; `None` for a cookie without one (it
    /// counts as issued at 0: see [`super::revoked`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issued_at: Option<i64>,
    /// With `chunk`: which of the session's cookies the request carried (see
    /// [`super::chunks::present`]), for the commit to expire the ones it no longer uses.
    #[serde(skip_serializing_if = "is_zero")]
    pub present: u32,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// What the response's decision reads.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CommitInput<'a> {
    pub now: i64,
    /// Whether the request is secure (https).
    pub secure: bool,
    /// The app read or set `req.session` (cookie-session writes nothing otherwise).
    pub accessed: bool,
    /// `req.session = null`.
    #[serde(default)]
    pub unset: bool,
    /// No session was read from the request.
    pub is_new: bool,
    /// The cookie value as read (signed and plain modes).
    #[serde(default)]
    pub raw: Option<String>,
    /// The session as read, JSON text (encrypted mode compares against it).
    #[serde(borrow, default, deserialize_with = "raw_json")]
    pub original: Option<&'a str>,
    /// `req.session` now, JSON text.
    #[serde(borrow, default, deserialize_with = "raw_json")]
    pub session: Option<&'a str>,
    #[serde(default)]
    pub key_index: Option<usize>,
    #[serde(default)]
    pub clear_sig: bool,
    /// The session came from a signed cookie ([`Loaded::migrated`]).
    #[serde(default)]
    pub migrated: bool,
    #[serde(default)]
    pub created_at: Option<i64>,
    #[serde(default)]
    pub last_seen: Option<i64>,
    /// The loaded session's issue time ([`Loaded::issued_at`]), kept when it is written again
    /// (with `notBefore`; a new session is issued at `now`).
    #[serde(default)]
    pub issued_at: Option<i64>,
    /// [`Loaded::present`] (with `chunk`).
    #[serde(default)]
    pub present: u32,
    /// `req.sessionOptions`: the cookie attributes, and `signed` per request.
    #[serde(default)]
    pub options: CommitOptions,
}

/// A JSON value kept as its text.
fn raw_json<'de: 'a, 'a, D: serde::Deserializer<'de>>(d: D) -> Result<Option<&'a str>, D::Error> {
    Ok(Option::<&'a RawValue>::deserialize(d)?.map(RawValue::get))
}

/// Per-request cookie options.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CommitOptions {
    #[serde(flatten)]
    pub attrs: CookieAttrs,
    pub signed: Option<bool>,
}

/// The response's decision.
#[derive(Debug, Default, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Committed {
    /// `Set-Cookie` values to append, in order, with the cookie name of each.
    pub set_cookies: Vec<(String, String)>,
    /// The session was written (saved, re-signed or removed).
    pub wrote: bool,
    /// `insecure`: `secure` was asked for on an insecure request, so nothing was set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skipped: Option<&'static str>,
    /// The cookie that would exceed the browsers' 4096-byte budget, its size (name and value) and
    /// that budget; with `chunk`, the session's cookie name, the bytes of `Cookie` header its
    /// cookies would take and [`Chunk::max_bytes`]: nothing was set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub too_large: Option<(String, usize, usize)>,
}

/// One middleware's client-side session core: options and keyed keys.
#[derive(Debug, Clone)]
pub struct ClientSession {
    pub options: ClientOptions,
    keygrip: Option<Keygrip>,
    seal_keys: Vec<SealKey>,
}

impl ClientSession {
    /// Validates the options, naming the one at fault. With `migrateSigned`, the same `keys`
    /// verify the old signed cookies.
    ///
    /// ```
    /// use session_core::client::{ClientOptions, ClientSession};
    /// let opts = ClientOptions { migrate_signed: Some(Default::default()), ..Default::default() };
    /// let e = ClientSession::new(opts, &["k"]).unwrap_err();
    /// assert_eq!(e.code(), "ERR_SESSION_CORE_INVALID_MIGRATESIGNED");
    /// ```
    pub fn new<K: AsRef<[u8]>>(options: ClientOptions, keys: &[K]) -> Result<ClientSession, Error> {
        Self::with_signed_keys(options, keys, keys)
    }

    /// [`ClientSession::new`], with other keys for `migrateSigned` to verify the old signed cookies
    /// with (the keys of the signed app, when the sealing keys are new). `signed_keys` is read only
    /// when `migrateSigned` is on.
    ///
    /// ```
    /// use session_core::client::{ClientOptions, ClientSession};
    /// let opts: ClientOptions = serde_json::from_str(r#"{"encrypt":true,"migrateSigned":true}"#).unwrap();
    /// let core = ClientSession::with_signed_keys(opts, &["seal key"], &["key-new", "key-old"]).unwrap();
    /// let header = "session=eyJ1c2VyIjoiYWxpY2UiLCJuIjoxfQ==; session.sig=SRueGnudBw38mTHSby3KpUFGXDQ";
    /// let loaded = core.load(header, 0);
    /// assert_eq!(loaded.body.as_deref(), Some(r#"{"user":"alice","n":1}"#));
    /// assert!(loaded.migrated && loaded.clear_sig);
    /// ```
    pub fn with_signed_keys<K: AsRef<[u8]>, L: AsRef<[u8]>>(
        options: ClientOptions,
        keys: &[K],
        signed_keys: &[L],
    ) -> Result<ClientSession, Error> {
        // the rules and their words are the options checker's (see crate::options)
        rules::cookie_name("name", &options.name)?;
        let alg =
            Algorithm::parse(&options.algorithm).ok_or_else(|| rules::not_one_of("algorithm", rules::ALGORITHMS))?;
        if options.signed || options.encrypt {
            if keys.is_empty() {
                return Err(rules::keys_required());
            }
            rules::secrets("keys", keys)?;
        }
        if options.timeouts.enabled() && !options.encrypt {
            return Err(Error::invalid(
                "idleTimeout",
                "idle and absolute timeouts need encrypt: true (they travel sealed in the cookie)",
            ));
        }
        options.timeouts.validate()?;
        if let Some(c) = &options.chunk {
            c.check()?;
        }
        rules::signing_needed(options.signed, options.encrypt, options.not_before, options.compress.is_some())?;
        #[cfg(not(feature = "client"))]
        if options.compress.is_some() {
            return Err(Error::invalid("compress", "needs session-core's `client` feature (the deflate crate)"));
        }
        rules::migrate_needs_encrypt(options.migrate_signed.is_some(), options.encrypt)?;
        let keygrip = match &options.migrate_signed {
            None => Keygrip::new(keys, alg),
            Some(m) => {
                let alg = match m.algorithm.as_deref() {
                    Some(a) => Algorithm::parse(a)
                        .ok_or_else(|| rules::not_one_of("migrateSigned.algorithm", rules::ALGORITHMS))?,
                    None => alg,
                };
                Some(Keygrip::new(signed_keys, alg).ok_or_else(|| rules::no_secret("migrateSigned.keys"))?)
            }
        };
        Ok(ClientSession {
            keygrip,
            seal_keys: if options.encrypt {
                keys.iter().map(|k| SealKey::derive(k.as_ref())).collect()
            } else {
                Vec::new()
            },
            options,
        })
    }

    /// The key ids of the sealing keys, in order (encrypted mode).
    pub fn key_ids(&self) -> Vec<String> {
        self.seal_keys.iter().map(|k| k.kid.clone()).collect()
    }

    /// Reads the session from a `Cookie` header.
    pub fn load(&self, header: &str, now: i64) -> Loaded {
        let name = &self.options.name;
        let mut out = Loaded::default();
        let value = if self.options.chunk.is_some() {
            out.present = chunks::present(header, name);
            chunks::read(header, name)
        } else {
            match find_cookie(header, name).filter(|v| !v.is_empty()) {
                Some(v) if name.len() + v.len() > COOKIE_BUDGET => Err(()),
                v => Ok(v.map(Cow::Borrowed)),
            }
        };
        let value = match value {
            Ok(Some(v)) => v,
            Ok(None) => {
                out.reason = Some("no cookie");
                self.chunks_lost(header, &mut out);
                return out;
            }
            Err(()) => {
                out.reason = Some("oversized");
                return out;
            }
        };
        if self.options.encrypt {
            self.load_encrypted(header, &value, now, &mut out);
            self.chunks_lost(header, &mut out);
            return out;
        }
        if self.options.signed {
            let sig = find_cookie(header, &format!("{name}.sig")).filter(|s| !s.is_empty());
            if !self.verify_signed(sig, &value, &mut out) {
                self.chunks_lost(header, &mut out);
                return out;
            }
        }
        read_body(&value, self.options.signed, &mut out);
        out
    }

    /// With `chunk`: a set of chunks that did not verify (or open) and looks cut short is reported
    /// as `incomplete chunks`, the reason a proxy's header limit gives, rather than as the
    /// signature or seal it broke.
    fn chunks_lost(&self, header: &str, out: &mut Loaded) {
        const LOST: &[&str] =
            &["no cookie", "no signature", "bad signature", "bad seal", "truncated", "not sealed, not signed"];
        if self.options.chunk.is_some()
            && out.body.is_none()
            && out.reason.is_some_and(|r| LOST.contains(&r))
            && chunks::incomplete(header, &self.options.name)
        {
            out.reason = Some("incomplete chunks");
        }
    }

    /// Encrypted mode: a sealed cookie, or, with `migrateSigned`, a signed one that verifies.
    fn load_encrypted(&self, header: &str, value: &str, now: i64, out: &mut Loaded) {
        let name = &self.options.name;
        let sig = find_cookie(header, &format!("{name}.sig")).filter(|s| !s.is_empty());
        // sealed cookies have no signature cookie: one here is left from signed mode
        out.clear_sig = sig.is_some();
        if !value.starts_with(PREFIX) {
            // not a seal: a cookie from before `encrypt: true`, or junk. Only a signature that
            // verifies makes it a session, and only while migrating.
            match (&self.options.migrate_signed, sig) {
                (_, None) => out.reason = Some("not sealed, not signed"),
                (None, Some(_)) => out.reason = Some(SIGNED_NOT_MIGRATING),
                (Some(_), sig) => {
                    if self.verify_signed(sig, value, out) {
                        read_body(value, true, out);
                        out.raw = None;
                        out.migrated = out.body.is_some();
                    }
                }
            }
            return;
        }
        let (plain, index) = match open(&self.seal_keys, name, value) {
            Ok(v) => v,
            Err(e) => {
                out.reason = Some(e.as_str());
                return;
            }
        };
        // the seal opened: only now is the frame read (and inflated, within its limit)
        let frame = match read_frame(&plain) {
            Ok(f) => f,
            Err(why) => {
                out.reason = Some(why);
                return;
            }
        };
        let times = CookieTimes {
            expires: frame.expires,
            original_max_age: None,
            created_at: frame.created_at,
            last_seen: frame.last_seen,
        };
        if let Some(why) = ended(&times, now, &self.options.timeouts) {
            out.reason = Some(why.as_str());
            return;
        }
        out.body = Some(frame.body);
        out.key_index = Some(index);
        out.created_at = frame.created_at;
        out.last_seen = frame.last_seen;
        out.issued_at = frame.issued_at;
    }

    /// cookie-session's check: `<name>.sig` must be keygrip's signature of `<name>=<value>` under
    /// one of the keys. Sets `key_index`, or the reason (and `clear_sig` for a bad signature).
    fn verify_signed(&self, sig: Option<&str>, value: &str, out: &mut Loaded) -> bool {
        let Some(sig) = sig else {
            out.reason = Some("no signature");
            return false;
        };
        let data = format!("{}={value}", self.options.name);
        match self.keygrip.as_ref().and_then(|k| k.index(&data, sig)) {
            Some(i) => {
                out.key_index = Some(i);
                true
            }
            None => {
                out.reason = Some("bad signature");
                out.clear_sig = true;
                false
            }
        }
    }

    /// Whether a signed cookie is written in session-core's frame (`notBefore` or `compress`).
    fn framed(&self) -> bool {
        self.options.not_before || self.options.compress.is_some()
    }

    /// cookie-session's `isChanged`: new, or different from what the cookie held — the body text in
    /// signed mode (`raw` against base64 of `json`), the session JSON in encrypted mode and with
    /// `notBefore` or `compress` (`original`).
    pub fn is_changed(&self, is_new: bool, raw: Option<&str>, original: Option<&str>, json: &str) -> bool {
        is_new
            || if self.options.encrypt || self.framed() {
                original != Some(json)
            } else {
                raw != Some(base64_encode(json.as_bytes()).as_str())
            }
    }

    /// The response's decision: which cookies to set (exact bytes), or why none.
    pub fn commit(&self, input: &CommitInput) -> Result<Committed, Error> {
        let o = &self.options;
        let name = &o.name;
        let mut out = Committed::default();
        if !input.accessed {
            return Ok(out);
        }
        let attrs = &input.options.attrs;
        let signed = !o.encrypt && input.options.signed.unwrap_or(o.signed);
        let sig_name = format!("{name}.sig");
        let mut cookies: Vec<(String, String)> = Vec::new(); // (name, value) to write with `attrs`

        if input.unset || input.session.is_none() {
            cookies.push((name.clone(), String::new()));
        } else if let Some(session) = input.session {
            let json = session;
            let populated = json.trim() != "{}";
            let mut changed = input.is_new;
            let mut created = input.created_at;
            let mut seen = input.last_seen;
            // notBefore: a session is issued when first written, and keeps that time
            let issued = o.not_before.then(|| if input.is_new { input.now } else { input.issued_at.unwrap_or(0) });
            let framed = signed && self.framed();
            let value = if o.encrypt {
                changed |= self.is_changed(false, None, input.original, json);
                if o.timeouts.enabled() {
                    if created.is_none() {
                        created = Some(input.now);
                        changed = true;
                    }
                    if o.timeouts.seen_due(seen.or(created), input.now) {
                        seen = Some(input.now);
                        changed = true;
                    }
                }
                None
            } else if framed {
                changed |= self.is_changed(false, None, input.original, json);
                None
            } else {
                let encoded = base64_encode(json.as_bytes());
                changed |= input.raw.as_deref() != Some(encoded.as_str());
                Some(encoded)
            };
            // an older key's cookie, or a signed one being migrated: written again even if unchanged
            let resign = input.migrated || input.key_index.is_some_and(|i| i > 0);
            if ((!input.is_new || populated) && changed) || (resign && !input.is_new) {
                let value = match value {
                    Some(v) => v,
                    None if !o.encrypt => {
                        let (frame, deflated) = write_frame("", issued, json, o.compress.as_ref())?;
                        if !o.not_before && !deflated {
                            base64_encode(json.as_bytes()) // cookie-session's own value: it still reads it
                        } else {
                            format!("{SIGNED_PREFIX}{}", URL_SAFE_NO_PAD.encode(frame))
                        }
                    }
                    None => {
                        let expires = match attrs.max_age.filter(|m| m.is_finite() && *m != 0.0) {
                            Some(m) => crate::date::js_time(input.now as f64 + m),
                            None => attrs.expires.and_then(crate::date::js_time),
                        };
                        let head =
                            format!("\"c\":{},\"s\":{},\"e\":{},", opt_num(created), opt_num(seen), opt_num(expires));
                        let (payload, _) = write_frame(&head, issued, json, o.compress.as_ref())?;
                        let key = self.seal_keys.first().ok_or_else(rules::keys_required)?;
                        seal(key, name, &payload)?
                    }
                };
                cookies.push((name.clone(), value));
            }
        }

        if cookies.is_empty() {
            // (encrypted mode leaves a stale signature cookie alone until the session cookie is
            // written: the signed cookie beside it stays readable for a later migration)
            if input.clear_sig && !o.encrypt {
                let clear = CookieAttrs { path: Some("/".into()), ..Default::default() };
                out.set_cookies
                    .push((sig_name.clone(), set_cookie_header(&sig_name, "", &clear, input.secure, input.now)?));
            }
            return Ok(out);
        }
        if attrs.secure == Some(true) && !input.secure {
            out.skipped = Some("insecure");
            return Ok(out);
        }
        if signed {
            let kg = self.keygrip.as_ref().ok_or_else(rules::keys_required)?;
            let (n, v) = &cookies[0];
            let sig = kg.sign(&format!("{n}={v}"));
            cookies.push((sig_name, sig));
        } else if o.encrypt && input.clear_sig {
            // the signed cookie's `.sig`, useless beside a sealed value: expired with it
            cookies.push((sig_name, String::new()));
        }
        if let Some(chunk) = &o.chunk {
            // after signing: the signature covers the whole value, whatever the split
            let (n0, v0) = cookies.remove(0);
            let mut front = Vec::new();
            let mut used = 0; // chunk cookies written
            let mut stale = Vec::new();
            // what the other cookies (the signature) take of the session's Cookie header budget
            let others = chunks::header_bytes(cookies.iter().map(|(n, v)| (n.as_str(), v.as_str())));
            let room = chunk.max_bytes.saturating_sub(others);
            if !v0.is_empty() && n0.len() + v0.len() > COOKIE_BUDGET {
                let parts = match chunks::split(&n0, &v0, room) {
                    Ok(p) => p,
                    Err(bytes) => {
                        out.too_large = Some((n0.clone(), bytes + others, chunk.max_bytes));
                        return Ok(out);
                    }
                };
                used = parts.len();
                front = parts;
                if input.present & 1 != 0 {
                    stale.push((n0, String::new()));
                }
            } else {
                let bytes = chunks::header_bytes([(n0.as_str(), v0.as_str())]);
                if bytes > room {
                    out.too_large = Some((n0.clone(), bytes + others, chunk.max_bytes));
                    return Ok(out);
                }
                front.push((n0, v0));
            }
            for k in used..MAX_CHUNKS {
                if input.present & (1 << (k + 1)) != 0 {
                    stale.push((chunks::chunk_name(name, k), String::new()));
                }
            }
            front.append(&mut cookies);
            front.append(&mut stale);
            cookies = front;
        }
        for (n, v) in &cookies {
            if !v.is_empty() && n.len() + v.len() > COOKIE_BUDGET {
                out.too_large = Some((n.clone(), n.len() + v.len(), COOKIE_BUDGET));
                return Ok(out);
            }
        }
        // `cookies` writes the signature with the value cookie's attributes as they ended up: an empty
        // value (a removal) expires at the epoch, and so does its signature. A stale signature
        // cookie (encrypted mode) is expired with the same path and domain, so that it matches.
        let removal = cookies[0].1.is_empty();
        let removal_attrs = CookieAttrs { max_age: None, expires: Some(0.0), ..attrs.clone() };
        for (n, v) in cookies {
            let a = if removal || v.is_empty() { &removal_attrs } else { attrs };
            let header = set_cookie_header(&n, &v, a, input.secure, input.now)?;
            out.set_cookies.push((n, header));
        }
        out.wrote = true;
        Ok(out)
    }
}

/// A signed (or plain) cookie's value: base64 of the session's JSON text, or, when its signature
/// verified (`authenticated`), session-core's frame (`sv1.`).
fn read_body(value: &str, authenticated: bool, out: &mut Loaded) {
    if let Some(b64) = value.strip_prefix(SIGNED_PREFIX).filter(|_| authenticated) {
        let frame = URL_SAFE_NO_PAD.decode(b64).map_err(|_| "not json").and_then(|b| read_frame(&b));
        match frame {
            Ok(f) => {
                out.body = Some(f.body);
                out.issued_at = f.issued_at;
                out.raw = Some(value.to_owned());
            }
            Err(why) => {
                out.reason = Some(why);
                out.key_index = None;
            }
        }
        return;
    }
    let text = String::from_utf8_lossy(&node_base64_decode(value)).into_owned();
    if serde_json::from_str::<&RawValue>(&text).is_err() {
        out.reason = Some("not json");
        out.key_index = None;
        return;
    }
    out.body = Some(text);
    out.raw = Some(value.to_owned());
}

fn opt_num(v: Option<i64>) -> String {
    v.map_or_else(|| "null".to_owned(), |n| n.to_string())
}
