//! The layer: a driver of the core's request flow ([`crate::flow::ServerFlow`]), as
//! `session-core/express` and `session-core/web` drive it: it reads the request, hands the flow
//! the facts, calls the store as each answer says (read this key, move that record, destroy this
//! one), runs the handler, and at the response sets the headers and makes the write the flow
//! gives. Every store call is bounded by [`SessionConfig::store_timeout`]. No rule is decided here.

use super::config::SessionConfig;
use super::session::{Session, State, Writer};
use super::store::{SessionStore, StoreError, UserInfo};
use crate::error::Error;
use crate::flow::{vary_with, Begin, Incoming, Loaded, Lookup, Respond, ServerFlow, Write, USER_AGENT_LIMIT};
use crate::session::{Facts, Ops, Phase};
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
    flow: Arc<ServerFlow>,
    config: Arc<SessionConfig>,
    store: St,
}

impl<St: SessionStore> SessionLayer<St> {
    /// Checks the options (the error names the one at fault) and makes the layer.
    pub fn new(store: St, config: SessionConfig) -> Result<SessionLayer<St>, Error> {
        config.validate()?;
        let flow = Arc::new(ServerFlow::new(crate::session::Session::new(config.flow_options(), &config.secrets)?));
        Ok(SessionLayer { shared: Arc::new(Shared { flow, config: Arc::new(config), store }) })
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
            // only the per-user index keeps it
            let user_agent = match shared.config.user_key {
                Some(_) => {
                    req.headers().get(http::header::USER_AGENT).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned()
                }
                None => String::new(),
            };
            let started = shared.config.now();
            let facts = ReqFacts::of(&shared.config, &req);
            let (state, lookup) = match load(&shared, &facts, started).await {
                Ok(s) => s,
                Err((e, by_header)) => return Ok(failure(&shared.config, &e, by_header)),
            };
            let by_header = state.by_header;
            let writer: Writer = {
                let shared = shared.clone();
                Arc::new(move |w: Write, base: String| {
                    let shared = shared.clone();
                    Box::pin(async move { execute(&shared, &w, &base).await })
                })
            };
            let session = Session {
                state: Arc::new(Mutex::new(state)),
                config: shared.config.clone(),
                flow: shared.flow.clone(),
                writer: Some(writer),
                merges: shared.store.merges(),
            };
            req.extensions_mut().insert(session.clone());
            let mut res = inner.call(req).await?;
            match finish(&shared, &session, lookup.as_ref(), secure, started, &user_agent, &mut res).await {
                Ok(()) => Ok(res),
                Err(e) => Ok(failure(&shared.config, &e, by_header)),
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

impl SessionError {
    pub(crate) fn of_store(s: &StoreError) -> SessionError {
        SessionError { status: 503, code: s.code().into(), message: s.summary().into() }
    }

    pub(crate) fn of_core(c: &Error) -> SessionError {
        SessionError { status: c.status(), code: c.code(), message: c.to_string() }
    }
}

/// The app's response gives way to the failure's status, with its [`SessionError`] (and the
/// `Vary` every response a session layer handled gets: what it answered depends on the cookie).
fn failure<RB: Default>(config: &SessionConfig, e: &Failure, by_header: bool) -> Response<RB> {
    let err = match e {
        Failure::Store(s) => SessionError::of_store(s),
        Failure::Core(c) => SessionError::of_core(c),
    };
    let mut res = Response::new(RB::default());
    *res.status_mut() = StatusCode::from_u16(err.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    if config.cache_headers || by_header {
        let name = config.header.as_deref().filter(|_| by_header).unwrap_or("Cookie");
        if let Some(v) = vary_with(None, name).and_then(|v| HeaderValue::from_str(&v).ok()) {
            res.headers_mut().insert(http::header::VARY, v);
        }
    }
    res.extensions_mut().insert(err);
    res
}

#[derive(Debug)]
enum Failure {
    Store(StoreError),
    Core(Error),
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

/// One store call, bounded by the `store_timeout` option.
async fn bounded<T>(
    config: &SessionConfig,
    call: impl std::future::Future<Output = Result<T, StoreError>>,
) -> Result<T, StoreError> {
    match config.store_timeout {
        None => call.await,
        Some(d) => match tokio::time::timeout(d, call).await {
            Ok(r) => r,
            Err(_) => Err(StoreError::Timeout(format!(
                "the session store did not answer within {} ms (store_timeout)",
                d.as_millis()
            ))),
        },
    }
}

/// A store write the flow gave (`base`: for a merge, the record the delta was taken against).
async fn execute<St: SessionStore>(shared: &Shared<St>, w: &Write, base: &str) -> Result<(), StoreError> {
    let (store, config) = (&shared.store, &*shared.config);
    match w {
        Write::Save { key, record, deadline, existing } => {
            bounded(config, store.save(key, record, *deadline, *existing)).await
        }
        Write::Tombstone { key, record, deadline } => {
            bounded(config, store.save(key, record, Some(*deadline), false)).await
        }
        Write::Merge { key, delta, record, deadline } => {
            bounded(config, store.merge(key, base, delta, record, *deadline)).await
        }
        Write::Touch { key, record, deadline } => bounded(config, store.touch(key, record, *deadline)).await,
        Write::Destroy { key } => bounded(config, store.destroy(key)).await,
    }
}

/// What the flow reads off the request, owned (the request's body type need not be `Sync`).
struct ReqFacts {
    cookies: Option<String>,
    id_header: Option<String>,
    path: String,
    method: String,
}

impl ReqFacts {
    fn of<B>(config: &SessionConfig, req: &Request<B>) -> ReqFacts {
        // the id header, sent once (a repeated header counts as not sent, as in Node)
        let id_header = config.header.as_deref().and_then(|name| {
            let mut values = req.headers().get_all(name).iter();
            match (values.next(), values.next()) {
                (Some(v), None) => v.to_str().ok().map(str::to_owned),
                _ => None,
            }
        });
        ReqFacts {
            cookies: cookie_header(req).map(std::borrow::Cow::into_owned),
            id_header,
            path: req.uri().path().to_owned(),
            method: req.method().as_str().to_owned(),
        }
    }
}

/// The session as the request starts (loaded, new, read-only, or none: off the cookie's path),
/// and where it was found.
async fn load<St: SessionStore>(
    shared: &Shared<St>,
    req: &ReqFacts,
    now: i64,
) -> Result<(State, Option<Lookup>), (Failure, bool)> {
    let config = &shared.config;
    let flow = &shared.flow;
    let incoming = Incoming {
        cookie_header: req.cookies.as_deref(),
        id_header: req.id_header.as_deref(),
        parsed_signed: None,
        parsed_raw: None,
        path: &req.path,
        cookie_path: &config.cookie.path,
    };
    let mut lookup = match flow.begin(&incoming) {
        Begin::Skip => return Ok((State::skipped(config), None)),
        Begin::New { by_header, .. } => return Ok((fresh(shared, by_header)?, None)),
        Begin::Load(l) => l,
    };
    let by_header = lookup.by_header;
    let fail = |e: Failure| (e, by_header);
    let method = req.method.as_str();
    loop {
        let found = bounded(config, shared.store.load(&lookup.key)).await.map_err(|e| fail(Failure::Store(e)))?;
        match flow.loaded(&mut lookup, found.as_deref(), method, now) {
            Loaded::Load => continue,
            Loaded::Ready { moved } => {
                let text = found.unwrap_or_default();
                if let Some((to, from)) = moved {
                    // a record from before hash_ids: moved to its key (not removed is not the
                    // request's failure: it expires as it would have)
                    bounded(config, shared.store.save(&to, &text, None, false))
                        .await
                        .map_err(|e| fail(Failure::Store(e)))?;
                    let _ = bounded(config, shared.store.destroy(&from)).await;
                    lookup.key = to;
                }
                let mut st = State::loaded(config, lookup.id.clone(), text);
                st.by_header = by_header;
                if let Some(user) = user_of(config, &mut st) {
                    if shared.store.indexes_users() {
                        let s = bounded(config, shared.store.user_state(&user, &lookup.key))
                            .await
                            .map_err(|e| fail(Failure::Store(e)))?;
                        if let Some(Loaded::Over { destroy, .. }) =
                            flow.signed_out(&lookup.id, s.since, s.before, s.kept)
                        {
                            let _ = bounded(config, shared.store.destroy(&destroy)).await;
                            return Ok((fresh(shared, by_header)?, Some(lookup)));
                        }
                    }
                }
                return Ok((st, Some(lookup)));
            }
            Loaded::ReadOnly { record } => {
                let mut st = State::read_only(lookup.id.clone(), record);
                st.by_header = by_header;
                return Ok((st, Some(lookup)));
            }
            Loaded::Over { destroy, .. } => {
                // a failed destroy is not the request's failure: the record is over either way
                let _ = bounded(config, shared.store.destroy(&destroy)).await;
                return Ok((fresh(shared, by_header)?, Some(lookup)));
            }
            Loaded::Missing => return Ok((fresh(shared, by_header)?, Some(lookup))),
            Loaded::Refused => return Err(fail(Failure::Core(Error::Regenerated))),
            Loaded::Bad(e) => return Err(fail(Failure::Core(e))),
        }
    }
}

/// A new session: genid's id, as the flow takes it (refused: too short for hash_ids, too long
/// for a cookie).
fn fresh<St>(shared: &Shared<St>, by_header: bool) -> Result<State, (Failure, bool)> {
    let id = shared.config.new_id();
    shared.flow.generated(&id).map_err(|e| (Failure::Core(e), by_header))?;
    let mut st = State::fresh(&shared.config, id);
    st.by_header = by_header;
    Ok(st)
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

fn header_text(h: &http::HeaderMap, name: http::header::HeaderName) -> Option<String> {
    let mut all = h.get_all(name).iter().filter_map(|v| v.to_str().ok());
    let first = all.next()?;
    let mut out = first.to_owned();
    for v in all {
        out.push_str(", ");
        out.push_str(v);
    }
    Some(out)
}

/// The response goes out: the writes the handler asked for (a regenerate's tombstone and
/// destroy), the flow's response step, its headers, its store write, the user index.
#[allow(clippy::too_many_arguments)]
async fn finish<St: SessionStore, RB>(
    shared: &Shared<St>,
    session: &Session,
    lookup: Option<&Lookup>,
    secure: bool,
    started: i64,
    user_agent: &str,
    res: &mut Response<RB>,
) -> Result<(), Failure> {
    let config = &shared.config;
    let now = config.now();
    let (fx, pending, base, user, by_header) = {
        let mut st = session.lock();
        if st.skipped {
            return Ok(());
        }
        let pending = std::mem::take(&mut st.pending);
        // the session's JSON: a new text only when it changed (else the record as loaded, not copied)
        let changed = if st.destroyed || st.read_only { None } else { st.changed_json() };
        let ops = st.ops_text();
        let cookie = lookup.filter(|_| !st.read_only);
        let (vary, cache_control) =
            (header_text(res.headers(), http::header::VARY), header_text(res.headers(), http::header::CACHE_CONTROL));
        let fx = {
            let st = &*st;
            let json =
                if st.destroyed || st.read_only { None } else { Some(changed.as_deref().unwrap_or(&st.original)) };
            let same = !st.destroyed && st.original_id == st.id;
            let r = Respond {
                facts: Facts {
                    phase: Phase::Both,
                    now,
                    secure,
                    cookie_present: cookie.is_some(),
                    cookie_matches: cookie.is_some_and(|c| c.id == st.id),
                    cookie_old_secret: cookie.is_some_and(|c| c.secret_index > 0),
                    session_id: Some(&st.id),
                    same_original_id: same,
                    original: Some(&st.original),
                    saved: st.saved(),
                    saved_is_original: st.saved_is_original || st.saved.as_deref() == Some(st.original.as_str()),
                    session: json,
                    destroyed: st.destroyed,
                    touched: false,
                    store_touch: true,
                    want_record: true,
                    want_delta: false,
                    ops: Ops { inc: ops.0.as_deref(), push: None },
                    signed: cookie.filter(|c| c.id == st.id).and_then(|c| c.signed.as_deref()),
                },
                from_store: st.from_store,
                by_header: st.by_header,
                id_header_name: config.header.as_deref(),
                read_only: st.read_only,
                store_failed: st.store_failed,
                merges: shared.store.merges(),
                lazy_delta: false,
                vary: vary.as_deref(),
                cache_control: cache_control.as_deref(),
            };
            shared.flow.respond(&r).map_err(Failure::Core)?
        };
        // the record the delta was made against (the merge's first compare-and-set expects it)
        let base = match fx.write {
            Some(Write::Merge { .. }) => st.saved().unwrap_or(&st.original).to_owned(),
            _ => String::new(),
        };
        let user = if fx.index { user_of(config, &mut st) } else { None };
        (fx, pending, base, user, st.by_header)
    };

    let headers = res.headers_mut();
    if let Some(v) = fx.set_cookie.as_deref().and_then(|v| HeaderValue::from_str(v).ok()) {
        headers.append(http::header::SET_COOKIE, v);
    }
    if let (Some(name), Some(v)) = (config.header.as_deref().filter(|_| by_header), fx.id_header.as_deref()) {
        if let (Ok(n), Ok(v)) = (http::HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_str(v)) {
            headers.insert(n, v);
        }
    }
    if let Some(v) = fx.vary.as_deref().and_then(|v| HeaderValue::from_str(v).ok()) {
        headers.insert(http::header::VARY, v);
    }
    if let Some(v) = fx.cache_control.as_deref().and_then(|v| HeaderValue::from_str(v).ok()) {
        headers.insert(http::header::CACHE_CONTROL, v);
    }

    for w in &pending {
        execute(shared, w, "").await?;
    }
    let store = &shared.store;
    if let Some(w) = &fx.write {
        execute(shared, w, &base).await?;
    }
    if let (Some(user), Some(w)) = (user.filter(|_| store.indexes_users()), fx.write.as_ref()) {
        let info = UserInfo {
            since: started,
            last_seen: now,
            user_agent: user_agent.chars().take(USER_AGENT_LIMIT).collect(),
            expires: fx.out.deadline,
        };
        // a failed index write is safe (the next sign-out everywhere ends an unindexed session)
        let _ = bounded(config, store.index_user(&user, w.key(), &info)).await;
    }
    Ok(())
}
