//! The layer: per request, the same calls in the same order as `session-core/express`
//! (js/express/index.js, hooks.js): the cookie's id and secret ([`CoreSession::cookie_id`]), the
//! store's record, whether it is over ([`CoreSession::ended`], then the per-user sign-out rule
//! [`crate::session::signed_out`]), the handler, then one decision as the response goes out
//! ([`CoreSession::decide_facts`]: the `Set-Cookie` bytes, save/touch/destroy, the record and its
//! deadline, the delta), the store write, the user index. No rule is decided here.

use super::cache;
use super::config::SessionConfig;
use super::session::{Session, State};
use super::store::{SessionStore, StoreError, UserInfo};
use crate::error::Error;
use crate::session::{CookieId, Facts, Ops, Phase, Record, Session as CoreSession};
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
            let cookie = cookie_of(&shared.core, &req);
            // only the per-user index keeps it
            let user_agent = match shared.config.user_key {
                Some(_) => {
                    req.headers().get(http::header::USER_AGENT).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned()
                }
                None => String::new(),
            };
            let started = shared.config.now();
            let state = match load(&shared, cookie.as_ref(), started).await {
                Ok(s) => s,
                Err(e) => return Ok(failure(&e)),
            };
            let session = Session { state: Arc::new(Mutex::new(state)), config: shared.config.clone() };
            req.extensions_mut().insert(session.clone());
            let mut res = inner.call(req).await?;
            match finish(&shared, &session, cookie.as_ref(), secure, started, &user_agent, &mut res).await {
                Ok(()) => Ok(res),
                Err(e) => Ok(failure(&e)),
            }
        })
    }
}

/// The app's response gives way to a 503 (a store failure) or 500 (a session that cannot be written).
fn failure<RB: Default>(e: &Failure) -> Response<RB> {
    let mut res = Response::new(RB::default());
    *res.status_mut() = match e {
        Failure::Store(_) => StatusCode::SERVICE_UNAVAILABLE,
        Failure::Core(_) => StatusCode::INTERNAL_SERVER_ERROR,
    };
    res
}

#[derive(Debug)]
enum Failure {
    Store(#[allow(dead_code)] StoreError),
    Core(#[allow(dead_code)] Error),
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

/// The id the request's cookie carries, verified (any `Cookie` header lines, joined as Node joins them).
fn cookie_of<B>(core: &CoreSession, req: &Request<B>) -> Option<CookieId> {
    let mut lines = req.headers().get_all(http::header::COOKIE).iter().filter_map(|v| v.to_str().ok());
    let first = lines.next()?;
    match lines.next() {
        None => core.cookie_id(first),
        Some(second) => {
            let mut all = format!("{first}; {second}");
            for l in lines {
                all.push_str("; ");
                all.push_str(l);
            }
            core.cookie_id(&all)
        }
    }
}

/// The session as the request starts: loaded (and not over), or new.
async fn load<St: SessionStore>(shared: &Shared<St>, cookie: Option<&CookieId>, now: i64) -> Result<State, Failure> {
    let config = &shared.config;
    let Some(c) = cookie else { return Ok(State::fresh(config, config.new_id())) };
    let Some(text) = shared.store.load(&c.id).await? else { return Ok(State::fresh(config, config.new_id())) };
    // a record that does not read (not a session record) starts a new session; the usual shape
    // (`{"cookie":{…},…}`, as JSON.stringify writes it) is cut into members only when needed
    let usual = text.starts_with("{\"cookie\":{") && text.ends_with('}');
    if !usual && Record::parse(&text).is_err() {
        return Ok(State::fresh(config, config.new_id()));
    }
    if config.session.timeouts.enabled() && shared.core.ended(&text, now).is_some() {
        return discard(shared, &c.id).await;
    }
    let mut state = State {
        id: c.id.clone(),
        original_id: c.id.clone(),
        record: None,
        data: None,
        dirty: false,
        saved: (!config.session.resave).then(|| text.clone()),
        original: text,
        from_store: true,
        destroyed: false,
        to_destroy: Vec::new(),
    };
    if let Some(user) = user_of(config, &mut state) {
        if shared.store.indexes_users() {
            let s = shared.store.user_state(&user, &c.id).await?;
            if crate::session::signed_out(s.since, s.before, s.kept) {
                return discard(shared, &c.id).await;
            }
        }
    }
    Ok(state)
}

/// A loaded session that is over: its record removed, a new session in its place.
async fn discard<St: SessionStore>(shared: &Shared<St>, id: &str) -> Result<State, Failure> {
    // a failed destroy is not the request's failure: the record is over either way
    let _ = shared.store.destroy(id).await;
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

/// The response goes out: one decision, its `Set-Cookie` and cache headers, then the store write.
async fn finish<St: SessionStore, RB>(
    shared: &Shared<St>,
    session: &Session,
    cookie: Option<&CookieId>,
    secure: bool,
    started: i64,
    user_agent: &str,
    res: &mut Response<RB>,
) -> Result<(), Failure> {
    let now = shared.config.now();
    let (out, id, base, to_destroy, existing, user) = {
        let mut st = session.lock();
        let json = (!st.destroyed).then(|| st.json());
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
            saved: st.saved.as_deref(),
            saved_is_original: st.saved.as_deref() == Some(st.original.as_str()),
            session: json.as_deref(),
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
            Some(_) => st.saved.clone().unwrap_or_else(|| st.original.clone()),
            None => String::new(),
        };
        let existing = st.from_store && st.original_id == st.id;
        let user = if out.save || out.touch { user_of(&shared.config, &mut st) } else { None };
        (out, st.id.clone(), base, std::mem::take(&mut st.to_destroy), existing, user)
    };

    let headers = res.headers_mut();
    if let Some(v) = out.set_cookie.as_deref().and_then(|v| HeaderValue::from_str(v).ok()) {
        headers.append(http::header::SET_COOKIE, v);
    }
    if shared.config.cache_headers {
        cache::apply(headers, out.set_cookie.is_some());
    }

    let store = &shared.store;
    for old in &to_destroy {
        store.destroy(old).await?;
    }
    if out.destroy {
        store.destroy(&id).await?;
    } else if out.save || out.touch {
        let record = out.record.as_deref().unwrap_or("{}");
        if out.save {
            match out.delta.as_deref() {
                Some(delta) => store.merge(&id, &base, delta, record, out.deadline).await?,
                None => store.save(&id, record, out.deadline, existing).await?,
            }
        } else {
            store.touch(&id, record, out.deadline).await?;
        }
        if let Some(user) = user.filter(|_| store.indexes_users()) {
            let info = UserInfo {
                since: started,
                last_seen: now,
                user_agent: user_agent.chars().take(256).collect(),
                expires: out.deadline,
            };
            // a failed index write is safe (the next sign-out everywhere ends an unindexed session)
            let _ = store.index_user(&user, &id, &info).await;
        }
    }
    Ok(())
}
