//! The per-request decision of the Express middleware, one pure function: given what the request
//! carried, the session as loaded and as it is now, and the options, say whether to set the cookie
//! (and its exact `Set-Cookie` bytes), save, touch or destroy the stored record, and what the record
//! to store is. It follows express-session 1.19's `shouldSetCookie`/`shouldSave`/`shouldTouch`/
//! `shouldDestroy` for `resave`, `saveUninitialized`, `rolling` and `unset`, with session-core's
//! fixes on top (re-signing a cookie verified by an older secret, expiring the cookie of a destroyed
//! session, keeping the idle/absolute timestamps).
//!
//! Input and output are the vector format of tests/vectors/decide.json; the wasm binding takes and
//! gives the same JSON, so the Node runner drives this very function.

use super::delta::{delta, Ops};
use super::expiry::{deadline, ended, touched_expires, Ended, Timeouts};
use super::record::{data_tail, Record};
use crate::cookie::get_cookie;
use crate::error::Error;
use crate::rules;
use crate::signing::Signer;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

/// The middleware's options that decide anything, validated once.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SessionOptions {
    /// The cookie's name (`connect.sid`).
    pub name: String,
    /// Save a session back to the store even when unmodified (express-session's default: true).
    pub resave: bool,
    /// Save (and send) a new session even when nothing was put in it (default: true).
    pub save_uninitialized: bool,
    /// Send the cookie on every response, resetting its expiry.
    pub rolling: bool,
    /// `"keep"` (default) or `"destroy"`: what `req.session = null` does to the stored record.
    pub unset: String,
    #[serde(flatten)]
    pub timeouts: Timeouts,
    /// Stores see base64url(SHA-256(id)), never an id (`hashIds`, see [`super::store_key`]).
    pub hash_ids: bool,
    /// The grace window after a regenerate, ms (`regenerateGrace`; 0: none; see [`super::grace`]).
    pub regenerate_grace: f64,
    /// `Vary: Cookie` on every response, `no-cache="Set-Cookie"` with a cookie (`cacheHeaders`,
    /// default true; see [`crate::flow::vary_with`]).
    pub cache_headers: bool,
}

impl Default for SessionOptions {
    fn default() -> Self {
        SessionOptions {
            name: "connect.sid".into(),
            resave: true,
            save_uninitialized: true,
            rolling: false,
            unset: "keep".into(),
            timeouts: Timeouts::default(),
            hash_ids: false,
            regenerate_grace: 0.0,
            cache_headers: true,
        }
    }
}

impl SessionOptions {
    /// Checks every option, naming the one at fault (the rules and their words are the options
    /// checker's: see [`crate::options`]).
    ///
    /// ```
    /// use session_core::session::SessionOptions;
    /// let o = SessionOptions { unset: "forget".into(), ..Default::default() };
    /// assert_eq!(o.validate().unwrap_err().to_string(), "option unset is invalid: must be one of \"destroy\", \"keep\"");
    /// ```
    pub fn validate(&self) -> Result<(), Error> {
        rules::cookie_name("name", &self.name)?;
        rules::one_of("unset", &self.unset, rules::UNSET, false)?;
        self.timeouts.validate()
    }
}

/// Which part of the response is going out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Phase {
    /// The headers (set the cookie or not).
    Headers,
    /// The end of the body (save, touch or destroy).
    End,
    /// Both at once: `res.end()` before any header was written, the usual case.
    Both,
}

/// What one response's decision reads. Records are JSON text as `JSON.stringify(session)` gives it.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Input<'a> {
    pub phase: Phase,
    pub now: i64,
    /// Whether the request is secure (TLS, or trusted proxy headers).
    pub secure: bool,
    /// The id the request's cookie carried, when its signature verified.
    pub cookie_id: Option<String>,
    /// Which secret verified it (0 = the newest).
    #[serde(default)]
    pub cookie_secret_index: Option<u32>,
    /// `req.sessionID`, when it is a string.
    pub session_id: Option<String>,
    /// `req.session.id`.
    #[serde(default)]
    pub id: Option<String>,
    /// The id when the session was loaded or generated.
    pub original_id: Option<String>,
    #[serde(borrow, default)]
    pub original: Option<&'a RawValue>,
    /// The record as last saved by `req.session.save()` (or as loaded, when `resave` is off).
    #[serde(borrow, default)]
    pub saved: Option<&'a RawValue>,
    /// `req.session` now; `None` when the app removed it (`req.session = null`, `destroy()`).
    #[serde(borrow, default)]
    pub session: Option<&'a RawValue>,
    /// `req.session.destroy()` was called.
    #[serde(default)]
    pub destroyed: bool,
    /// The session was already touched in this response (headers went out first).
    #[serde(default)]
    pub touched: bool,
    /// The store has a `touch` method.
    #[serde(default)]
    pub store_touch: bool,
    /// Whether the output should carry the record as text (a store that takes it); default true.
    #[serde(default = "yes")]
    pub want_record: bool,
    /// Whether a save should also carry the delta (a store that merges; see [`super::delta`]).
    #[serde(default)]
    pub want_delta: bool,
    /// The request's increments, JSON text of `{"key": number}`.
    #[serde(default)]
    pub inc: Option<String>,
    /// The request's pushes, JSON text of `{"key": [items]}`.
    #[serde(default)]
    pub push: Option<String>,
}

fn yes() -> bool {
    true
}

/// What the decision reads, in the lean form the wasm binding fills from integer flags and text
/// it wrote into wasm memory: the ids reduced to the comparisons the rules make. [`Input`] (the
/// vector format) reduces to it with [`Input::facts`].
#[derive(Debug, Clone, Copy)]
pub struct Facts<'a> {
    pub phase: Phase,
    pub now: i64,
    /// Whether the request is secure (TLS, or trusted proxy headers).
    pub secure: bool,
    /// The request carried a cookie whose signature verified.
    pub cookie_present: bool,
    /// ... and its id is `req.sessionID`.
    pub cookie_matches: bool,
    /// ... and it was verified by an older secret (it is to be re-signed).
    pub cookie_old_secret: bool,
    /// `req.sessionID`, when it is a string.
    pub session_id: Option<&'a str>,
    /// `req.session.id` is the id the session was loaded or generated with.
    pub same_original_id: bool,
    /// The record as loaded (JSON text).
    pub original: Option<&'a str>,
    /// The record as last saved (or as loaded, when `resave` is off).
    pub saved: Option<&'a str>,
    /// `saved` is the loaded record itself (resave off, nothing saved since).
    pub saved_is_original: bool,
    /// `req.session` now (JSON text); `None` when the app removed it.
    pub session: Option<&'a str>,
    pub destroyed: bool,
    pub touched: bool,
    pub store_touch: bool,
    pub want_record: bool,
    /// A save also gives the delta against `saved` (or `original`), with these ops.
    pub want_delta: bool,
    pub ops: Ops<'a>,
    /// The cookie value (`s:` + signed id) for `session_id` under the newest secret, when already
    /// known (the request carried it, verified by that secret): saves signing it again.
    pub signed: Option<&'a str>,
}

impl Input<'_> {
    /// The lean form of this input.
    pub fn facts(&self) -> Facts<'_> {
        let cookie_present = self.cookie_id.is_some();
        Facts {
            phase: self.phase,
            now: self.now,
            secure: self.secure,
            cookie_present,
            cookie_matches: cookie_present && self.cookie_id == self.session_id,
            cookie_old_secret: self.cookie_secret_index.is_some_and(|i| i > 0),
            session_id: self.session_id.as_deref(),
            same_original_id: self.original_id == self.id,
            original: self.original.map(RawValue::get),
            saved: self.saved.map(RawValue::get),
            saved_is_original: matches!((self.original, self.saved), (Some(o), Some(s)) if o.get() == s.get()),
            session: self.session.map(RawValue::get),
            destroyed: self.destroyed,
            touched: self.touched,
            store_touch: self.store_touch,
            want_record: self.want_record,
            want_delta: self.want_delta,
            ops: Ops { inc: self.inc.as_deref(), push: self.push.as_deref() },
            signed: None,
        }
    }
}

/// The decision.
#[derive(Debug, Default, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Output {
    /// The `Set-Cookie` value to append, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub set_cookie: Option<String>,
    /// Why a cookie that should have been set was not (for `debug`): `"insecure"`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cookie_skipped: Option<&'static str>,
    pub save: bool,
    pub touch: bool,
    pub destroy: bool,
    pub touched: bool,
    /// The session's new `cookie.expires` after a touch (ms, or `null`); absent when unchanged.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires: Option<Option<i64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_at: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_seen: Option<i64>,
    /// The record to hand the store (for `save`/`touch`), as JSON text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record: Option<String>,
    /// When the store may forget it (ms since the epoch), when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deadline: Option<i64>,
    /// For a save, when asked: the delta against the record as loaded or last saved (wire text).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delta: Option<String>,
}

/// The most bytes of name and value a browser keeps in one cookie.
const COOKIE_LIMIT: usize = 4096;

/// The id a request's cookie carries, and which secret verified it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CookieId {
    pub id: String,
    pub secret_index: usize,
}

/// Options and keyed secrets of one middleware instance.
#[derive(Debug, Clone)]
pub struct Session {
    pub options: SessionOptions,
    signer: Signer,
}

impl Session {
    /// Validates the options; `None` secrets is refused (the JS layer falls back to `req.secret`).
    pub fn new<S: AsRef<[u8]>>(options: SessionOptions, secrets: &[S]) -> Result<Session, Error> {
        options.validate()?;
        let signer = Signer::new(secrets).ok_or_else(|| rules::no_secret("secret"))?;
        Ok(Session { options, signer })
    }

    /// Reads the session id from a `Cookie` header: the named cookie, `s:` prefix, a signature that
    /// one of the secrets verifies. Anything else (absent, unsigned, tampered, foreign) is `None`.
    ///
    /// ```
    /// use session_core::session::{Session, SessionOptions};
    /// let s = Session::new(SessionOptions::default(), &["keyboard cat"]).unwrap();
    /// let h = "connect.sid=s%3AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.RT5Cal5xFtX9GjJLGoiK%2BGzZ%2BcCRnZ5ZbIS8ml7E5Xo";
    /// assert_eq!(s.cookie_id(h).unwrap().id, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    /// assert!(s.cookie_id("connect.sid=AAAA").is_none());
    /// ```
    pub fn cookie_id(&self, header: &str) -> Option<CookieId> {
        self.unsign_value(&get_cookie(header, &self.options.name)?)
    }

    /// Verifies one cookie value (`s:` + signed id), as read by cookie-parser into `req.cookies`.
    pub fn unsign_value(&self, raw: &str) -> Option<CookieId> {
        let u = self.signer.unsign(raw.strip_prefix("s:")?)?;
        Some(CookieId { id: u.value, secret_index: u.secret_index })
    }

    /// Refuses a new session id (what `genid` gave) whose cookie no browser would keep: its name and
    /// percent-encoded signed value over 4096 bytes (RFC 6265bis's limit, as browsers apply it). The
    /// session would be stored and its Set-Cookie dropped, silently.
    ///
    /// ```
    /// use session_core::session::{Session, SessionOptions};
    /// let s = Session::new(SessionOptions::default(), &["keyboard cat"]).unwrap();
    /// assert!(s.check_id("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA").is_ok());
    /// let e = s.check_id(&"a".repeat(65536)).unwrap_err();
    /// assert_eq!(e.code(), "ERR_SESSION_CORE_INVALID_GENID");
    /// ```
    pub fn check_id(&self, id: &str) -> Result<(), Error> {
        // the name and "=", then "s%3A" + id + "." + 43 signature characters
        let bytes = self.options.name.len() + 1 + 4 + crate::cookie::encoded_len(id) + 1 + 43;
        if bytes > COOKIE_LIMIT {
            return Err(Error::option(
                "genid",
                "gave an id whose cookie would be over 4096 bytes: browsers drop such a cookie (keep ids to a few hundred characters)",
            ));
        }
        Ok(())
    }

    /// The cookie value for an id: `s:` + signed with the newest secret (before percent-encoding).
    pub fn cookie_value(&self, id: &str) -> String {
        format!("s:{}", self.signer.sign(id))
    }

    /// Is a loaded record over (expired, idle, too old)? Unreadable records count as expired.
    pub fn ended(&self, record: &str, now: i64) -> Option<Ended> {
        match Record::parse(record) {
            Ok(r) => ended(&r.times(), now, &self.options.timeouts),
            Err(_) => Some(Ended::Expired),
        }
    }

    /// The decision for one response, from its vector form. See the module documentation.
    pub fn decide(&self, input: &Input) -> Result<Output, Error> {
        self.decide_facts(&input.facts())
    }

    /// The decision for one response. See the module documentation.
    pub fn decide_facts(&self, input: &Facts) -> Result<Output, Error> {
        let o = &self.options;
        let mut out = Output { touched: input.touched, ..Default::default() };
        let headers = input.phase != Phase::End;
        let end = input.phase != Phase::Headers;
        let same_id = input.cookie_matches;

        let Some(session) = input.session else {
            // No session: destroy the record on `unset: "destroy"`; expire the cookie of a destroyed one.
            if end && input.session_id.is_some() && o.unset == "destroy" && !input.destroyed {
                out.destroy = true;
            }
            if headers && (input.destroyed || out.destroy) && input.cookie_present {
                if let Some(original) = input.original {
                    let mut rec = Record::parse(original)?;
                    rec.set_expires(Some(0));
                    if rec.cookie_truthy("secure") && !input.secure {
                        out.cookie_skipped = Some("insecure");
                    } else {
                        out.set_cookie = Some(rec.set_cookie(&o.name, "")?);
                    }
                }
            }
            return Ok(out);
        };
        let Some(session_id) = input.session_id else { return Ok(out) };
        if !input.cookie_matches {
            // an id no cookie carried (genid's): one whose cookie no browser would keep is refused,
            // before any store write
            self.check_id(session_id)?;
        }

        let mut rec = Record::parse(session)?;
        // the record as loaded, unchanged (the same text): its data is the session's, no need to cut it
        let unchanged = input.original == Some(session);
        let original_data = if unchanged { None } else { input.original.map(data_tail).transpose()? };
        let modified = !input.same_original_id || (!unchanged && original_data.as_deref() != Some(rec.data_tail()));
        let saved = input.same_original_id
            && match input.saved {
                // with resave off the saved record is the loaded one: no need to cut it again
                Some(_) if input.saved_is_original => !modified,
                Some(s) => data_tail(s)? == rec.data_tail(),
                None => false,
            };
        let times = rec.times();
        let has_expires = times.expires.is_some();

        // session-core's timestamps, when a timeout is on
        let mut stamps_due = false;
        if o.timeouts.enabled() {
            if times.created_at.is_none() {
                rec.set_stamp("createdAt", input.now);
                out.created_at = Some(input.now);
                stamps_due = true;
            }
            if o.timeouts.seen_due(times.last_seen.or(times.created_at), input.now) {
                rec.set_stamp("lastSeen", input.now);
                out.last_seen = Some(input.now);
                stamps_due = true;
            }
        }

        let touch = |rec: &mut Record, out: &mut Output| {
            if !out.touched {
                let e = touched_expires(times.original_max_age, input.now);
                rec.set_expires(e);
                out.expires = Some(e);
                out.touched = true;
            }
        };

        if headers {
            let resign = same_id && input.cookie_old_secret;
            let should_set = if !same_id {
                o.save_uninitialized || modified
            } else {
                o.rolling || (has_expires && modified) || resign
            };
            if should_set {
                if rec.cookie_truthy("secure") && !input.secure {
                    out.cookie_skipped = Some("insecure");
                } else {
                    touch(&mut rec, &mut out);
                    // the cookie's verified value, when it is this id's (`s:<id>.<signature>`; a
                    // signature has no dot, an id may: `s:<id>.x.<signature>` is another id's)
                    let known = input.signed.filter(|v| {
                        v.strip_prefix("s:")
                            .and_then(|r| r.strip_prefix(session_id))
                            .and_then(|r| r.strip_prefix('.'))
                            .is_some_and(|sig| !sig.contains('.'))
                    });
                    let value = match known {
                        Some(v) => v.to_owned(),
                        None => self.cookie_value(session_id),
                    };
                    out.set_cookie = Some(rec.set_cookie(&o.name, &value)?);
                }
            }
        }

        if end {
            touch(&mut rec, &mut out);
            let should_save = if !o.save_uninitialized && input.saved.is_none() && !same_id {
                modified
            } else {
                !saved || (stamps_due && same_id)
            };
            if should_save {
                out.save = true;
            } else if input.store_touch && same_id {
                out.touch = true;
            }
            if out.save || out.touch {
                let mut t = times;
                if let Some(e) = out.expires {
                    t.expires = e;
                }
                t.created_at = out.created_at.or(t.created_at);
                t.last_seen = out.last_seen.or(t.last_seen);
                out.deadline = deadline(&t, &o.timeouts);
                let base = input.saved.or(input.original);
                if input.want_record || (input.want_delta && out.save && base.is_some()) {
                    out.record = Some(rec.to_json());
                }
                if let (true, true, Some(base), Some(now)) = (input.want_delta, out.save, base, out.record.as_deref()) {
                    out.delta = Some(delta(base, now, &input.ops)?);
                }
            }
        }
        Ok(out)
    }
}
