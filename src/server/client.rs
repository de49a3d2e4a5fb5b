//! Cookie-session mode: the whole session in the cookie, as `session-core/cookie-session` keeps it
//! (cookie-session's signed cookies, or session-core's sealed ones), so an Express app on
//! `session-core/cookie-session` and an axum app with the same keys read and write each other's
//! cookies. Two core calls per request, as the Node middleware makes them:
//! [`ClientSession::load`] and [`ClientSession::commit`].

use crate::client::{ClientOptions, ClientSession, CommitInput, CommitOptions, CookieAttrs, Loaded};
use crate::error::Error;
use http::{HeaderValue, Request, Response, StatusCode};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};

use super::Clock;
type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;
/// The app's `notBefore`: the cut-off (ms) for a session's data, or `None` (none for it).
type NotBefore = Arc<dyn Fn(&Map<String, Value>) -> BoxFuture<Option<i64>> + Send + Sync>;

/// The options of [`CookieSessionLayer`]: `session-core/cookie-session`'s, and the keys (the
/// first signs or seals, all verify or open).
///
/// ```
/// use session_core::server::CookieSessionConfig;
/// let config = CookieSessionConfig::new(["key one", "key two"]).encrypt(true).max_age(86_400_000.0);
/// # let _ = config;
/// ```
#[derive(Clone)]
#[non_exhaustive]
pub struct CookieSessionConfig {
    keys: Vec<Vec<u8>>,
    /// The core's options (name, algorithm, signed, encrypt, timeouts, migrateSigned).
    pub options: ClientOptions,
    /// The cookie's attributes (`maxAge`, `sameSite`, …), as cookie-session's options.
    pub cookie: CookieAttrs,
    /// Trust `X-Forwarded-Proto` for "is this request secure".
    pub trust_proxy: bool,
    /// `Vary: Cookie` and `Cache-Control: no-cache="Set-Cookie"`.
    pub cache_headers: bool,
    clock: Option<Clock>,
    not_before: Option<NotBefore>,
}

impl fmt::Debug for CookieSessionConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CookieSessionConfig")
            .field("keys", &self.keys.len())
            .field("options", &self.options)
            .field("cookie", &self.cookie)
            .finish_non_exhaustive()
    }
}

impl CookieSessionConfig {
    /// cookie-session's defaults (cookie `session`, signed with keygrip's sha1) and these keys.
    pub fn new<I: IntoIterator<Item = S>, S: AsRef<[u8]>>(keys: I) -> Self {
        CookieSessionConfig {
            keys: keys.into_iter().map(|k| k.as_ref().to_vec()).collect(),
            options: ClientOptions::default(),
            cookie: CookieAttrs::default(),
            trust_proxy: false,
            cache_headers: true,
            clock: None,
            not_before: None,
        }
    }
    /// The cookie's name (default `session`).
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.options.name = name.into();
        self
    }
    /// Seal the session (session-core's encrypted mode) instead of signing a readable body.
    pub fn encrypt(mut self, on: bool) -> Self {
        self.options.encrypt = on;
        self
    }
    /// The cookie's `maxAge`, ms.
    pub fn max_age(mut self, ms: f64) -> Self {
        self.cookie.max_age = Some(ms);
        self
    }
    /// The cookie's attributes.
    pub fn cookie(mut self, attrs: CookieAttrs) -> Self {
        self.cookie = attrs;
        self
    }
    /// The idle timeout, ms (encrypted mode: it travels sealed in the cookie).
    pub fn idle_timeout(mut self, ms: f64) -> Self {
        self.options.timeouts.idle_timeout = Some(ms);
        self
    }
    /// The absolute timeout, ms (encrypted mode).
    pub fn absolute_timeout(mut self, ms: f64) -> Self {
        self.options.timeouts.absolute_timeout = Some(ms);
        self
    }

    /// Revocable sessions (`notBefore`): `f` answers, for a session's data, the time (ms since the
    /// epoch) before which no cookie of it counts (the user's last password change, a "sign out
    /// everywhere"), or `None`. A cookie issued before it is treated as absent (a fresh session);
    /// every cookie written carries its issue time, and one without (written before the option was
    /// on, or by cookie-session) counts as issued at 0 ([`crate::client::revoked`]). Looked up
    /// before the handler runs, for every request with a session. To fail closed when the lookup
    /// fails, answer `Some(i64::MAX)`.
    ///
    /// ```
    /// use session_core::server::CookieSessionConfig;
    /// let c = CookieSessionConfig::new(["a key of 32 bytes or more, random"])
    ///     .not_before(|data| {
    ///         let user = data.get("user").and_then(|u| u.as_str()).map(str::to_owned);
    ///         async move { user.map(|_| 1_700_000_000_000) } // e.g. a database lookup
    ///     });
    /// # let _ = c;
    /// ```
    pub fn not_before<F, Fut>(mut self, f: F) -> Self
    where
        F: Fn(&Map<String, Value>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Option<i64>> + Send + 'static,
    {
        self.options.not_before = true;
        self.not_before = Some(Arc::new(move |data| Box::pin(f(data))));
        self
    }

    /// [`CookieSessionConfig::not_before`] with a plain function (no lookup to wait for).
    pub fn not_before_sync(self, f: impl Fn(&Map<String, Value>) -> Option<i64> + Send + Sync + 'static) -> Self {
        self.not_before(move |data| std::future::ready(f(data)))
    }

    /// `compress: true`: the session deflated inside the signed or sealed value when that makes
    /// it shorter; `csrfSecret` stays outside the deflated part (see
    /// [`CookieSessionConfig::compress_secret_fields`]). Inflated only after the signature or seal
    /// verifies, at most 64 KB.
    pub fn compress(mut self, on: bool) -> Self {
        self.options.compress = on.then(|| self.options.compress.take().unwrap_or_default());
        self
    }

    /// `compress: { secretFields }`: top-level fields kept outside the deflated part beside
    /// `csrfSecret` (their values must not leak through the cookie's length). Turns `compress` on.
    pub fn compress_secret_fields<I: IntoIterator<Item = S>, S: Into<String>>(mut self, fields: I) -> Self {
        let c = self.options.compress.get_or_insert_with(Default::default);
        c.secret_fields = fields.into_iter().map(Into::into).collect();
        self
    }

    /// `chunk: true`: a value too long for one cookie goes over `<name>.0`, `<name>.1`, … (at most
    /// 3), verified as one; chunks a smaller session no longer uses are expired. The session's
    /// cookies take at most 6 KB of the request's `Cookie` header in all (nginx's and Apache's
    /// default limit for one header is 8 KB): see [`CookieSessionConfig::chunk_max_bytes`].
    pub fn chunk(mut self, on: bool) -> Self {
        self.options.chunk = on.then(|| self.options.chunk.take().unwrap_or_default());
        self
    }

    /// `chunk: { maxBytes }`: the most bytes of `Cookie` header the session's cookies (chunks and
    /// signature) may take in all, from 4096 to 16384 (default 6144). Over 8 KB, a client behind
    /// nginx or Apache with their default limits (8 KB per request header), or curl (about 8 KB
    /// of cookies), loses the session. Turns `chunk` on.
    ///
    /// ```
    /// use session_core::server::{CookieSessionConfig, CookieSessionLayer};
    /// let config = CookieSessionConfig::new(["a key"]).chunk_max_bytes(12_288);
    /// assert!(CookieSessionLayer::new(config).is_ok());
    /// let e = CookieSessionLayer::new(CookieSessionConfig::new(["a key"]).chunk_max_bytes(100_000)).unwrap_err();
    /// assert_eq!(e.field(), Some("chunk.maxBytes"));
    /// ```
    pub fn chunk_max_bytes(mut self, bytes: usize) -> Self {
        self.options.chunk = Some(crate::client::Chunk { max_bytes: bytes });
        self
    }
    /// The clock, ms since the epoch (default: the system clock).
    pub fn clock(mut self, now: impl Fn() -> i64 + Send + Sync + 'static) -> Self {
        self.clock = Some(Arc::new(now));
        self
    }
    fn now(&self) -> i64 {
        super::now(self.clock.as_ref())
    }
}

/// A [`tower_layer::Layer`] giving every request a [`CookieSession`].
pub struct CookieSessionLayer {
    shared: Arc<Shared>,
}

impl Clone for CookieSessionLayer {
    fn clone(&self) -> Self {
        CookieSessionLayer { shared: self.shared.clone() }
    }
}

impl fmt::Debug for CookieSessionLayer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CookieSessionLayer").field("config", &self.shared.config).finish()
    }
}

struct Shared {
    core: ClientSession,
    config: CookieSessionConfig,
}

impl CookieSessionLayer {
    /// Checks the options (the error names the one at fault; the rules and their words are
    /// cookie-session's options checker's, [`crate::options`]) and makes the layer.
    pub fn new(config: CookieSessionConfig) -> Result<CookieSessionLayer, Error> {
        let c = &config.cookie;
        if let Some(m) = c.max_age {
            crate::rules::check_max_age("maxAge", m)?;
        }
        crate::rules::attributes(
            c.domain.as_deref(),
            c.path.as_deref(),
            c.same_site.as_deref(),
            c.priority.as_deref(),
        )?;
        let core = ClientSession::new(config.options.clone(), &config.keys)?;
        Ok(CookieSessionLayer { shared: Arc::new(Shared { core, config }) })
    }
}

impl<S> tower_layer::Layer<S> for CookieSessionLayer {
    type Service = CookieSessionService<S>;
    fn layer(&self, inner: S) -> Self::Service {
        CookieSessionService { shared: self.shared.clone(), inner }
    }
}

/// The service [`CookieSessionLayer`] wraps around the app.
pub struct CookieSessionService<S> {
    shared: Arc<Shared>,
    inner: S,
}

impl<S: Clone> Clone for CookieSessionService<S> {
    fn clone(&self) -> Self {
        CookieSessionService { shared: self.shared.clone(), inner: self.inner.clone() }
    }
}

impl<S: fmt::Debug> fmt::Debug for CookieSessionService<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CookieSessionService").field("inner", &self.inner).finish_non_exhaustive()
    }
}

impl<S, B, RB> tower_service::Service<Request<B>> for CookieSessionService<S>
where
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
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let shared = self.shared.clone();
        Box::pin(async move {
            let secure = super::layer::is_secure(&req, shared.config.trust_proxy);
            let header = req
                .headers()
                .get_all(http::header::COOKIE)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .collect::<Vec<_>>()
                .join("; ");
            let mut loaded = shared.core.load(&header, shared.config.now());
            if let Some(f) = shared.config.not_before.as_ref().filter(|_| loaded.body.is_some()) {
                // notBefore: the app's cut-off for this session, before the handler runs
                let data = loaded.body.as_deref().and_then(|b| serde_json::from_str(b).ok()).unwrap_or_default();
                let cut = f(&data).await;
                if crate::client::revoked(loaded.issued_at, cut.map(|t| t as f64)) {
                    // a fresh session; which cookies the request carried still counts (they are expired)
                    loaded = Loaded {
                        reason: Some("revoked"),
                        clear_sig: loaded.clear_sig,
                        present: loaded.present,
                        ..Loaded::default()
                    };
                }
            }
            let session = CookieSession {
                state: Arc::new(Mutex::new(ClientState {
                    loaded,
                    data: None,
                    dirty: false,
                    accessed: false,
                    unset: false,
                })),
            };
            req.extensions_mut().insert(session.clone());
            let mut res = inner.call(req).await?;
            commit(&shared, &session, secure, &mut res);
            Ok(res)
        })
    }
}

/// The cache headers of the response, as the core gives them ([`crate::flow::cache_headers`]).
fn cache_headers<RB>(config: &CookieSessionConfig, res: &mut Response<RB>, sets_cookie: bool) {
    if !config.cache_headers {
        return;
    }
    let text = |name: http::header::HeaderName| {
        let all: Vec<&str> = res.headers().get_all(name).iter().filter_map(|v| v.to_str().ok()).collect();
        (!all.is_empty()).then(|| all.join(", "))
    };
    let (vary, cc) = crate::flow::cache_headers(
        text(http::header::VARY).as_deref(),
        text(http::header::CACHE_CONTROL).as_deref(),
        sets_cookie,
    );
    let headers = res.headers_mut();
    if let Some(v) = vary.and_then(|v| HeaderValue::from_str(&v).ok()) {
        headers.insert(http::header::VARY, v);
    }
    if let Some(v) = cc.and_then(|v| HeaderValue::from_str(&v).ok()) {
        headers.insert(http::header::CACHE_CONTROL, v);
    }
}

fn commit<RB: Default>(shared: &Shared, session: &CookieSession, secure: bool, res: &mut Response<RB>) {
    let config = &shared.config;
    let st = session.lock();
    if !st.accessed {
        cache_headers(config, res, false);
        return;
    }
    let json = match (&st.data, st.dirty) {
        (Some(map), true) => serde_json::to_string(map).unwrap_or_else(|_| "{}".into()),
        _ => st.loaded.body.clone().unwrap_or_else(|| "{}".into()),
    };
    let l = &st.loaded;
    let input = CommitInput {
        now: config.now(),
        secure,
        accessed: true,
        unset: st.unset,
        is_new: l.body.is_none(),
        raw: l.raw.clone(),
        original: l.body.as_deref(),
        session: (!st.unset).then_some(json.as_str()),
        key_index: l.key_index,
        clear_sig: l.clear_sig,
        migrated: l.migrated,
        created_at: l.created_at,
        last_seen: l.last_seen,
        issued_at: l.issued_at,
        present: l.present,
        options: CommitOptions { attrs: config.cookie.clone(), signed: None },
    };
    let out = match shared.core.commit(&input) {
        Ok(o) => o,
        Err(_) => return cache_headers(config, res, false),
    };
    if out.too_large.is_some() {
        // the session did not fit in a cookie: nothing is sent, and the response says so
        *res = Response::new(RB::default());
        *res.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
        return cache_headers(config, res, false);
    }
    let headers = res.headers_mut();
    for (_, value) in &out.set_cookies {
        if let Ok(v) = HeaderValue::from_str(value) {
            headers.append(http::header::SET_COOKIE, v);
        }
    }
    cache_headers(config, res, !out.set_cookies.is_empty());
}

#[derive(Debug)]
struct ClientState {
    loaded: Loaded,
    data: Option<Map<String, Value>>,
    dirty: bool,
    accessed: bool,
    unset: bool,
}

impl ClientState {
    fn data(&mut self) -> &mut Map<String, Value> {
        self.accessed = true;
        if self.data.is_none() {
            let map = self.loaded.body.as_deref().and_then(|b| serde_json::from_str(b).ok()).unwrap_or_default();
            self.data = Some(map);
        }
        self.data.get_or_insert_with(Map::new)
    }
}

/// The cookie session of one request (an axum extractor). Clones share it.
#[derive(Clone)]
pub struct CookieSession {
    state: Arc<Mutex<ClientState>>,
}

impl fmt::Debug for CookieSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CookieSession").finish_non_exhaustive()
    }
}

impl CookieSession {
    fn lock(&self) -> MutexGuard<'_, ClientState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The value at `key`, when there is one of type `T`.
    pub async fn get<T: DeserializeOwned>(&self, key: &str) -> Option<T> {
        self.lock().data().get(key).and_then(|v| T::deserialize(v).ok())
    }

    /// Sets `key`.
    pub async fn insert<T: Serialize>(&self, key: &str, value: T) -> Result<(), serde_json::Error> {
        let v = serde_json::to_value(value)?;
        let mut st = self.lock();
        st.unset = false;
        st.dirty = true;
        st.data().insert(key.to_owned(), v);
        Ok(())
    }

    /// Removes `key`, answering its value when it was a `T`.
    pub async fn remove<T: DeserializeOwned>(&self, key: &str) -> Option<T> {
        let mut st = self.lock();
        st.dirty = true;
        st.data().shift_remove(key).and_then(|v| T::deserialize(v).ok())
    }

    /// Ends the session: the cookie is cleared (`req.session = null`).
    pub async fn destroy(&self) {
        let mut st = self.lock();
        st.accessed = true;
        st.unset = true;
    }

    /// A fresh CSRF token of the session's secret (kept at `csrfSecret`).
    pub async fn csrf_token(&self) -> String {
        let mut st = self.lock();
        let secret = match st.data().get("csrfSecret") {
            Some(Value::String(s)) if !s.is_empty() => s.clone(),
            _ => {
                let s = crate::csrf::new_secret();
                st.dirty = true;
                st.data().insert("csrfSecret".into(), Value::String(s.clone()));
                s
            }
        };
        crate::csrf::token(&secret)
    }
}

impl<S: Send + Sync> axum_core::extract::FromRequestParts<S> for CookieSession {
    type Rejection = super::SessionMissing;

    async fn from_request_parts(parts: &mut http::request::Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<CookieSession>().cloned().ok_or(super::SessionMissing)
    }
}
