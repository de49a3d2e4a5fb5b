//! The layer: per request, the same calls in the same order as `session-core/express`
//! (js/express/index.js, hooks.js): the cookie's id and secret ([`CoreSession::cookie_id`]), the
//! store's record, whether it is over ([`CoreSession::ended`], then the per-user sign-out rule
//! [`crate::session::signed_out`]), the handler, then one decision as the response goes out
//! ([`CoreSession::decide_facts`]: the `Set-Cookie` bytes, save/touch/destroy, the record and its
//! deadline, the delta), the store write, the user index. No rule is decided here.
//!
//! Issue 16's options add the core's calls in the order the README's Core API section lists them:
//! [`crate::session::carrier`] / [`crate::session::header_id`] on the request (`header`), the store
//! key of [`crate::session::store_keys`] for every store call (`hash_ids`, with the plain id read
//! once and moved), on a miss the tombstone under [`crate::session::grace_key`] and
//! [`crate::session::grace`]'s answer (`regenerate_grace`), [`crate::session::tombstone`] written
//! before a regenerated record is removed, and [`crate::session::respond`] on the response.

use super::cache;
use super::config::SessionConfig;
use super::session::{Session, State};
use super::store::{SessionStore, StoreError, UserInfo};
use crate::error::Error;
use crate::session::{
    carrier, grace, grace_key, hashable_id, header_id, read_only_record, respond, store_keys, successor, Carrier,
    CookieId, Facts, Grace, Ops, Phase, Record, Session as CoreSession, NO_STORE, REGENERATED_FIELD,
};
use http::{HeaderValue, Request, Response, StatusCode};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

/// A [`tower_layer::Layer`] that gives every request a [`Session`] (see the module documentation).
///
/// ```
/// use session_core::server::{MemoryStore, SessionConfig, SessionLayer};
/// let layer = SessionLayer::new(MemoryStore::default(), SessionConfig::new(["keyboard cat"]).max_age(3_600_000.0))
///     .expect("valid options");
/// // axum: Router::new().route("/", get(handler)).layer(layer)
/// # let _ = layer;
/// ```
pub struct SessionLayer<St> {
    shared: Arc<Shared<St>>,
}

impl<St> Clone for SessionLayer<St> {
    fn clone(&self) -> Self {
        SessionLayer { shared: self.shared.clone() }
    }
}

impl<St> fmt::Debug for SessionLayer<St> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionLayer").field("config", &self.shared.config).finish_non_exhaustive()
    }
}

struct Shared<St> {
    core: CoreSession,
    config: Arc<SessionConfig>,
    store: St,
}

impl<St: SessionStore> SessionLayer<St> {
    /// Checks the options (the error names the one at fault) and makes the layer.
    pub fn new(store: St, config: SessionConfig) -> Result<SessionLayer<St>, Error> {
        config.validate()?;
        let core = CoreSession::new(config.session.clone(), &config.secrets)?;
        Ok(SessionLayer { shared: Arc::new(Shared { core, config: Arc::new(config), store }) })
    }

    /// The store (for "sign out everywhere" and the like from a handler).
    pub fn store(&self) -> &St {
        &self.shared.store
    }
}

impl<St, S> tower_layer::Layer<S> for SessionLayer<St> {
    type Service = SessionService<St, S>;
    fn layer(&self, inner: S) -> Self::Service {
        SessionService { shared: self.shared.clone(), inner }
    }
}

/// The service [`SessionLayer`] wraps around the app.
pub struct SessionService<St, S> {
    shared: Arc<Shared<St>>,
    inner: S,
}

impl<St, S: Clone> Clone for SessionService<St, S> {
    fn clone(&self) -> Self {
        SessionService { shared: self.shared.clone(), inner: self.inner.clone() }
    }
}

impl<St, S: fmt::Debug> fmt::Debug for SessionService<St, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionService").field("inner", &self.inner).finish_non_exhaustive()
    }
}

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

impl<St, S, B, RB> tower_service::Service<Request<B>> for SessionService<St, S>
where
    St: SessionStore,
    S: tower_service::Service<Request<B>, Response = Response<RB>> + Clone + Send + 'static,
    S::Future: Send,
    B: Send + 'static,
    RB: Default + Send + 'static,
{
    type Response = Response<RB>;
    type Error = S::Error;
    type Future = BoxFuture<Result<Response<RB>, S::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut req: Request<B>) -> Self::Future {
        // the service that was polled ready handles this request; a clone takes its place
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let shared = self.shared.clone();
        Box::pin(async move {
            let secure = is_secure(&req, shared.config.trust_proxy);
            let (cookie, by_header) = incoming(&shared, &req);
            // only the per-user index keeps it
            let user_agent = match shared.config.user_key {
                Some(_) => {
                    req.headers().get(http::header::USER_AGENT).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned()
                }
                None => String::new(),
            };
            let started = shared.config.now();
            let mut state = match load(&shared, cookie.as_ref(), req.method().as_str(), started).await {
                Ok(s) => s,
                Err(e) => return Ok(failure(&e)),
            };
            // carrier() made it a header request by csrf::exempt's rule: no session cookie, the header sent
            state.by_header = by_header;
            let session = Session { state: Arc::new(Mutex::new(state)), config: shared.config.clone() };
            req.extensions_mut().insert(session.clone());
            let mut res = inner.call(req).await?;
            match finish(&shared, &session, cookie.as_ref(), by_header, secure, started, &user_agent, &mut res).await {
                Ok(()) => Ok(res),
                Err(e) => Ok(failure(&e)),
            }
        })
    }
}

/// Why the layer answered instead of the app: put in the extensions of the response it gives
/// (an empty body with [`SessionError::status`]), so an app maps it to its own error page, as an
/// Express app's error handler reads `err.status` and `err.code`:
///
/// ```
/// # use session_core::server::SessionError;
/// # fn page<B>(res: &http::Response<B>) -> Option<String> {
/// // e.g. in axum::middleware::map_response
/// res.extensions().get::<SessionError>().map(|e| format!("{} ({})", e.code, e.status))
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SessionError {
    /// 503 (the store failed), 409 (a write with a regenerated id inside the grace window), 500.
    pub status: u16,
    /// The code the Express middleware's error has: `ESESSIONSTORE_*` (the store),
    /// `ESESSIONREGENERATED`, `ERR_SESSION_CORE_BAD_RECORD` (what the store holds under the id is
    /// not a session record), `ERR_SESSION_CORE_SHORT_ID` (`hash_ids` with ids under 22
    /// characters), or the core's error code.
    pub code: String,
    /// What went wrong (never an id or a secret).
    pub message: String,
}

impl fmt::Display for SessionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for SessionError {}

/// The app's response gives way to the failure's status, with its [`SessionError`].
fn failure<RB: Default>(e: &Failure) -> Response<RB> {
    let err = match e {
        Failure::Store(s) => SessionError { status: 503, code: s.code().into(), message: s.summary().into() },
        Failure::Core(c) => SessionError { status: 500, code: c.code(), message: c.to_string() },
        Failure::Regenerated => SessionError {
            status: 409,
            code: "ESESSIONREGENERATED".into(),
            message: "this session was regenerated: retry with the new cookie".into(),
        },
        Failure::ShortId => SessionError {
            status: 500,
            code: "ERR_SESSION_CORE_SHORT_ID".into(),
            message: "hash_ids needs session ids of at least 22 characters (128 random bits): genid gave a shorter one"
                .into(),
        },
    };
    let mut res = Response::new(RB::default());
    *res.status_mut() = StatusCode::from_u16(err.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    res.extensions_mut().insert(err);
    res
}

#[derive(Debug)]
enum Failure {
    Store(StoreError),
    Core(Error),
    /// An unsafe method with a regenerated id inside the grace window.
    Regenerated,
    /// `hash_ids` with a generated id too short to hash without a key.
    ShortId,
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        Failure::Store(e)
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Core(e)
    }
}

/// TLS, or (trusting the proxy) `X-Forwarded-Proto: https`, as express-session's `issecure`.
pub(crate) fn is_secure<B>(req: &Request<B>, trust_proxy: bool) -> bool {
    if req.uri().scheme_str() == Some("https") {
        return true;
    }
    trust_proxy
        && req
            .headers()
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .is_some_and(|p| p.trim().eq_ignore_ascii_case("https"))
}

/// The request's Cookie header lines, joined as Node joins them.
fn cookie_header<B>(req: &Request<B>) -> Option<std::borrow::Cow<'_, str>> {
    let mut lines = req.headers().get_all(http::header::COOKIE).iter().filter_map(|v| v.to_str().ok());
    let first = lines.next()?;
    match lines.next() {
        None => Some(std::borrow::Cow::Borrowed(first)),
        Some(second) => {
            let mut all = format!("{first}; {second}");
            for l in lines {
                all.push_str("; ");
                all.push_str(l);
            }
            Some(std::borrow::Cow::Owned(all))
        }
    }
}

/// The id the request carries, verified, and whether it came in the id header (the `header`
/// option: [`crate::session::carrier`] decides; a cookie always wins).
fn incoming<St, B>(shared: &Shared<St>, req: &Request<B>) -> (Option<CookieId>, bool) {
    let cookies = cookie_header(req);
    if let Some(name) = shared.config.header.as_deref() {
        // sent once (a repeated header counts as not sent, as in Node)
        let mut values = req.headers().get_all(name).iter();
        let value = match (values.next(), values.next()) {
            (Some(v), None) => v.to_str().ok(),
            _ => None,
        };
        if carrier(cookies.as_deref(), &shared.config.session.name, value) == Carrier::Header {
            let id = value.and_then(header_id).and_then(|v| shared.core.unsign_value(&v));
            return (id, true);
        }
    }
    (cookies.and_then(|h| shared.core.cookie_id(&h)), false)
}

/// Is this stored text a regenerate's tombstone (never a live session, whatever its key)?
fn is_tombstone(text: &str) -> bool {
    text.contains("\"regenerated\"") && Record::parse(text).is_ok_and(|r| r.get(REGENERATED_FIELD).is_some())
}

/// Express's rule for a stored session: a JSON object with a `cookie` object.
fn is_record(text: &str) -> bool {
    serde_json::from_str::<serde_json::Value>(text).is_ok_and(|v| v.get("cookie").is_some_and(|c| c.is_object()))
        && Record::parse(text).is_ok()
}

/// The session as the request starts: loaded (and not over), or new.
async fn load<St: SessionStore>(
    shared: &Shared<St>,
    cookie: Option<&CookieId>,
    method: &str,
    now: i64,
) -> Result<State, Failure> {
    let config = &shared.config;
    let Some(c) = cookie else { return Ok(State::fresh(config, config.new_id())) };
    let key = config.key_of(&c.id);
    let mut found = shared.store.load(&key).await?.filter(|t| !is_tombstone(t));
    if found.is_none() && config.hash_ids {
        // a record from before hash_ids, under the plain id: moved to its key
        if let Some(legacy) = store_keys(&c.id, true).legacy {
            if let Some(t) = shared.store.load(&legacy).await?.filter(|t| !is_tombstone(t)) {
                shared.store.save(&key, &t, None, false).await?;
                // not removed is not the request's failure: it expires as it would have
                let _ = shared.store.destroy(&legacy).await;
                found = Some(t);
            }
        }
    }
    let Some(text) = found else {
        if let Some(g) = config.grace() {
            if let Some(t) = shared.store.load(&grace_key(&key)).await? {
                let rule = grace(&t, method, now, g);
                // the session the regenerate made: when it is over (a logout, a sign-out
                // everywhere, a timeout), so is this window (tombstones from before successors
                // were kept end with their time only)
                let live = match (rule, successor(&t)) {
                    (Grace::ReadOnly | Grace::Conflict, Some(next)) => shared
                        .store
                        .load(&next)
                        .await?
                        .is_some_and(|r| is_record(&r) && shared.core.ended(&r, now).is_none()),
                    _ => true,
                };
                match rule {
                    Grace::ReadOnly if live => {
                        return Ok(State::read_only(c.id.clone(), read_only_record(&t).unwrap_or(t)))
                    }
                    Grace::Conflict if live => return Err(Failure::Regenerated),
                    _ => {}
                }
            }
        }
        return Ok(State::fresh(config, config.new_id()));
    };
    // what the store holds under this id is not a session record: the request fails (as in
    // Express: ERR_SESSION_CORE_BAD_RECORD, 500); the usual shape (`{"cookie":{…},…}`, as
    // JSON.stringify writes it) is cut into members only when needed
    let usual = text.starts_with("{\"cookie\":{") && text.ends_with('}');
    if !usual && !is_record(&text) {
        return Err(Failure::Core(Error::BadRecord(
            "the store's answer for this id is not a session record (no cookie object)".into(),
        )));
    }
    if config.session.timeouts.enabled() && shared.core.ended(&text, now).is_some() {
        return discard(shared, &key).await;
    }
    let mut state = State {
        id: c.id.clone(),
        original_id: c.id.clone(),
        record: None,
        data: None,
        dirty: false,
        saved: None,
        saved_is_original: !config.session.resave,
        original: text,
        from_store: true,
        destroyed: false,
        to_destroy: Vec::new(),
        tombstone: None,
        read_only: false,
        by_header: false,
    };
    if let Some(user) = user_of(config, &mut state) {
        if shared.store.indexes_users() {
            let s = shared.store.user_state(&user, &key).await?;
            if crate::session::signed_out(s.since, s.before, s.kept) {
                return discard(shared, &key).await;
            }
        }
    }
    Ok(state)
}

/// A loaded session that is over: its record removed, a new session in its place.
async fn discard<St: SessionStore>(shared: &Shared<St>, key: &str) -> Result<State, Failure> {
    // a failed destroy is not the request's failure: the record is over either way
    let _ = shared.store.destroy(key).await;
    Ok(State::fresh(&shared.config, shared.config.new_id()))
}

/// The session's user key (the `user` option), as `String(req.session[key])`.
fn user_of(config: &SessionConfig, state: &mut State) -> Option<String> {
    let key = config.user_key.as_deref()?;
    match state.value(key)? {
        serde_json::Value::String(s) if !s.is_empty() => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The response goes out: one decision, its `Set-Cookie` (or id header) and cache headers, then
/// the store write.
#[allow(clippy::too_many_arguments)]
async fn finish<St: SessionStore, RB>(
    shared: &Shared<St>,
    session: &Session,
    cookie: Option<&CookieId>,
    by_header: bool,
    secure: bool,
    started: i64,
    user_agent: &str,
    res: &mut Response<RB>,
) -> Result<(), Failure> {
    let config = &shared.config;
    let now = config.now();
    let (out, id, base, to_destroy, tombstone, existing, user) = {
        let mut st = session.lock();
        if st.read_only {
            // a regenerated id inside the grace window: no cookie, no id header, no store write
            if config.cache_headers {
                match config.header.as_deref().filter(|_| by_header) {
                    Some(h) => cache::vary_on(res.headers_mut(), h),
                    None => cache::apply(res.headers_mut(), false),
                }
            }
            return Ok(());
        }
        let existing = st.from_store && st.original_id == st.id;
        if config.hash_ids && !existing && !st.destroyed && !hashable_id(&st.id) {
            return Err(Failure::ShortId);
        }

        // the session's JSON: a new text only when it changed (else the record as loaded, not copied)
        let changed = if st.destroyed { None } else { st.changed_json() };
        let (out, base) = {
            let st = &*st;
            let json = if st.destroyed { None } else { Some(changed.as_deref().unwrap_or(&st.original)) };
            let merges = shared.store.merges() && st.from_store && st.original_id == st.id && !st.destroyed;
            let facts = Facts {
                phase: Phase::Both,
                now,
                secure,
                cookie_present: cookie.is_some(),
                cookie_matches: cookie.is_some_and(|c| c.id == st.id),
                cookie_old_secret: cookie.is_some_and(|c| c.secret_index > 0),
                session_id: Some(&st.id),
                same_original_id: !st.destroyed && st.original_id == st.id,
                original: Some(&st.original),
                saved: st.saved(),
                saved_is_original: st.saved_is_original || st.saved.as_deref() == Some(st.original.as_str()),
                session: json,
                destroyed: st.destroyed,
                touched: false,
                store_touch: true,
                want_record: true,
                want_delta: merges,
                ops: Ops { inc: None, push: None },
                signed: None,
            };
            let out = shared.core.decide_facts(&facts)?;
            // the record the delta was made against (the merge's first compare-and-set expects it)
            let base = match out.delta {
                Some(_) => st.saved().unwrap_or(&st.original).to_owned(),
                None => String::new(),
            };
            (out, base)
        };
        let user = if out.save || out.touch { user_of(config, &mut st) } else { None };
        (out, st.id.clone(), base, std::mem::take(&mut st.to_destroy), st.tombstone.take(), existing, user)
    };

    let headers = res.headers_mut();
    match config.header.as_deref().filter(|_| by_header) {
        // a header request: the signed id back in the id header, never a Set-Cookie
        Some(name) => {
            let t = respond(Carrier::Header, out.set_cookie.as_deref(), &config.session.name, config.cache_headers);
            if let Some(v) = t.id_header.as_deref().and_then(|v| HeaderValue::from_str(v).ok()) {
                if let Ok(n) = http::HeaderName::from_bytes(name.as_bytes()) {
                    headers.insert(n, v);
                }
            }
            if t.no_store {
                headers.insert(http::header::CACHE_CONTROL, HeaderValue::from_static(NO_STORE));
            }
            if t.vary {
                cache::vary_on(headers, name);
            }
        }
        None => {
            if let Some(v) = out.set_cookie.as_deref().and_then(|v| HeaderValue::from_str(v).ok()) {
                headers.append(http::header::SET_COOKIE, v);
            }
            if config.cache_headers {
                cache::apply(headers, out.set_cookie.is_some());
            }
        }
    }

    let store = &shared.store;
    for old in &to_destroy {
        let key = config.key_of(old);
        // regenerateGrace: the tombstone first, under its own key, for the requests in flight
        if let Some((_, t)) = tombstone.as_ref().filter(|(of, _)| of == old) {
            store.save(&grace_key(&key), t, config.grace().map(|g| now.saturating_add(g as i64)), false).await?;
        }
        store.destroy(&key).await?;
    }
    let key = config.key_of(&id);
    if out.destroy {
        store.destroy(&key).await?;
    } else if out.save || out.touch {
        let record = out.record.as_deref().unwrap_or("{}");
        if out.save {
            match out.delta.as_deref() {
                Some(delta) => store.merge(&key, &base, delta, record, out.deadline).await?,
                None => store.save(&key, record, out.deadline, existing).await?,
            }
        } else {
            store.touch(&key, record, out.deadline).await?;
        }
        if let Some(user) = user.filter(|_| store.indexes_users()) {
            let info = UserInfo {
                since: started,
                last_seen: now,
                user_agent: user_agent.chars().take(256).collect(),
                expires: out.deadline,
            };
            // a failed index write is safe (the next sign-out everywhere ends an unindexed session)
            let _ = store.index_user(&user, &key, &info).await;
        }
    }
    Ok(())
}
