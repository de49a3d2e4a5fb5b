//! The handler's session: a cheap handle on the request's session state, put in the request's
//! extensions by the layer and taken by handlers as an axum extractor. The data is the record's data
//! part, read as JSON only when first asked for, and written back only when changed: a request that
//! does not touch its session hands the core the record's text as it came.

use super::config::SessionConfig;
use super::store::StoreError;
use crate::flow::{Regenerate, Save, Write};
use crate::session::Record;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};

/// The session of one request. Clones share it.
///
/// ```
/// # async fn handler(session: session_core::server::Session) {
/// let visits: u64 = session.get("visits").await.unwrap_or(0);
/// session.insert("visits", visits + 1).await.unwrap();
/// # }
/// ```
#[derive(Clone)]
pub struct Session {
    pub(crate) state: Arc<Mutex<State>>,
    pub(crate) config: Arc<SessionConfig>,
    /// The request flow (the core's answers for a save, a regenerate, a destroy).
    pub(crate) flow: Arc<crate::flow::ServerFlow>,
    /// Makes a store write now ([`Session::save`]); `None` outside a layer.
    pub(crate) writer: Option<Writer>,
    /// The layer's store merges (a loaded session's save is a delta).
    pub(crate) merges: bool,
}

type BoxFuture<T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send>>;
/// A store write, made by the layer for [`Session::save`] (the write and, for a merge, its base).
pub(crate) type Writer = Arc<dyn Fn(Write, String) -> BoxFuture<Result<(), StoreError>> + Send + Sync>;

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // the tag, never the id (an id is a login)
        f.debug_struct("Session").field("tag", &crate::id::tag(&self.lock().id)).finish_non_exhaustive()
    }
}

/// The per-request state the layer decides from (the Express middleware's `RequestState`).
#[derive(Debug)]
pub(crate) struct State {
    /// `req.sessionID` (and `req.session.id`).
    pub id: String,
    /// The id when the session was loaded or generated.
    pub original_id: String,
    /// The record: its `cookie` object, and its data part as text when `data` is `None`; `None`
    /// while it is `original` as loaded, not yet read (a request that only reads its data never
    /// cuts the record into members).
    pub record: Option<Record>,
    pub data: Option<Map<String, Value>>,
    /// `data` was changed since it was read (else the record's data text is still the data).
    pub dirty: bool,
    /// The record as loaded (`{}` for a new session; the session as it was, once destroyed).
    pub original: String,
    /// The record as last saved when it differs from `original` (see [`State::saved`]).
    pub saved: Option<String>,
    /// The record as last saved is `original` as loaded (`resave` off): no copy is kept.
    pub saved_is_original: bool,
    pub from_store: bool,
    pub destroyed: bool,
    /// Store writes the handler asked for, made before the response's own (in order): a
    /// regenerate's tombstone and the old record's destroy, a destroy.
    pub pending: Vec<Write>,
    /// A regenerated id served inside the grace window: never written, no cookie.
    pub read_only: bool,
    /// The id came in the id header (the `header` option), and no session cookie was sent.
    pub by_header: bool,
    /// The request is off the cookie's path: its session is never loaded or saved.
    pub skipped: bool,
    /// A store call of the handler's failed (and it has that error): no write, no cookie.
    pub store_failed: bool,
    /// [`Session::increment`]'s operations, by key: what a merging store adds to the value it
    /// holds (a key assigned otherwise since is left out: it goes as its value).
    pub inc: Vec<(String, f64)>,
}

impl State {
    /// A session under `id` whose record text is `original`, nothing read, written or asked yet.
    fn new(id: String, original: String) -> State {
        State {
            original_id: id.clone(),
            id,
            record: None,
            data: None,
            dirty: false,
            original,
            saved: None,
            saved_is_original: false,
            from_store: false,
            destroyed: false,
            pending: Vec::new(),
            read_only: false,
            by_header: false,
            skipped: false,
            store_failed: false,
            inc: Vec::new(),
        }
    }

    /// A new session under `id`: the configured cookie, no data.
    pub fn fresh(config: &SessionConfig, id: String) -> State {
        let record = Record::parse(&config.cookie.record_json())
            .unwrap_or_else(|_| Record { cookie: vec![("originalMaxAge".into(), "null".into())], data: "{}".into() });
        State { record: Some(record), ..State::new(id, "{}".into()) }
    }

    /// A session loaded from the store (its record as the store answered it).
    pub fn loaded(config: &SessionConfig, id: String, text: String) -> State {
        State { saved_is_original: !config.session.resave, from_store: true, ..State::new(id, text) }
    }

    /// A request off the cookie's path: a session that is never loaded or saved.
    pub fn skipped(config: &SessionConfig) -> State {
        let mut st = State::fresh(config, String::new());
        st.skipped = true;
        st
    }

    /// The increments as JSON text (`{"key":n}`), for the delta; `(None,)` when there are none.
    pub fn ops_text(&self) -> (Option<String>,) {
        if self.inc.is_empty() {
            return (None,);
        }
        let mut map = Map::new();
        for (k, n) in &self.inc {
            if let Some(v) = js_number(*n) {
                map.insert(k.clone(), v);
            }
        }
        (Some(Value::Object(map).to_string()),)
    }

    /// A regenerated id inside the grace window: the tombstone's data, read-only.
    pub fn read_only(id: String, tombstone: String) -> State {
        State {
            original_id: id.clone(),
            id,
            record: None,
            data: None,
            dirty: false,
            original: tombstone,
            saved: None,
            saved_is_original: false,
            from_store: true,
            destroyed: false,
            pending: Vec::new(),
            read_only: true,
            by_header: false,
            skipped: false,
            store_failed: false,
            inc: Vec::new(),
        }
    }

    /// The record as last saved (the loaded one when `resave` is off), if any.
    pub fn saved(&self) -> Option<&str> {
        match &self.saved {
            Some(s) => Some(s),
            None => self.saved_is_original.then_some(self.original.as_str()),
        }
    }

    /// `JSON.stringify(req.session)`: the cookie, then the data; `None` while it is `original`,
    /// as loaded and untouched (no copy made).
    pub fn changed_json(&mut self) -> Option<String> {
        if self.record.is_none() && !self.dirty {
            return None;
        }
        Some(self.json())
    }

    /// `JSON.stringify(req.session)`: the cookie, then the data.
    pub fn json(&mut self) -> String {
        if self.record.is_none() && !self.dirty {
            return self.original.clone(); // as loaded, untouched
        }
        let data = match &self.data {
            Some(map) if self.dirty => Some(serde_json::to_string(map).unwrap_or_else(|_| "{}".into())),
            _ => None,
        };
        let record = self.record_mut();
        match data {
            Some(data) => Record { cookie: record.cookie.clone(), data }.to_json(),
            None => record.to_json(),
        }
    }

    /// The record cut into its members (read from `original` on first use).
    pub fn record_mut(&mut self) -> &mut Record {
        let original = &self.original;
        self.record.get_or_insert_with(|| {
            Record::parse(original).unwrap_or_else(|_| Record { cookie: Vec::new(), data: "{}".into() })
        })
    }

    /// The data part's text.
    fn data_text(&self) -> std::borrow::Cow<'_, str> {
        match &self.record {
            Some(r) => std::borrow::Cow::Borrowed(r.data.as_str()),
            None => crate::session::data_part(&self.original)
                .map_or(std::borrow::Cow::Borrowed("{}"), std::borrow::Cow::Owned),
        }
    }

    fn data_mut(&mut self) -> &mut Map<String, Value> {
        self.dirty = true;
        self.data_read()
    }

    fn data_read(&mut self) -> &mut Map<String, Value> {
        if self.data.is_none() {
            let map = serde_json::from_str(&self.data_text()).unwrap_or_default();
            self.data = Some(map);
        }
        self.data.get_or_insert_with(Map::new)
    }

    /// The value text of a plain top-level `key` in the record as loaded, read without parsing
    /// the data (a handler that only reads its session): `Some(None)` when it is not there, `None`
    /// when this shortcut does not apply (the data already read or changed, a key JSON.stringify
    /// would escape, a record with escaped keys).
    fn loaded_value(&self, key: &str) -> Option<Option<&str>> {
        if self.data.is_some() || self.record.is_some() || self.dirty || key == "cookie" {
            return None;
        }
        let plain = !key.is_empty() && key.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\');
        if !plain {
            return None;
        }
        if !self.original.contains(key) {
            return Some(None);
        }
        let members = crate::session::members(&self.original).ok()?;
        let mut found = None;
        for (k, v) in members {
            if k.contains('\\') {
                return None; // an escaped key may name `key`: read the data as JSON.parse does
            }
            // the last one wins, as in JSON.parse
            if k.len() == key.len() + 2 && &k[1..k.len() - 1] == key {
                found = Some(v);
            }
        }
        Some(found)
    }

    pub fn value(&mut self, key: &str) -> Option<&Value> {
        if self.data.is_none() {
            let text = self.data_text();
            // a plain key (written as is by JSON.stringify) that is not in the text is not there: no need to read it
            let plain = !key.is_empty() && key.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\');
            if plain && !text.contains(key) {
                return None;
            }
            let map = serde_json::from_str(&text).unwrap_or_default();
            self.data = Some(map);
        }
        self.data_read().get(key)
    }
}

impl Session {
    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The session id (`req.sessionID`). Never show it on a page or in a log: it is a login.
    /// [`crate::id::tag`] names a session safely.
    pub fn id(&self) -> String {
        self.lock().id.clone()
    }

    /// The key the store keeps this session under: the id, or with
    /// [`SessionConfig::hash_ids`] its hash. What [`super::SessionStore::destroy_user`]'s `except`
    /// takes ("sign out everywhere but here").
    pub fn store_key(&self) -> String {
        let id = self.lock().id.clone();
        self.config.key_of(&id).into_owned()
    }

    /// Whether this request may skip the CSRF token check ([`crate::csrf::exempt`]): it sent no
    /// session cookie and did send the id header ([`SessionConfig::header`]). A browser never adds
    /// a custom header on its own, so such a request carries no ambient credential. A request with
    /// the session cookie is never exempt.
    ///
    /// ```
    /// # async fn handler(session: session_core::server::Session, token: Option<String>) -> Result<(), u16> {
    /// if !session.csrf_exempt() && !session.verify_csrf(token.as_deref().unwrap_or("")).await {
    ///     return Err(403);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn csrf_exempt(&self) -> bool {
        self.lock().by_header
    }

    /// Whether this is a regenerated id served inside the grace window
    /// ([`SessionConfig::regenerate_grace`]): the data as it was before the regenerate, read-only.
    /// Nothing a handler changes is written, no cookie is sent, and [`Session::regenerate`] does
    /// nothing (a fixated id cannot log in from here).
    pub fn is_read_only(&self) -> bool {
        self.lock().read_only
    }

    /// The value at `key`, when there is one of type `T`.
    pub async fn get<T: DeserializeOwned>(&self, key: &str) -> Option<T> {
        let mut st = self.lock();
        if let Some(text) = st.loaded_value(key) {
            return serde_json::from_str(text?).ok();
        }
        st.value(key).and_then(|v| T::deserialize(v).ok())
    }

    /// The value at `key` as JSON.
    pub async fn get_value(&self, key: &str) -> Option<Value> {
        self.lock().value(key).cloned()
    }

    /// Sets `key` (`req.session[key] = value`). `cookie` is the record's own and is refused.
    pub async fn insert<T: Serialize>(&self, key: &str, value: T) -> Result<(), serde_json::Error> {
        if key == "cookie" {
            return Err(serde::ser::Error::custom("`cookie` is the session's own key"));
        }
        let v = serde_json::to_value(value)?;
        let mut st = self.lock();
        if st.destroyed || st.skipped {
            return Ok(());
        }
        st.inc.retain(|(k, _)| k != key); // assigned: it goes as its value
        st.data_mut().insert(key.to_owned(), v);
        Ok(())
    }

    /// Adds `by` to the number at `key` (absent or not a number: 0) and answers the new value
    /// (`req.session.increment`). With a store that merges, the write adds `by` to the value the
    /// store holds then, so overlapping requests all count.
    pub async fn increment(&self, key: &str, by: f64) -> f64 {
        let mut st = self.lock();
        if key == "cookie" || st.destroyed || st.skipped || !by.is_finite() {
            return st.value(key).and_then(Value::as_f64).unwrap_or(0.0);
        }
        let now = st.value(key).and_then(Value::as_f64).unwrap_or(0.0) + by;
        match st.inc.iter_mut().find(|(k, _)| k == key) {
            Some(op) => op.1 += by,
            None => st.inc.push((key.to_owned(), by)),
        }
        if let Some(n) = js_number(now) {
            st.data_mut().insert(key.to_owned(), n);
        }
        now
    }

    /// Writes the session to the store now (`req.session.save()`); a session served read-only
    /// (the grace window) is refused with `ESESSIONREGENERATED`. The response writes it again only
    /// if it changes after.
    pub async fn save(&self) -> Result<(), super::SessionError> {
        let (write, base, json) = {
            let mut st = self.lock();
            if st.skipped || st.destroyed {
                return Ok(());
            }
            let json = st.json();
            let ops = st.ops_text();
            let base = st.saved().unwrap_or(&st.original).to_owned();
            let existing = st.from_store && st.original_id == st.id;
            let merges = self.writer.is_some() && self.merges;
            let s = Save {
                id: &st.id,
                session: &json,
                base: Some(&base),
                ops: crate::session::Ops { inc: ops.0.as_deref(), push: None },
                existing,
                merges,
                read_only: st.read_only,
            };
            let write = self.flow.save(&s).map_err(|e| super::SessionError::of_core(&e))?;
            (write, base, json)
        };
        let Some(writer) = &self.writer else { return Ok(()) };
        let result = writer(write, base).await;
        let mut st = self.lock();
        match result {
            Ok(()) => {
                st.saved = Some(json);
                st.saved_is_original = false;
                st.inc.clear();
                Ok(())
            }
            Err(e) => {
                st.store_failed = true;
                Err(super::SessionError::of_store(&e))
            }
        }
    }

    /// Removes `key`, answering its value when it was a `T`.
    pub async fn remove<T: DeserializeOwned>(&self, key: &str) -> Option<T> {
        let mut st = self.lock();
        st.value(key)?;
        st.data_mut().shift_remove(key).and_then(|v| T::deserialize(v).ok())
    }

    /// Resets the cookie's expiry (`req.session.touch()`).
    pub async fn touch(&self) {
        let now = self.config.now();
        let mut st = self.lock();
        let record = st.record_mut();
        let e = crate::session::touched_expires(record.times().original_max_age, now);
        record.set_expires(e);
    }

    /// A new session under a new id, empty; the old record is removed (`req.session.regenerate()`,
    /// the fix for session fixation: call it at sign-in). With
    /// [`SessionConfig::regenerate_grace`], the old record's tombstone (leading to the new
    /// session) is written first. A session served read-only (the grace window) is not
    /// regenerated: its new cookie would sign the user out.
    pub async fn regenerate(&self) {
        self.regenerate_with(false);
    }

    /// [`Session::regenerate`] keeping the data (`req.session.regenerate({ keep: true })`): the
    /// fix for session fixation that keeps the cart. The CSRF secret is not carried over (tokens
    /// issued before are refused after, as csurf does).
    pub async fn regenerate_keep(&self) {
        self.regenerate_with(true);
    }

    fn regenerate_with(&self, keep: bool) {
        let id = self.config.new_id();
        let now = self.config.now();
        let mut st = self.lock();
        if st.read_only || st.skipped {
            return;
        }
        let loaded = st.from_store && st.original_id == st.id && !st.destroyed;
        let stored = if loaded { Some(st.saved().unwrap_or(&st.original).to_owned()) } else { None };
        let r = Regenerate { id: &st.id, stored: stored.as_deref(), read_only: false, now };
        // refused (an id the core will not take): the session stays as it is
        let Ok((tomb, destroy)) = self.flow.regenerate(&r, &id) else { return };
        let kept = if keep {
            let mut data = st.data_read().clone();
            data.shift_remove("csrfSecret");
            Some(data)
        } else {
            None
        };
        st.pending.extend(tomb);
        st.pending.push(destroy);
        st.id = id;
        let fresh = State::fresh(&self.config, String::new());
        st.record = fresh.record;
        st.data = None;
        st.dirty = false;
        st.destroyed = false;
        st.inc.clear();
        if let Some(data) = kept.filter(|d| !d.is_empty()) {
            st.data = Some(data);
            st.dirty = true;
        }
    }

    /// Ends the session: the record is removed and the browser's cookie expired
    /// (`req.session.destroy()`).
    pub async fn destroy(&self) {
        let mut st = self.lock();
        if st.destroyed || st.skipped {
            return;
        }
        if st.saved_is_original {
            st.saved = Some(st.original.clone()); // the record as saved stays as it was
            st.saved_is_original = false;
        }
        st.original = st.json(); // its cookie's attributes, to expire the browser's copy
        st.destroyed = true;
        // no grace after destroy(): the record goes, and no tombstone is left
        let w = self.flow.destroy(&st.id);
        st.pending.push(w);
    }

    /// Whether [`Session::destroy`] was called.
    pub fn is_destroyed(&self) -> bool {
        self.lock().destroyed
    }

    /// A fresh CSRF token of the session's secret (`req.csrfToken()`; the secret, made on first use,
    /// is kept at `csrfSecret` as csurf and `session-core/express` keep it, so tokens verify on both).
    pub async fn csrf_token(&self) -> String {
        let mut st = self.lock();
        let secret = match st.value("csrfSecret") {
            Some(Value::String(s)) if !s.is_empty() => s.clone(),
            _ => {
                let s = crate::csrf::new_secret();
                st.data_mut().insert("csrfSecret".into(), Value::String(s.clone()));
                s
            }
        };
        crate::csrf::token(&secret)
    }

    /// Whether `token` is a token of the session's CSRF secret.
    pub async fn verify_csrf(&self, token: &str) -> bool {
        let mut st = self.lock();
        match st.value("csrfSecret") {
            Some(Value::String(s)) => crate::csrf::verify(s, token),
            _ => false,
        }
    }
}

/// A number as `JSON.stringify` writes it: an integer without a fraction (`2`, not `2.0`).
fn js_number(n: f64) -> Option<Value> {
    if n.fract() == 0.0 && n.abs() < 9_007_199_254_740_992.0 {
        Some(Value::from(n as i64))
    } else {
        serde_json::Number::from_f64(n).map(Value::Number)
    }
}

/// The rejection of the [`Session`] extractor: the handler is not behind [`super::SessionLayer`].
#[derive(Debug, Clone, Copy)]
pub struct SessionMissing;

impl fmt::Display for SessionMissing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("no session on this request: is the handler behind session_core::server::SessionLayer?")
    }
}

impl std::error::Error for SessionMissing {}

impl axum_core::response::IntoResponse for SessionMissing {
    fn into_response(self) -> axum_core::response::Response {
        let mut res = axum_core::response::Response::new(axum_core::body::Body::from(self.to_string()));
        *res.status_mut() = http::StatusCode::INTERNAL_SERVER_ERROR;
        res
    }
}

impl<S: Send + Sync> axum_core::extract::FromRequestParts<S> for Session {
    type Rejection = SessionMissing;

    async fn from_request_parts(parts: &mut http::request::Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<Session>().cloned().ok_or(SessionMissing)
    }
}
