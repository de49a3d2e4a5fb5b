//! The request flow of a server-side session (express-session's kind: the record in a store, the
//! signed id in the cookie), as steps without I/O. See the module documentation of [`super`].

use super::headers::{no_cache_set_cookie, vary_with};
use super::path::{path_matches, request_path};
use crate::cookie::get_cookie;
use crate::error::Error;
use crate::session::{
    carrier, grace, grace_key, hashable_id, header_id, read_only_record, respond as transport, signed_out, store_key,
    successor, tombstone_to, Carrier, Ended, Facts, Grace, Ops, Output, Phase, Record, Session, NO_STORE,
    REGENERATED_FIELD,
};
use std::borrow::Cow;

/// The most of a `User-Agent` the per-user index keeps.
pub const USER_AGENT_LIMIT: usize = 256;

/// One middleware's flow: its options and keyed secrets ([`Session`]), made once.
#[derive(Debug, Clone)]
pub struct ServerFlow {
    session: Session,
}

/// What the door reads off the request before anything else.
#[derive(Debug, Clone, Copy, Default)]
pub struct Incoming<'a> {
    /// The `Cookie` header (lines joined with `; `), if any.
    pub cookie_header: Option<&'a str>,
    /// The id header's value, when the `header` option names a header for this request and the
    /// request sent it once (`None`: the option is off, or the header was not sent).
    pub id_header: Option<&'a str>,
    /// cookie-parser's `req.signedCookies[name]` (Express only): the session cookie's value,
    /// verified by cookie-parser's own secret.
    pub parsed_signed: Option<&'a str>,
    /// cookie-parser's `req.cookies[name]` (Express only).
    pub parsed_raw: Option<&'a str>,
    /// The request's target as sent (`/path?query`, or a Web `Request.url`): its path is read
    /// by [`super::request_path`] (the query cut, not percent-decoded).
    pub path: &'a str,
    /// The session cookie's `Path` for this request (`/` when not set).
    pub cookie_path: &'a str,
}

/// The first step's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Begin {
    /// The request is not on the cookie's path (RFC 6265 §5.1.4): no session here. (Express: no
    /// `req.session`; elsewhere a session that is never loaded or saved.)
    Skip,
    /// Read the store at [`Lookup::key`], then hand the answer to [`ServerFlow::loaded`].
    Load(Lookup),
    /// No id to look up (none sent, or none that verifies): a new session. The door asks `genid`
    /// for an id and hands it to [`ServerFlow::generated`].
    New {
        /// The request sent no session cookie and did send the id header (the `header` option).
        by_header: bool,
        /// A session cookie was sent and did not verify (a debug line, a `reject` event:
        /// `bad-signature`).
        rejected: bool,
    },
}

/// Where a request's session is looked up: plain data the door keeps between the steps and hands
/// back (nothing of a request stays in the flow).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lookup {
    /// The session id the request carried (verified).
    pub id: String,
    /// Which secret verified it (0: the newest; more: the cookie is re-signed).
    pub secret_index: u32,
    /// It came in the id header.
    pub by_header: bool,
    /// What is read now.
    pub stage: Stage,
    /// The store key to read now.
    pub key: String,
    /// At [`Stage::Successor`]: the tombstone found (its data is what a read-only request sees).
    pub tombstone: Option<String>,
    /// The cookie's value (`s:` + signed id) when the newest secret verified it: what signing the
    /// id gives, so the response re-sends it without another HMAC (hand it back in
    /// [`Facts::signed`]).
    pub signed: Option<String>,
}

/// What a [`Lookup`] reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Stage {
    /// The session's record, under its key.
    Record,
    /// With `hashIds`: a record from before the option, under the plain id.
    Legacy,
    /// With `regenerateGrace`: the tombstone a regenerate left for the id.
    Tombstone,
    /// The session the tombstone leads to: while it lives, the window holds.
    Successor,
}

impl Stage {
    /// The stage's number on the wasm crossing and in vectors (0 record, 1 legacy, 2 tombstone, 3 successor).
    pub fn code(self) -> u32 {
        match self {
            Stage::Record => 0,
            Stage::Legacy => 1,
            Stage::Tombstone => 2,
            Stage::Successor => 3,
        }
    }

    /// The stage of a number (see [`Stage::code`]).
    pub fn from_code(n: u32) -> Option<Stage> {
        Some(match n {
            0 => Stage::Record,
            1 => Stage::Legacy,
            2 => Stage::Tombstone,
            3 => Stage::Successor,
            _ => return None,
        })
    }
}

/// The answer to a store read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Loaded {
    /// Read the store again, at the [`Lookup`]'s new key.
    Load,
    /// The session, as the store answered it. With `moved`: a record found under the plain id
    /// (from before `hashIds`): first written under `moved.0` (create), then `moved.1` destroyed.
    /// Then, when the session has a user and the store keeps the per-user index, the door asks
    /// the store for the user's state and hands it to [`ServerFlow::signed_out`].
    Ready {
        /// `(write under, destroy)`.
        moved: Option<(String, String)>,
    },
    /// A regenerated id inside its grace window, a safe method: this record (the data as it was
    /// before the regenerate), read-only: no cookie, no store write.
    ReadOnly { record: String },
    /// The record is over: destroy `destroy`, then a new session (`reject` event: `why`).
    Over { destroy: String, why: Ended },
    /// Nothing found: a new session (`reject` event: `not-found`).
    Missing,
    /// A regenerated id inside its grace window, an unsafe method: refused, 409
    /// `ESESSIONREGENERATED`.
    Refused,
    /// What the store holds is not a session record: the request fails, 500
    /// `ERR_SESSION_CORE_BAD_RECORD`.
    Bad(Error),
}

/// A store write, with its key (every key is the session's own: its record, its plain-id record
/// when moving, its tombstone).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Write {
    /// Write `record` under `key`. `existing`: a session loaded under this key, written only
    /// while its record is still there (a write racing a logout never brings it back); else a new
    /// one, created.
    Save {
        key: String,
        record: String,
        deadline: Option<i64>,
        existing: bool,
    },
    /// A store that merges: apply `delta` (what this request changed) to the record as the store
    /// holds it now. `record` is the result when the store still holds the record the delta was
    /// taken against (the one as last saved, or as loaded).
    Merge {
        key: String,
        delta: String,
        record: String,
        deadline: Option<i64>,
    },
    /// Refresh the record's expiry (`record` with its new `cookie.expires`).
    Touch {
        key: String,
        record: String,
        deadline: Option<i64>,
    },
    Destroy {
        key: String,
    },
    /// A regenerate's tombstone, created under its own key for the grace window.
    Tombstone {
        key: String,
        record: String,
        deadline: i64,
    },
}

impl Write {
    /// The key written.
    pub fn key(&self) -> &str {
        match self {
            Write::Save { key, .. }
            | Write::Merge { key, .. }
            | Write::Touch { key, .. }
            | Write::Destroy { key }
            | Write::Tombstone { key, .. } => key,
        }
    }

    /// The write's name in vectors and events: `save`, `merge`, `touch`, `destroy`, `tombstone`.
    pub fn kind(&self) -> &'static str {
        match self {
            Write::Save { .. } => "save",
            Write::Merge { .. } => "merge",
            Write::Touch { .. } => "touch",
            Write::Destroy { .. } => "destroy",
            Write::Tombstone { .. } => "tombstone",
        }
    }
}

/// What the response's step reads.
#[derive(Debug, Clone, Copy)]
pub struct Respond<'a> {
    /// The decision's facts (the cookie's id, the records, `req.session` now, …).
    pub facts: Facts<'a>,
    /// The session was loaded from the store (not generated).
    pub from_store: bool,
    /// The request's id came in the id header; `id_header_name` the header's name.
    pub by_header: bool,
    pub id_header_name: Option<&'a str>,
    /// A regenerated id served read-only (grace window).
    pub read_only: bool,
    /// A store call of the request failed and the app has that error.
    pub store_failed: bool,
    /// The store merges (a loaded session is written as a delta).
    pub merges: bool,
    /// The door makes the delta's text only when its store asks (a [`Write::Merge`] then comes with
    /// an empty `delta`; [`crate::session::delta`] of the base, the record and the ops gives it).
    pub lazy_delta: bool,
    /// The response's `Vary` and `Cache-Control` as the app left them.
    pub vary: Option<&'a str>,
    pub cache_control: Option<&'a str>,
}

/// What the door does as the response goes out, in this order: the headers, then the store
/// write, then (after a save or touch of a session that has a user) the per-user index.
#[derive(Debug, Default, PartialEq)]
pub struct Effects {
    /// The decision: the cookie's new times (`expires`, `createdAt`, `lastSeen`) for the
    /// session's `cookie` object, and `cookie_skipped` (a `Secure` cookie on an insecure request).
    pub out: Output,
    /// `Set-Cookie` to append (a cookie request).
    pub set_cookie: Option<String>,
    /// The id header's value (a header request).
    pub id_header: Option<String>,
    /// `Vary` and `Cache-Control` to set, when they change.
    pub vary: Option<String>,
    pub cache_control: Option<String>,
    pub write: Option<Write>,
    /// After the write: the session is (re)indexed under its user, if it has one.
    pub index: bool,
}

/// What `req.session.save()` reads.
#[derive(Debug, Clone, Copy)]
pub struct Save<'a> {
    pub id: &'a str,
    /// `req.session` now (JSON text).
    pub session: &'a str,
    /// The record as last saved, or as loaded (for a delta).
    pub base: Option<&'a str>,
    pub ops: Ops<'a>,
    /// Loaded from the store under this id.
    pub existing: bool,
    pub merges: bool,
    pub read_only: bool,
}

/// What `req.session.regenerate()` reads.
#[derive(Debug, Clone, Copy)]
pub struct Regenerate<'a> {
    /// The session's id now.
    pub id: &'a str,
    /// The record as the store has it (as last saved, or as loaded), when the session was loaded
    /// from the store under this id: with `regenerateGrace`, its tombstone is kept.
    pub stored: Option<&'a str>,
    pub read_only: bool,
    pub now: i64,
}

fn bad_record() -> Error {
    // express-session fails here with a bare TypeError, and its own suite expects its words
    Error::BadRecord(
        "Cannot read properties of the stored session (reading 'cookie'): the store's answer for this id is not a session record (no cookie object)"
            .into(),
    )
}

/// Express's rule for a stored session: a JSON object with a `cookie` object.
pub fn is_record(text: &str) -> bool {
    Record::parse(text).is_ok_and(|r| has_cookie(&r, text))
}

/// Does the parsed record `r` (of `text`) have a `cookie` object? An empty one (`"cookie":{}`) is
/// one; none, or `null`, is not.
fn has_cookie(r: &Record, text: &str) -> bool {
    !r.cookie.is_empty()
        || (text.contains("\"cookie\"")
            && crate::session::members(text).is_ok_and(|m| {
                m.iter().rev().find(|(k, _)| *k == "\"cookie\"").is_some_and(|(_, v)| v.starts_with('{'))
            }))
}

impl ServerFlow {
    /// The flow of a middleware with these options and secrets.
    pub fn new(session: Session) -> ServerFlow {
        ServerFlow { session }
    }

    /// The options and keyed secrets.
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// The store key of a session id: the id, or with `hashIds` base64url(SHA-256(id)).
    pub fn key_of<'a>(&self, id: &'a str) -> Cow<'a, str> {
        if self.session.options.hash_ids {
            Cow::Owned(store_key(id))
        } else {
            Cow::Borrowed(id)
        }
    }

    fn grace_ms(&self) -> f64 {
        self.session.options.regenerate_grace
    }

    /// The request starts: is it on the cookie's path, which id does it carry (cookie or id
    /// header, verified, by which secret), and which key holds its record?
    pub fn begin(&self, req: &Incoming) -> Begin {
        if !path_matches(request_path(req.path), req.cookie_path) {
            return Begin::Skip;
        }
        let name = &self.session.options.name;
        let by_header = req.id_header.is_some() && carrier(req.cookie_header, name, req.id_header) == Carrier::Header;
        let value = if by_header {
            req.id_header.and_then(header_id).map(Cow::Owned)
        } else {
            req.cookie_header.and_then(|h| get_cookie(h, name)).map(Cow::Owned)
        };
        let verified: Option<(_, Option<Cow<str>>)> = match value.as_deref().and_then(|v| self.session.unsign_value(v))
        {
            Some(c) => Some((c, value)),
            // verified by cookie-parser, not by the session's secrets (cookie-parser exposes only
            // its first secret as req.secret): an older secret, so it is re-signed
            None if !by_header => req
                .parsed_signed
                .filter(|v| !v.is_empty())
                .map(|v| (crate::session::CookieId { id: v.to_owned(), secret_index: 1 }, None))
                .or_else(|| {
                    let raw = req.parsed_raw?;
                    Some((self.session.unsign_value(raw)?, Some(Cow::Borrowed(raw))))
                }),
            None => None,
        };
        match verified {
            Some((c, value)) => Begin::Load(Lookup {
                key: self.key_of(&c.id).into_owned(),
                signed: value.filter(|_| c.secret_index == 0).map(Cow::into_owned),
                id: c.id,
                secret_index: c.secret_index.min(u32::MAX as usize) as u32,
                by_header,
                stage: Stage::Record,
                tombstone: None,
            }),
            None => Begin::New {
                by_header,
                rejected: !by_header && req.cookie_header.is_some_and(|h| crate::session::sends_cookie(h, name)),
            },
        }
    }

    /// The store answered a read of `lookup.key` (`found`: the stored value as JSON text; `None`:
    /// nothing). `method` is the request's, `now` the time.
    pub fn loaded(&self, lookup: &mut Lookup, found: Option<&str>, method: &str, now: i64) -> Loaded {
        let o = &self.session.options;
        match lookup.stage {
            Stage::Record | Stage::Legacy => {
                if let Some(text) = found {
                    // one reading of the record: is it one, is it a tombstone (never a live
                    // session, whatever its key), is it over
                    let Ok(r) = Record::parse(text) else { return Loaded::Bad(bad_record()) };
                    let tombstone = text.contains("\"regenerated\"") && r.get(REGENERATED_FIELD).is_some();
                    if !tombstone {
                        if !has_cookie(&r, text) {
                            return Loaded::Bad(bad_record());
                        }
                        if o.timeouts.enabled() {
                            if let Some(why) = crate::session::ended(&r.times(), now, &o.timeouts) {
                                return Loaded::Over { destroy: lookup.key.clone(), why };
                            }
                        }
                        let moved = (lookup.stage == Stage::Legacy)
                            .then(|| (self.key_of(&lookup.id).into_owned(), lookup.key.clone()));
                        return Loaded::Ready { moved };
                    }
                }
                if lookup.stage == Stage::Record && o.hash_ids {
                    if let Some(legacy) = crate::session::store_keys(&lookup.id, true).legacy {
                        lookup.stage = Stage::Legacy;
                        lookup.key = legacy;
                        return Loaded::Load;
                    }
                }
                if self.grace_ms() > 0.0 {
                    lookup.stage = Stage::Tombstone;
                    lookup.key = grace_key(&self.key_of(&lookup.id));
                    return Loaded::Load;
                }
                Loaded::Missing
            }
            Stage::Tombstone => {
                let Some(t) = found else { return Loaded::Missing };
                if grace(t, method, now, self.grace_ms()) == Grace::Over {
                    return Loaded::Missing;
                }
                match successor(t) {
                    // the session the regenerate made: when it is over, so is this window
                    Some(next) => {
                        lookup.stage = Stage::Successor;
                        lookup.key = next;
                        lookup.tombstone = Some(t.to_owned());
                        Loaded::Load
                    }
                    // (a tombstone from before successors were kept: its time only)
                    None => self.graced(t, method, now),
                }
            }
            Stage::Successor => {
                let live = found.is_some_and(|r| is_record(r) && self.session.ended(r, now).is_none());
                match lookup.tombstone.take() {
                    Some(t) if live => self.graced(&t, method, now),
                    _ => Loaded::Missing,
                }
            }
        }
    }

    /// A tombstone inside its window, its successor live: read-only, or refused.
    fn graced(&self, tombstone: &str, method: &str, now: i64) -> Loaded {
        match grace(tombstone, method, now, self.grace_ms()) {
            Grace::ReadOnly => match read_only_record(tombstone) {
                Ok(record) => Loaded::ReadOnly { record },
                Err(_) => Loaded::Missing,
            },
            Grace::Conflict => Loaded::Refused,
            _ => Loaded::Missing,
        }
    }

    /// A session of a user (`id`) was loaded, and the store keeps the per-user index: the user's state
    /// (`since`, `before`, `kept`: see [`crate::session::signed_out`]). `Some`: the session was
    /// signed out everywhere: destroy it, then a new session.
    pub fn signed_out(&self, id: &str, since: Option<i64>, before: Option<i64>, kept: bool) -> Option<Loaded> {
        signed_out(since, before, kept)
            .then(|| Loaded::Over { destroy: self.key_of(id).into_owned(), why: Ended::SignedOut })
    }

    /// A new session's id (what `genid` gave): refused when `hashIds` is on and it is too short to
    /// hash without a key (`ERR_SESSION_CORE_SHORT_ID`), or when no cookie can carry it
    /// (`ERR_SESSION_CORE_INVALID_GENID`).
    pub fn generated(&self, id: &str) -> Result<(), Error> {
        if self.session.options.hash_ids && !hashable_id(id) {
            return Err(Error::ShortId);
        }
        self.session.check_id(id)
    }

    /// The response goes out (or its headers: `facts.phase`): the cookie or id header, the cache
    /// headers, the store write, the per-user index.
    pub fn respond(&self, r: &Respond) -> Result<Effects, Error> {
        let o = &self.session.options;
        let headers = r.facts.phase != Phase::End;
        let mut fx = Effects::default();
        if r.read_only || r.store_failed {
            // no cookie, no store write: only what tells caches the answer depends on the cookie
            if headers && o.cache_headers {
                fx.vary = self.vary(r);
            }
            return Ok(fx);
        }
        let live = r.facts.session.is_some();
        let same = r.facts.same_original_id;
        let merge = r.merges && r.from_store && same && live;
        let facts = Facts { want_delta: merge && !r.lazy_delta, ..r.facts };
        let mut out = self.session.decide_facts(&facts)?;
        // the transport: back the way the id came
        if headers {
            let carrier = if r.by_header { Carrier::Header } else { Carrier::Cookie };
            let t = transport(carrier, out.set_cookie.as_deref(), &o.name, o.cache_headers);
            if t.set_cookie {
                fx.set_cookie = out.set_cookie.clone();
            }
            fx.id_header = t.id_header;
            if t.no_store {
                fx.cache_control = Some(NO_STORE.to_owned());
            }
            if o.cache_headers || t.vary {
                fx.vary = self.vary(r);
            }
            if o.cache_headers && !r.by_header && fx.set_cookie.is_some() {
                fx.cache_control = no_cache_set_cookie(r.cache_control);
            }
        }
        let id = r.facts.session_id.unwrap_or_default();
        let key = || self.key_of(id).into_owned();
        if out.destroy {
            fx.write = Some(Write::Destroy { key: key() });
        } else if out.save {
            let record = out.record.take().unwrap_or_else(|| r.facts.session.unwrap_or("{}").to_owned());
            let base = r.facts.saved.or(r.facts.original);
            fx.write = Some(match out.delta.take() {
                Some(delta) => Write::Merge { key: key(), delta, record, deadline: out.deadline },
                // the delta's text, when the door asks for it (lazy_delta)
                None if merge && base.is_some() => {
                    Write::Merge { key: key(), delta: String::new(), record, deadline: out.deadline }
                }
                None => Write::Save { key: key(), record, deadline: out.deadline, existing: r.from_store && same },
            });
            fx.index = true;
        } else if out.touch {
            let record = out.record.take().unwrap_or_else(|| r.facts.session.unwrap_or("{}").to_owned());
            fx.write = Some(Write::Touch { key: key(), record, deadline: out.deadline });
            fx.index = true;
        }
        fx.out = out;
        Ok(fx)
    }

    fn vary(&self, r: &Respond) -> Option<String> {
        match (r.by_header, r.id_header_name) {
            (true, Some(name)) => vary_with(r.vary, name),
            _ => vary_with(r.vary, "Cookie"),
        }
    }

    /// `req.session.save()`: the write now. Its deadline is the earliest of the cookie's expiry and
    /// the idle and absolute ends (as [`ServerFlow::respond`] gives it).
    pub fn save(&self, s: &Save) -> Result<Write, Error> {
        if s.read_only {
            return Err(Error::Regenerated);
        }
        let key = self.key_of(s.id).into_owned();
        let deadline = Record::parse(s.session)
            .ok()
            .and_then(|r| crate::session::deadline(&r.times(), &self.session.options.timeouts));
        match (s.merges && s.existing, s.base) {
            (true, Some(base)) => Ok(Write::Merge {
                key,
                delta: crate::session::delta(base, s.session, &s.ops)?,
                record: s.session.to_owned(),
                deadline,
            }),
            _ => Ok(Write::Save { key, record: s.session.to_owned(), deadline, existing: s.existing }),
        }
    }

    /// `req.session.regenerate()`, once `genid` gave `new_id`: with `regenerateGrace` and a session
    /// loaded from the store, its tombstone (leading to the new session) first; then the old
    /// record destroyed. A read-only session (grace window) is refused.
    pub fn regenerate(&self, r: &Regenerate, new_id: &str) -> Result<(Option<Write>, Write), Error> {
        if r.read_only {
            return Err(Error::Regenerated);
        }
        self.generated(new_id)?;
        let key = self.key_of(r.id).into_owned();
        let grace_ms = self.grace_ms();
        let tomb = match r.stored {
            Some(stored) if grace_ms > 0.0 => {
                // a stored text that is no record: regenerated without grace
                tombstone_to(stored, r.now, grace_ms, Some(&self.key_of(new_id))).ok().map(|record| Write::Tombstone {
                    key: grace_key(&key),
                    record,
                    deadline: r.now.saturating_add(grace_ms as i64),
                })
            }
            _ => None,
        };
        Ok((tomb, Write::Destroy { key }))
    }

    /// `req.session.destroy()`: its record goes (no tombstone: a logout has no grace).
    pub fn destroy(&self, id: &str) -> Write {
        Write::Destroy { key: self.key_of(id).into_owned() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::SessionOptions;

    const SECRET: &str = "a flow test secret";
    const ID: &str = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

    fn flow(f: impl FnOnce(&mut SessionOptions)) -> ServerFlow {
        let mut o = SessionOptions::default();
        f(&mut o);
        ServerFlow::new(Session::new(o, &[SECRET]).expect("options"))
    }

    fn cookie(f: &ServerFlow, id: &str) -> String {
        format!("connect.sid={}", crate::cookie::encode_uri_component(&f.session().cookie_value(id)))
    }

    /// The lookup `begin` gives a request to `/` that carries `id`'s cookie.
    fn lookup(f: &ServerFlow, id: &str) -> Lookup {
        let c = cookie(f, id);
        match f.begin(&Incoming { cookie_header: Some(&c), path: "/", cookie_path: "/", ..Incoming::default() }) {
            Begin::Load(l) => l,
            b => panic!("{b:?}"),
        }
    }

    fn at(path: &str, header: &str) -> Incoming<'static> {
        Incoming {
            cookie_header: Some(Box::leak(header.to_owned().into_boxed_str())),
            path: Box::leak(path.to_owned().into_boxed_str()),
            cookie_path: "/foo",
            ..Incoming::default()
        }
    }

    #[test]
    fn begin_skips_requests_off_the_cookie_path() {
        let f = flow(|_| {});
        let c = cookie(&f, ID);
        for p in ["/foo", "/foo/", "/foo/bar"] {
            assert!(matches!(f.begin(&at(p, &c)), Begin::Load(_)), "{p}");
        }
        for p in ["/foobar", "/foo.bar", "/foo%2Fbar", "/bar"] {
            assert_eq!(f.begin(&at(p, &c)), Begin::Skip, "{p}");
        }
    }

    #[test]
    fn a_bad_record_is_an_error_and_a_tombstone_is_no_session() {
        let f = flow(|_| {});
        let mut l = lookup(&f, ID);
        for bad in ["not json", "[1,2]", "{\"a\":1}", "{\"cookie\":null}", "{\"cookie\":5}"] {
            assert!(matches!(f.loaded(&mut l.clone(), Some(bad), "GET", 0), Loaded::Bad(_)), "{bad}");
        }
        assert_eq!(f.loaded(&mut l.clone(), Some("{\"cookie\":{}}"), "GET", 0), Loaded::Ready { moved: None });
        let t = r#"{"cookie":{"regenerated":5},"n":1}"#;
        assert_eq!(f.loaded(&mut l, Some(t), "GET", 0), Loaded::Missing);
    }

    #[test]
    fn hashed_ids_move_a_legacy_record_and_destroy_the_hashed_key_when_over() {
        let f = flow(|o| {
            o.hash_ids = true;
            o.timeouts.idle_timeout = Some(1000.0);
        });
        let mut l = lookup(&f, ID);
        assert_eq!(l.key, store_key(ID));
        assert_eq!(f.loaded(&mut l, None, "GET", 0), Loaded::Load);
        assert_eq!((l.stage, l.key.as_str()), (Stage::Legacy, ID));
        let live = r#"{"cookie":{"createdAt":0,"lastSeen":0},"n":1}"#;
        assert_eq!(
            f.loaded(&mut l.clone(), Some(live), "GET", 500),
            Loaded::Ready { moved: Some((store_key(ID), ID.to_owned())) }
        );
        // idle past the timeout, found under its hashed key: that key is destroyed
        let mut h = lookup(&f, ID);
        assert_eq!(
            f.loaded(&mut h, Some(live), "GET", 5000),
            Loaded::Over { destroy: store_key(ID), why: Ended::Idle }
        );
    }
}
