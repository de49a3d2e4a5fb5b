//! The layer's options: express-session's (`name`, `resave`, `saveUninitialized`, `rolling`,
//! `unset`), session-core's timeouts, the cookie's attributes, and the hooks a test injects (the
//! clock, the id generator). A builder over a `#[non_exhaustive]` struct: options are added without
//! breaking code that builds one.

use crate::error::Error;
use crate::rules;
use crate::session::{SessionOptions, Timeouts};
use std::fmt;
use std::sync::Arc;

/// The cookie's attributes for new sessions, as express-session's `cookie` option.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct CookieConfig {
    /// `maxAge` in ms; `None`: a browser-session cookie (express-session's default).
    pub max_age: Option<f64>,
    /// `Some(false)` is written to the record as given (as express-session writes `secure: false`).
    pub secure: Option<bool>,
    pub http_only: bool,
    pub domain: Option<String>,
    pub path: String,
    /// `"lax"`, `"strict"`, `"none"`, or `None`.
    pub same_site: Option<String>,
    pub partitioned: Option<bool>,
    /// `"low"`, `"medium"`, `"high"`, or `None`.
    pub priority: Option<String>,
}

impl Default for CookieConfig {
    fn default() -> Self {
        CookieConfig {
            max_age: None,
            secure: None,
            http_only: true,
            domain: None,
            path: "/".into(),
            same_site: None,
            partitioned: None,
            priority: None,
        }
    }
}

impl CookieConfig {
    /// The record's `cookie` object of a new session, as `Cookie#toJSON()` writes it (express-session's
    /// key order, absent keys left out; `expires` is set by the core when the session is touched).
    pub(crate) fn record_json(&self) -> String {
        let mut out = String::from("{\"cookie\":{");
        let mut push = |k: &str, v: String| {
            if !out.ends_with('{') {
                out.push(',');
            }
            out.push('"');
            out.push_str(k);
            out.push_str("\":");
            out.push_str(&v);
        };
        let text = |s: &str| serde_json::Value::String(s.to_owned()).to_string();
        // f64's Display prints what JavaScript prints for the values a max age takes (86400000, 1.5)
        push("originalMaxAge", self.max_age.map_or("null".into(), |m| format!("{m}")));
        if let Some(p) = self.partitioned {
            push("partitioned", p.to_string());
        }
        if let Some(p) = &self.priority {
            push("priority", text(p));
        }
        push("expires", "null".into());
        if let Some(on) = self.secure {
            push("secure", on.to_string());
        }
        push("httpOnly", self.http_only.to_string());
        if let Some(d) = &self.domain {
            push("domain", text(d));
        }
        push("path", text(&self.path));
        if let Some(s) = &self.same_site {
            push("sameSite", text(s));
        }
        out.push_str("}}");
        out
    }
}

use super::Clock;
type GenId = Arc<dyn Fn() -> String + Send + Sync>;

/// Everything [`super::SessionLayer`] needs: secrets (the first signs, all verify) and options.
///
/// ```
/// use session_core::server::SessionConfig;
/// let config = SessionConfig::new(["new secret", "old secret"])
///     .name("sid")
///     .max_age(86_400_000.0)
///     .idle_timeout(1_800_000.0)
///     .resave(false)
///     .save_uninitialized(false)
///     .user_key("user");
/// # let _ = config;
/// ```
#[derive(Clone)]
#[non_exhaustive]
pub struct SessionConfig {
    pub(crate) secrets: Vec<Vec<u8>>,
    /// The core's options (the cookie name, resave, saveUninitialized, rolling, unset, timeouts).
    pub session: SessionOptions,
    pub cookie: CookieConfig,
    /// `Vary: Cookie` and `Cache-Control: no-cache="Set-Cookie"` (as the Express middleware's `cacheHeaders`).
    pub cache_headers: bool,
    /// Trust `X-Forwarded-Proto` for "is this request secure" (express-session's `proxy: true`).
    pub trust_proxy: bool,
    /// The data key naming the session's user (the Express middleware's `user` option, as
    /// `(req) => req.session[key]`): turns on the per-user index when the store keeps one.
    pub user_key: Option<String>,
    /// Ids hashed at rest (the Express middleware's `hashIds`): the store sees
    /// base64url(SHA-256(id)) wherever it would see an id ([`crate::session::store_keys`]).
    pub hash_ids: bool,
    /// The grace window after a regenerate, ms (`regenerateGrace`; at most
    /// [`crate::options::MAX_REGENERATE_GRACE_MS`]): see [`crate::session::grace`].
    pub regenerate_grace: Option<f64>,
    /// The request header that may carry the signed id when no session cookie is sent (the
    /// `header` option, lower case): see [`crate::session::carrier`].
    pub header: Option<String>,
    /// The bound of every store call (the `storeTimeout` option; default 5 s, as the Express
    /// middleware's): a store that has not answered by then fails the request with 503
    /// `ESESSIONSTORE_TIMEOUT`. `None`: unbounded.
    pub store_timeout: Option<std::time::Duration>,
    pub(crate) clock: Option<Clock>,
    pub(crate) genid: Option<GenId>,
}

impl fmt::Debug for SessionConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // never the secrets' bytes
        f.debug_struct("SessionConfig")
            .field("secrets", &self.secrets.len())
            .field("session", &self.session)
            .field("cookie", &self.cookie)
            .field("cache_headers", &self.cache_headers)
            .field("trust_proxy", &self.trust_proxy)
            .field("user_key", &self.user_key)
            .field("hash_ids", &self.hash_ids)
            .field("regenerate_grace", &self.regenerate_grace)
            .field("header", &self.header)
            .field("store_timeout", &self.store_timeout)
            .finish_non_exhaustive()
    }
}

impl SessionConfig {
    /// A configuration with express-session's defaults and these secrets (newest first).
    pub fn new<I, S>(secrets: I) -> SessionConfig
    where
        I: IntoIterator<Item = S>,
        S: AsRef<[u8]>,
    {
        SessionConfig {
            secrets: secrets.into_iter().map(|s| s.as_ref().to_vec()).collect(),
            session: SessionOptions::default(),
            cookie: CookieConfig::default(),
            cache_headers: true,
            trust_proxy: false,
            user_key: None,
            hash_ids: false,
            regenerate_grace: None,
            header: None,
            store_timeout: Some(std::time::Duration::from_millis(5000)),
            clock: None,
            genid: None,
        }
    }

    /// The cookie's name (default `connect.sid`).
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.session.name = name.into();
        self
    }
    /// Save unmodified sessions back (default true, as express-session).
    pub fn resave(mut self, on: bool) -> Self {
        self.session.resave = on;
        self
    }
    /// Store and send new sessions nothing was put in (default true, as express-session).
    pub fn save_uninitialized(mut self, on: bool) -> Self {
        self.session.save_uninitialized = on;
        self
    }
    /// Send the cookie on every response (default false).
    pub fn rolling(mut self, on: bool) -> Self {
        self.session.rolling = on;
        self
    }
    /// The idle timeout, ms.
    pub fn idle_timeout(mut self, ms: f64) -> Self {
        self.session.timeouts.idle_timeout = Some(ms);
        self
    }
    /// The absolute timeout, ms.
    pub fn absolute_timeout(mut self, ms: f64) -> Self {
        self.session.timeouts.absolute_timeout = Some(ms);
        self
    }
    /// How stale `lastSeen` may get before a request writes it (default: a tenth of the idle timeout, at most 60 s).
    pub fn touch_after(mut self, ms: f64) -> Self {
        self.session.timeouts.touch_after = Some(ms);
        self
    }
    /// All the timeouts at once.
    pub fn timeouts(mut self, t: Timeouts) -> Self {
        self.session.timeouts = t;
        self
    }
    /// The cookie's `maxAge`, ms.
    pub fn max_age(mut self, ms: f64) -> Self {
        self.cookie.max_age = Some(ms);
        self
    }
    /// The cookie's attributes.
    pub fn cookie(mut self, cookie: CookieConfig) -> Self {
        self.cookie = cookie;
        self
    }
    /// See [`SessionConfig::cache_headers`].
    pub fn cache_headers(mut self, on: bool) -> Self {
        self.cache_headers = on;
        self
    }
    /// See [`SessionConfig::trust_proxy`].
    pub fn trust_proxy(mut self, on: bool) -> Self {
        self.trust_proxy = on;
        self
    }
    /// See [`SessionConfig::user_key`].
    pub fn user_key(mut self, key: impl Into<String>) -> Self {
        self.user_key = Some(key.into());
        self
    }
    /// See [`SessionConfig::hash_ids`] (`hashIds`): ids generated must then have at least 22
    /// characters ([`crate::session::hashable_id`]).
    pub fn hash_ids(mut self, on: bool) -> Self {
        self.hash_ids = on;
        self
    }
    /// See [`SessionConfig::regenerate_grace`] (`regenerateGrace`, ms; 0 turns it off).
    pub fn regenerate_grace(mut self, ms: f64) -> Self {
        self.regenerate_grace = (ms != 0.0).then_some(ms);
        self
    }
    /// See [`SessionConfig::header`] (`header: 'x-session-id'`).
    pub fn header(mut self, name: impl Into<String>) -> Self {
        self.header = Some(name.into().to_ascii_lowercase());
        self
    }
    /// See [`SessionConfig::store_timeout`] (`storeTimeout`, ms as the Express option takes it).
    pub fn store_timeout(mut self, t: std::time::Duration) -> Self {
        self.store_timeout = Some(t);
        self
    }
    /// The clock, ms since the epoch (default: the system clock). For tests and recorded scenarios.
    pub fn clock(mut self, now: impl Fn() -> i64 + Send + Sync + 'static) -> Self {
        self.clock = Some(Arc::new(now));
        self
    }
    /// The id generator (express-session's `genid`; default [`crate::generate_session_id`]).
    pub fn genid(mut self, f: impl Fn() -> String + Send + Sync + 'static) -> Self {
        self.genid = Some(Arc::new(f));
        self
    }

    /// Checks every option; the error names the one at fault. The rules and their words are the
    /// Express middleware's options checker's ([`crate::options`]).
    pub fn validate(&self) -> Result<(), Error> {
        self.session.validate()?;
        rules::secrets("secret", &self.secrets)?;
        if let Some(m) = self.cookie.max_age {
            rules::check_max_age("cookie.maxAge", m)?;
        }
        if let Some(t) = self.store_timeout {
            rules::store_timeout(t.as_secs_f64() * 1000.0)?;
        }
        if let Some(g) = self.regenerate_grace {
            rules::regenerate_grace(g)?;
        }
        if let Some(h) = &self.header {
            rules::id_header(h)?;
        }
        let c = &self.cookie;
        rules::attributes(c.domain.as_deref(), Some(&c.path), c.same_site.as_deref(), c.priority.as_deref())
    }

    /// The core's options with this configuration's own (hash_ids, regenerate_grace, cache_headers).
    pub(crate) fn flow_options(&self) -> SessionOptions {
        SessionOptions {
            hash_ids: self.hash_ids,
            regenerate_grace: self.grace().unwrap_or(0.0),
            cache_headers: self.cache_headers,
            ..self.session.clone()
        }
    }

    pub(crate) fn now(&self) -> i64 {
        super::now(self.clock.as_ref())
    }

    /// The grace window in ms, when on.
    pub(crate) fn grace(&self) -> Option<f64> {
        self.regenerate_grace.filter(|g| *g > 0.0)
    }

    /// The key the store sees for session `id`.
    pub(crate) fn key_of<'a>(&self, id: &'a str) -> std::borrow::Cow<'a, str> {
        if self.hash_ids {
            std::borrow::Cow::Owned(crate::session::store_key(id))
        } else {
            std::borrow::Cow::Borrowed(id)
        }
    }

    pub(crate) fn new_id(&self) -> String {
        match &self.genid {
            Some(g) => g(),
            None => crate::generate_session_id(),
        }
    }
}
