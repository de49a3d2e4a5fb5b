//! The door-parity suite, Rust side: every row of tests/parity/server.json through the tower layer
//! (`SessionLayer` + the `Session` extractor), on `RedisStore` (a redis-server of the test's own)
//! and on `MemoryStore`; every row of tests/parity/client.json through `CookieSessionLayer`. Each
//! request's outcome — status and error code, body, every `Set-Cookie`, `Vary`, `Cache-Control`,
//! the id header, the store effects in order (seen through a recording `SessionStore` around the
//! store) and the store's contents after — is compared byte for byte with the row's `expect`, as
//! tests/node/door-parity.test.js compares the Node doors. Fixed clock (`SessionConfig::clock`),
//! fixed ids (`genid`). A row the layer cannot express (an option or a handler step it has no API
//! for) fails, naming what is missing, unless the table's `skip` lists it for this door.
#![cfg(all(feature = "redis", not(target_arch = "wasm32")))]

use axum::body::Body;
use axum::Router;
use http::Request;
use serde_json::{json, Map, Value};
use session_core::client::seal::{open, SealKey};
use session_core::client::CookieAttrs;
use session_core::server::{
    CookieConfig, CookieSession, CookieSessionConfig, CookieSessionLayer, MemoryStore, RedisStore, Session,
    SessionConfig, SessionError, SessionLayer, SessionStore, StoreError, UserInfo, UserState,
};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tower::ServiceExt;

#[path = "common/redis_server.rs"]
mod redis_server;
use redis_server::Redis;

const SERVER: &str = include_str!("parity/server.json");
const CLIENT: &str = include_str!("parity/client.json");
const DOOR: &str = "rust";
/// A request still unanswered after this (a store that never answers, nothing bounding it) is cut off.
const HANG: Duration = Duration::from_millis(1000);
const GRACE_PREFIX: &str = "regenerated:";

// ---- the recording store ------------------------------------------------------------------------

/// What the recording store saw, and which kinds of call it leaves unanswered.
#[derive(Default)]
struct Control {
    log: Vec<(String, String)>,
    hang: Vec<String>,
}

/// A `SessionStore` that logs each call's effect (kind and key) and forwards it.
#[derive(Clone)]
struct Recording<S> {
    inner: S,
    ctl: Arc<Mutex<Control>>,
}

impl<S> Recording<S> {
    /// Logs the call; true when it is to hang.
    fn note(&self, kind: &str, key: &str) -> bool {
        let mut c = self.ctl.lock().unwrap_or_else(|p| p.into_inner());
        c.log.push((kind.to_owned(), key.to_owned()));
        c.hang.iter().any(|h| h == kind)
    }
}

async fn never<T>() -> T {
    std::future::pending::<()>().await;
    unreachable!("a pending future never ends")
}

impl<S: SessionStore> SessionStore for Recording<S> {
    async fn load(&self, id: &str) -> Result<Option<String>, StoreError> {
        if self.note("load", id) {
            return never().await;
        }
        self.inner.load(id).await
    }

    async fn save(&self, id: &str, record: &str, deadline: Option<i64>, existing: bool) -> Result<(), StoreError> {
        let kind = if id.starts_with(GRACE_PREFIX) { "tombstone" } else { "save" };
        if self.note(kind, id) {
            return never().await;
        }
        self.inner.save(id, record, deadline, existing).await
    }

    async fn merge(
        &self,
        id: &str,
        base: &str,
        delta: &str,
        record: &str,
        deadline: Option<i64>,
    ) -> Result<(), StoreError> {
        if self.note("merge", id) {
            return never().await;
        }
        self.inner.merge(id, base, delta, record, deadline).await
    }

    fn merges(&self) -> bool {
        self.inner.merges()
    }

    async fn touch(&self, id: &str, record: &str, deadline: Option<i64>) -> Result<(), StoreError> {
        if self.note("touch", id) {
            return never().await;
        }
        self.inner.touch(id, record, deadline).await
    }

    async fn destroy(&self, id: &str) -> Result<(), StoreError> {
        if self.note("destroy", id) {
            return never().await;
        }
        self.inner.destroy(id).await
    }

    fn indexes_users(&self) -> bool {
        self.inner.indexes_users()
    }

    async fn index_user(&self, user: &str, id: &str, info: &UserInfo) -> Result<(), StoreError> {
        if self.note("index", id) {
            return never().await;
        }
        self.inner.index_user(user, id, info).await
    }

    async fn user_state(&self, user: &str, id: &str) -> Result<UserState, StoreError> {
        if self.note("userState", id) {
            return never().await;
        }
        self.inner.user_state(user, id).await
    }

    async fn destroy_user(&self, user: &str, except: Option<&str>) -> Result<usize, StoreError> {
        self.inner.destroy_user(user, except).await
    }
}

// ---- the stores a row runs on -------------------------------------------------------------------

/// Seeding, reading back and moving the clock of the store under the recording one.
enum Backend {
    Memory(MemoryStore),
    Redis(RedisStore, redis::aio::MultiplexedConnection),
}

/// Redis follows the row's clock: every key's time to live shortened by the time the clock moved on
/// (a key whose time runs out goes), as if that time had passed (tests/node/door-parity.js's SHIFT).
const SHIFT: &str = "local n = 0 for _, k in ipairs(redis.call('KEYS', '*')) do local p = redis.call('PTTL', k) if p > 0 then \
  if p - tonumber(ARGV[1]) <= 0 then redis.call('DEL', k) n = n + 1 else redis.call('PEXPIRE', k, p - tonumber(ARGV[1])) end end end return n";

/// The deadline a store that honours them gives a seeded record: its `cookie.expires`, if any.
fn deadline_of(text: &str) -> Option<i64> {
    let v: Value = serde_json::from_str(text).ok()?;
    let e = v.get("cookie")?.get("expires")?.as_str()?;
    parse_iso(e)
}

/// `2100-01-01T00:01:00.000Z` (as `Date#toISOString` writes it) → ms since the epoch.
fn parse_iso(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 24 || b[23] != b'Z' {
        return None;
    }
    let n = |from: usize, to: usize| s.get(from..to)?.parse::<i64>().ok();
    let (y, m, d) = (n(0, 4)?, n(5, 7)?, n(8, 10)?);
    // days from the civil date (H. Hinnant's algorithm)
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let days = era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468;
    Some(((days * 24 + n(11, 13)?) * 60 + n(14, 16)?) * 60_000 + n(17, 19)? * 1000 + n(20, 23)?)
}

impl Backend {
    async fn seed(&mut self, key: &str, text: &str, deadline: Option<i64>, now: i64) {
        match self {
            Backend::Memory(m) => {
                if deadline.is_none_or(|d| d > now) {
                    m.save(key, text, deadline, false).await.expect("memory save");
                }
            }
            Backend::Redis(_, c) => {
                let px = deadline.map_or(86_400_000, |d| d - now);
                if px > 0 {
                    let _: () = redis::cmd("SET")
                        .arg(format!("sess:{key}"))
                        .arg(text)
                        .arg("PX")
                        .arg(px)
                        .query_async(c)
                        .await
                        .expect("SET");
                }
            }
        }
    }

    async fn dump(&mut self) -> BTreeMap<String, String> {
        match self {
            Backend::Memory(m) => {
                let mut out = BTreeMap::new();
                for k in m.snapshot().into_keys() {
                    // load() forgets a record past its deadline: what is left is what the store holds
                    if let Some(t) = m.load(&k).await.expect("memory load") {
                        out.insert(k, t);
                    }
                }
                out
            }
            Backend::Redis(_, c) => {
                let mut keys: Vec<String> = redis::cmd("KEYS").arg("sess:*").query_async(c).await.expect("KEYS");
                keys.sort();
                let mut out = BTreeMap::new();
                for k in keys {
                    let rest = k["sess:".len()..].to_owned();
                    if rest.starts_with("user:{") {
                        continue; // the per-user index: seen through its effects
                    }
                    let t: String = redis::cmd("TYPE").arg(&k).query_async(c).await.expect("TYPE");
                    if t != "string" {
                        continue;
                    }
                    let v: String = redis::cmd("GET").arg(&k).query_async(c).await.expect("GET");
                    out.insert(rest, v);
                }
                out
            }
        }
    }

    async fn shift(&mut self, ms: i64) {
        if let (Backend::Redis(_, c), true) = (self, ms > 0) {
            let _: i64 = redis::cmd("EVAL").arg(SHIFT).arg(0).arg(ms).query_async(c).await.expect("shift");
        }
    }

    async fn destroy_user(&self, user: &str) {
        match self {
            Backend::Memory(m) => m.destroy_user(user, None).await.map(|_| ()),
            Backend::Redis(r, _) => r.destroy_user(user, None).await.map(|_| ()),
        }
        .expect("destroy_user");
    }
}

// ---- the table ----------------------------------------------------------------------------------

fn id_of(table: &Value, n: usize) -> String {
    let p = &table["idPattern"];
    let width = p["width"].as_u64().unwrap_or(17) as usize;
    format!("{}{:0width$}", p["prefix"].as_str().unwrap_or(""), n)
}

/// The doors a table's skip may name (tests/node/door-parity.test.js runs the others).
const DOORS: [&str; 6] = ["express4", "express5", "web", "rust", "cookie-session4", "cookie-session5"];

/// Is this row skipped for this door and store by the table (its fixed list), and why? A skip that
/// names no known door, or gives no reason, fails the suite.
fn skipped(row: &Value, store: Option<&str>) -> Option<String> {
    row["skip"].as_array()?.iter().find_map(|s| {
        let door = s["door"].as_str().unwrap_or("");
        let st = s.get("store").and_then(Value::as_str);
        let reason = s["reason"].as_str().unwrap_or("");
        assert!(
            DOORS.contains(&door) && !reason.is_empty() && st.is_none_or(|x| x == "redis" || x == "memory"),
            "row {}: a skip names a door ({DOORS:?}), optionally a store, and a reason",
            row["name"]
        );
        (door == DOOR && (st.is_none() || st == store)).then(|| reason.to_owned())
    })
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array().map(|a| a.iter().filter_map(|s| s.as_str().map(str::to_owned)).collect()).unwrap_or_default()
}

/// What a row asks of the server layer that it has no API for, if anything.
fn unsupported_server(row: &Value) -> Vec<String> {
    let mut missing = Vec::new();
    let known = [
        "resave",
        "saveUninitialized",
        "rolling",
        "cookie",
        "idleTimeout",
        "absoluteTimeout",
        "touchAfter",
        "hashIds",
        "regenerateGrace",
        "header",
        "user",
        "name",
        "cacheHeaders",
        "secret",
        "storeTimeout",
    ];
    for (k, _) in row["options"].as_object().into_iter().flatten() {
        if !known.contains(&k.as_str()) {
            missing.push(format!("the `{k}` option"));
        }
    }
    for r in row["requests"].as_array().into_iter().flatten() {
        for a in r["do"].as_array().into_iter().flatten() {
            let op = a[0].as_str().unwrap_or("");
            let ok = matches!(op, "get" | "set" | "destroy" | "touch" | "regenerate" | "save" | "increment");
            if !ok {
                let what = if op == "regenerate" { "regenerate({ keep })".to_owned() } else { format!("{op}()") };
                let m = format!("Session::{what} mid-request");
                if !missing.contains(&m) {
                    missing.push(m);
                }
            }
        }
    }
    missing
}

fn config(
    table: &Value,
    row: &Value,
    secrets: &[String],
    clock: Arc<AtomicI64>,
    ids: Arc<AtomicUsize>,
) -> SessionConfig {
    let o = &row["options"];
    let t = table.clone();
    let mut c = SessionConfig::new(secrets)
        .clock(move || clock.load(Ordering::SeqCst))
        .genid(move || id_of(&t, ids.fetch_add(1, Ordering::SeqCst) + 1));
    if let Some(v) = o["resave"].as_bool() {
        c = c.resave(v);
    }
    if let Some(v) = o["saveUninitialized"].as_bool() {
        c = c.save_uninitialized(v);
    }
    if let Some(v) = o["rolling"].as_bool() {
        c = c.rolling(v);
    }
    if let Some(v) = o["idleTimeout"].as_f64() {
        c = c.idle_timeout(v);
    }
    if let Some(v) = o["absoluteTimeout"].as_f64() {
        c = c.absolute_timeout(v);
    }
    if let Some(v) = o["touchAfter"].as_f64() {
        c = c.touch_after(v);
    }
    if let Some(v) = o["hashIds"].as_bool() {
        c = c.hash_ids(v);
    }
    if let Some(v) = o["regenerateGrace"].as_f64() {
        c = c.regenerate_grace(v);
    }
    if let Some(v) = o["header"].as_str() {
        c = c.header(v);
    }
    if let Some(v) = o["user"].as_str() {
        c = c.user_key(v);
    }
    if let Some(v) = o["name"].as_str() {
        c = c.name(v);
    }
    if let Some(v) = o["cacheHeaders"].as_bool() {
        c = c.cache_headers(v);
    }
    if let Some(v) = o["storeTimeout"].as_u64() {
        c = c.store_timeout(std::time::Duration::from_millis(v));
    }
    let mut cookie = CookieConfig::default();
    if let Some(k) = o.get("cookie") {
        cookie.max_age = k["maxAge"].as_f64();
        cookie.same_site = k["sameSite"].as_str().map(str::to_owned);
        cookie.secure = k["secure"].as_bool();
        if let Some(v) = k["httpOnly"].as_bool() {
            cookie.http_only = v;
        }
        if let Some(v) = k["path"].as_str() {
            cookie.path = v.to_owned();
        }
        cookie.domain = k["domain"].as_str().map(str::to_owned);
    }
    c.cookie(cookie)
}

fn app(actions: Vec<Value>) -> Router {
    Router::new().fallback(move |session: Session| {
        let actions = actions.clone();
        async move {
            let mut out = Map::new();
            for a in &actions {
                let key = a.get(1).and_then(Value::as_str).unwrap_or("");
                match a[0].as_str().unwrap_or("") {
                    "get" => {
                        out.insert(key.into(), session.get_value(key).await.unwrap_or(Value::Null));
                    }
                    "set" => session.insert(key, a[2].clone()).await.expect("a JSON value"),
                    "touch" => session.touch().await,
                    "regenerate" if a.get(1).and_then(|o| o["keep"].as_bool()) == Some(true) => {
                        session.regenerate_keep().await
                    }
                    "regenerate" => session.regenerate().await,
                    "destroy" => session.destroy().await,
                    "save" => session.save().await.expect("saved"),
                    "increment" => {
                        session.increment(key, a.get(2).and_then(Value::as_f64).unwrap_or(1.0)).await;
                    }
                    other => panic!("unsupported action {other} (unsupported_server lets none through)"),
                }
            }
            axum::Json(Value::Object(out))
        }
    })
}

// ---- cookies ------------------------------------------------------------------------------------

type Jar = Vec<(String, String)>;

/// A browser's jar: a `Set-Cookie` that expires a cookie removes it.
fn jar_update(jar: &Jar, set: &[String]) -> Jar {
    let mut next = jar.clone();
    for h in set {
        let pair = h.split(';').next().unwrap_or("");
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let lower = h.to_ascii_lowercase();
        let expired = value.is_empty()
            || lower.contains("expires=thu, 01 jan 1970 00:00:00 gmt")
            || lower.split(';').any(|a| a.trim() == "max-age=0");
        next.retain(|(n, _)| n != name);
        if !expired {
            next.push((name.to_owned(), value.to_owned()));
        }
    }
    next
}

/// The jar holding what a request sent when its Cookie header is written out in the table (the browser had those).
fn jar_sent(jar: &Jar, spec: &Value, header: Option<&str>) -> Jar {
    let (Some(s), Some(h)) = (spec.as_str(), header) else { return jar.clone() };
    if s == "jar" || s.strip_prefix("jar:").is_some_and(|n| n.parse::<usize>().is_ok()) {
        return jar.clone();
    }
    let mut next = jar.clone();
    for part in h.split(';') {
        if let Some((n, v)) = part.split_once('=') {
            let n = n.trim();
            next.retain(|(k, _)| k != n);
            next.push((n.to_owned(), v.trim().to_owned()));
        }
    }
    next
}

fn jar_header(jar: &Jar) -> Option<String> {
    (!jar.is_empty()).then(|| jar.iter().map(|(n, v)| format!("{n}={v}")).collect::<Vec<_>>().join("; "))
}

/// The Cookie header of a request: absent/null, "jar", "jar:N", or as written.
fn cookie_for(spec: &Value, jar: &Jar, jars: &[Jar]) -> Option<String> {
    let s = spec.as_str()?;
    if s == "jar" {
        return jar_header(jar);
    }
    if let Some(n) = s.strip_prefix("jar:").and_then(|n| n.parse::<usize>().ok()) {
        return jars.get(n).and_then(jar_header);
    }
    Some(s.to_owned())
}

/// The id header a request sends: absent, "resp:N" (what response N carried), or as written.
fn id_header_for(spec: &Value, outcomes: &[Value]) -> Option<String> {
    let s = spec.as_str()?;
    if let Some(n) = s.strip_prefix("resp:").and_then(|n| n.parse::<usize>().ok()) {
        return outcomes.get(n).and_then(|o| o["idHeader"].as_str()).map(str::to_owned);
    }
    Some(s.to_owned())
}

fn header_value(res: &http::Response<Body>, name: &str) -> Value {
    res.headers().get(name).map_or(Value::Null, |v| Value::String(v.to_str().unwrap_or("").to_owned()))
}

// ---- running a server row -----------------------------------------------------------------------

async fn run_server_row(table: &Value, row: &Value, backend: &mut Backend, clock: Arc<AtomicI64>) -> Vec<Value> {
    let t0 = table["t0"].as_i64().expect("t0");
    clock.store(t0, Ordering::SeqCst);
    let ids = Arc::new(AtomicUsize::new(0));
    let ctl = Arc::new(Mutex::new(Control::default()));
    for (key, v) in row["store"].as_object().into_iter().flatten() {
        let (text, deadline) = match v {
            Value::String(t) => (t.clone(), deadline_of(t)),
            o => {
                let t = o["text"].as_str().unwrap_or("").to_owned();
                let d = if o.get("deadline").is_some() { o["deadline"].as_i64() } else { deadline_of(&t) };
                (t, d)
            }
        };
        backend.seed(key, &text, deadline, t0).await;
    }
    let header = row["options"]["header"].as_str().map(str::to_ascii_lowercase);
    let default_secrets = strings(&table["secret"]);
    let row_secrets = strings(&row["options"]["secret"]);
    let mut jar: Jar = Vec::new();
    let mut jars: Vec<Jar> = Vec::new();
    let mut outcomes: Vec<Value> = Vec::new();
    for r in row["requests"].as_array().into_iter().flatten() {
        let at = t0 + r["at"].as_i64().unwrap_or(0);
        backend.shift(at - clock.load(Ordering::SeqCst)).await;
        clock.store(at, Ordering::SeqCst);
        for b in r["before"].as_array().into_iter().flatten() {
            assert_eq!(b[0].as_str(), Some("destroyUser"), "unknown before action");
            backend.destroy_user(b[1].as_str().unwrap_or("")).await;
        }
        let mut secrets = strings(&r["secret"]);
        if secrets.is_empty() {
            secrets = if row_secrets.is_empty() { default_secrets.clone() } else { row_secrets.clone() };
        }
        {
            let mut c = ctl.lock().unwrap_or_else(|p| p.into_inner());
            c.log.clear();
            c.hang = strings(&r["hang"]);
        }
        let out = match backend {
            Backend::Memory(m) => {
                let store = Recording { inner: m.clone(), ctl: ctl.clone() };
                let cfg = config(table, row, &secrets, clock.clone(), ids.clone());
                exchange(store, cfg, r, header.as_deref(), &jar, &jars, &outcomes).await
            }
            Backend::Redis(s, _) => {
                let store = Recording { inner: s.clone(), ctl: ctl.clone() };
                let cfg = config(table, row, &secrets, clock.clone(), ids.clone());
                exchange(store, cfg, r, header.as_deref(), &jar, &jars, &outcomes).await
            }
        };
        let mut out = out;
        let effects: Vec<Value> = {
            let c = ctl.lock().unwrap_or_else(|p| p.into_inner());
            c.log.iter().map(|(k, key)| json!([k, key])).collect()
        };
        out["effects"] = Value::Array(effects);
        let dump = backend.dump().await;
        out["store"] = Value::Object(dump.into_iter().map(|(k, v)| (k, Value::String(v))).collect());
        let set: Vec<String> = strings(&out["setCookie"]);
        let sent = cookie_for(&r["cookie"], &jar, &jars);
        jar = jar_update(&jar_sent(&jar, &r["cookie"], sent.as_deref()), &set);
        jars.push(jar.clone());
        outcomes.push(out);
    }
    outcomes
}

/// One request through the layer on `store`.
async fn exchange<St: SessionStore>(
    store: St,
    cfg: SessionConfig,
    r: &Value,
    header: Option<&str>,
    jar: &Jar,
    jars: &[Jar],
    outcomes: &[Value],
) -> Value {
    let layer = SessionLayer::new(store, cfg).expect("valid options");
    let router = app(r["do"].as_array().cloned().unwrap_or_default()).layer(layer);
    let mut req = Request::builder()
        .method(r["method"].as_str().unwrap_or("GET"))
        .uri(format!("http://door.test{}", r["path"].as_str().unwrap_or("/")));
    if let Some(c) = cookie_for(&r["cookie"], jar, jars) {
        req = req.header("cookie", c);
    }
    if let (Some(h), Some(v)) = (header, id_header_for(&r["idHeader"], outcomes)) {
        req = req.header(h, v);
    }
    let req = req.body(Body::empty()).expect("request");
    let res = match tokio::time::timeout(HANG, router.oneshot(req)).await {
        Ok(res) => res.expect("infallible"),
        Err(_) => return json!({ "status": "hang" }),
    };
    let status = res.status().as_u16();
    let code = res.extensions().get::<SessionError>().map_or(Value::Null, |e| Value::String(e.code.clone()));
    let set: Vec<Value> =
        res.headers().get_all("set-cookie").iter().map(|v| Value::String(v.to_str().unwrap_or("").into())).collect();
    let vary = header_value(&res, "vary");
    let cache = header_value(&res, "cache-control");
    let id_header = header.map_or(Value::Null, |h| header_value(&res, h));
    let bytes = axum::body::to_bytes(res.into_body(), 1 << 20).await.expect("body");
    let body = if status >= 400 { Value::Null } else { serde_json::from_slice(&bytes).unwrap_or(Value::Null) };
    json!({
        "status": status,
        "code": if status >= 400 { code } else { Value::Null },
        "body": body,
        "setCookie": set,
        "vary": vary,
        "cacheControl": cache,
        "idHeader": id_header,
    })
}

// ---- comparing ----------------------------------------------------------------------------------

const SERVER_FIELDS: [&str; 9] =
    ["status", "code", "body", "setCookie", "vary", "cacheControl", "idHeader", "effects", "store"];
const CLIENT_FIELDS: [&str; 6] = ["status", "code", "body", "setCookie", "vary", "cacheControl"];

/// The differences between a row's expectations and the outcomes, one line each. `merges`: false
/// when the table's `stores` says this store does not merge (a merge expected is a save there).
fn differences(row: &Value, outcomes: &[Value], fields: &[&str], store: Option<&str>, merges: bool) -> Vec<String> {
    let mut out = Vec::new();
    for (i, r) in row["requests"].as_array().into_iter().flatten().enumerate() {
        let Some(got) = outcomes.get(i) else {
            out.push(format!("request {i}: not run"));
            continue;
        };
        for f in fields {
            // a store whose documented behaviour differs (Redis's touch refreshes only the TTL) has its own contents
            let want = match (*f, store) {
                ("store", Some("redis")) if r["expect"].get("storeRedis").is_some() => r["expect"].get("storeRedis"),
                _ => r["expect"].get(*f),
            };
            let Some(want) = want else {
                out.push(format!("request {i} {f}: no expectation written in the table"));
                continue;
            };
            let mapped;
            let want = match (*f, merges) {
                ("effects", false) => {
                    let saves = want.as_array().into_iter().flatten().map(|e| match e[0].as_str() {
                        Some("merge") => json!(["save", e[1]]),
                        _ => e.clone(),
                    });
                    mapped = Value::Array(saves.collect());
                    &mapped
                }
                _ => want,
            };
            let have = got.get(*f).cloned().unwrap_or(Value::Null);
            if *want != have {
                out.push(format!("request {i} {f}: expected {want} got {have}"));
            }
        }
    }
    out
}

/// `PARITY_PRINT=1`: every outcome printed (one JSON line per request), to read beside the table.
fn print_outcomes(what: &str, outcomes: &[Value]) {
    if std::env::var_os("PARITY_PRINT").is_some() {
        println!("--- {DOOR} {what}");
        for o in outcomes {
            println!("{o}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_server_row_through_the_tower_layer() {
    let table: Value = serde_json::from_str(SERVER).expect("server.json is JSON");
    let rows = table["rows"].as_array().expect("rows");
    let redis = Redis::start();
    let client = redis::Client::open(redis.url()).expect("client");
    let mut failures = Vec::new();
    let (mut ran, mut skips) = (0, 0);
    for row in rows {
        let name = row["name"].as_str().unwrap_or("?");
        for store in ["redis", "memory"] {
            if let Some(why) = skipped(row, Some(store)) {
                skips += 1;
                println!("skip  {DOOR}/{store}: {name} ({why})");
                continue;
            }
            ran += 1;
            let missing = unsupported_server(row);
            if !missing.is_empty() {
                failures.push(format!("{DOOR}/{store}: {name}\n    the layer has no API for: {}", missing.join(", ")));
                continue;
            }
            let t0 = table["t0"].as_i64().expect("t0");
            let clock = Arc::new(AtomicI64::new(t0));
            let mut backend = match store {
                "redis" => {
                    let mut c = client.get_multiplexed_async_connection().await.expect("connects");
                    let _: () = redis::cmd("FLUSHALL").query_async(&mut c).await.expect("FLUSHALL");
                    let cl = clock.clone();
                    let s = RedisStore::connect(&redis.url()).await.expect("connects");
                    let s = s.with_clock(move || cl.load(Ordering::SeqCst));
                    Backend::Redis(s, c)
                }
                _ => {
                    let cl = clock.clone();
                    Backend::Memory(MemoryStore::default().with_clock(move || cl.load(Ordering::SeqCst)))
                }
            };
            // the store reads the row's clock: the one the layer reads
            let outcomes = run_server_row(&table, row, &mut backend, clock).await;
            print_outcomes(&format!("{store}: {name}"), &outcomes);
            let merges = table["stores"][format!("{DOOR}/{store}")]["merges"].as_bool().unwrap_or(true);
            let diff = differences(row, &outcomes, &SERVER_FIELDS, Some(store), merges);
            if !diff.is_empty() {
                failures.push(format!("{DOOR}/{store}: {name}\n    {}", diff.join("\n    ")));
            }
        }
    }
    println!("door parity, server rows: {} rows, {ran} runs, {skips} skipped by the table", rows.len());
    assert!(failures.is_empty(), "{} of {ran} runs differ from the table:\n{}", failures.len(), failures.join("\n"));
}

// ---- the client kind ----------------------------------------------------------------------------

/// What a row asks of the cookie-session layer that it has no API for, if anything.
fn unsupported_client(row: &Value) -> Vec<String> {
    let known = [
        "keys",
        "name",
        "encrypt",
        "maxAge",
        "path",
        "sameSite",
        "secure",
        "httpOnly",
        "domain",
        "compress",
        "chunk",
        "notBefore",
        "idleTimeout",
        "absoluteTimeout",
        "algorithm",
        "signed",
    ];
    let mut missing: Vec<String> = row["options"]
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(k, _)| !known.contains(&k.as_str()))
        .map(|(k, _)| format!("the `{k}` option"))
        .collect();
    for r in row["requests"].as_array().into_iter().flatten() {
        for a in r["do"].as_array().into_iter().flatten() {
            let op = a[0].as_str().unwrap_or("");
            if !["get", "set", "destroy"].contains(&op) {
                missing.push(format!("CookieSession::{op}()"));
            }
        }
    }
    missing
}

fn client_config(table: &Value, row: &Value, keys: &[String], clock: Arc<AtomicI64>) -> CookieSessionConfig {
    let o = &row["options"];
    let mut c = CookieSessionConfig::new(keys).clock(move || clock.load(Ordering::SeqCst));
    if let Some(v) = o["name"].as_str() {
        c = c.name(v);
    }
    if let Some(v) = o["encrypt"].as_bool() {
        c = c.encrypt(v);
    }
    if let Some(v) = o["algorithm"].as_str() {
        c.options.algorithm = v.to_owned();
    }
    if let Some(v) = o["signed"].as_bool() {
        c.options.signed = v;
    }
    if let Some(v) = o["idleTimeout"].as_f64() {
        c = c.idle_timeout(v);
    }
    if let Some(v) = o["absoluteTimeout"].as_f64() {
        c = c.absolute_timeout(v);
    }
    if let Some(v) = o["compress"].as_bool() {
        c = c.compress(v);
    }
    if let Some(v) = o["chunk"].as_bool() {
        c = c.chunk(v);
    }
    if let Some(max) = o["chunk"]["maxBytes"].as_u64() {
        c = c.chunk(true).chunk_max_bytes(max as usize);
    }
    if let Some(nb) = o.get("notBefore") {
        let key = nb["key"].as_str().unwrap_or("").to_owned();
        let cut = nb["cut"].clone();
        let t0 = table["t0"].as_i64().expect("t0");
        c = c.not_before_sync(move |data| {
            let user = data.get(&key)?.as_str()?;
            cut.get(user)?.as_i64().map(|ms| t0 + ms)
        });
    }
    c.cookie(CookieAttrs {
        path: o["path"].as_str().map(str::to_owned),
        domain: o["domain"].as_str().map(str::to_owned),
        max_age: o["maxAge"].as_f64(),
        same_site: o["sameSite"].as_str().map(str::to_owned),
        secure: o["secure"].as_bool(),
        http_only: o["httpOnly"].as_bool(),
        ..Default::default()
    })
}

fn client_app(actions: Vec<Value>) -> Router {
    Router::new().fallback(move |session: CookieSession| {
        let actions = actions.clone();
        async move {
            let mut out = Map::new();
            for a in &actions {
                let key = a.get(1).and_then(Value::as_str).unwrap_or("");
                match a[0].as_str().unwrap_or("") {
                    "get" => {
                        out.insert(key.into(), session.get::<Value>(key).await.unwrap_or(Value::Null));
                    }
                    "set" => session.insert(key, a[2].clone()).await.expect("a JSON value"),
                    "destroy" => session.destroy().await,
                    other => panic!("unsupported action {other}"),
                }
            }
            axum::Json(Value::Object(out))
        }
    })
}

/// A sealed value opened with the row's keys and shown as `[sealed with key <index>: <payload>]`
/// (tests/node/unseal.js's form): a fresh nonce makes every seal differ.
fn unseal(header: &str, keys: &[String]) -> String {
    let Some((name, rest)) = header.split_once('=') else { return header.to_owned() };
    if !rest.starts_with("sc1.") {
        return header.to_owned();
    }
    let end = rest.find(';').unwrap_or(rest.len());
    let sk: Vec<SealKey> = keys.iter().map(|k| SealKey::derive(k.as_bytes())).collect();
    let shown = match open(&sk, name, &rest[..end]) {
        Ok((payload, index)) => format!("[sealed with key {index}: {}]", String::from_utf8_lossy(&payload)),
        Err(e) => format!("[does not open: {e:?}]"),
    };
    format!("{name}={shown}{}", &rest[end..])
}

async fn run_client_row(table: &Value, row: &Value) -> Vec<Value> {
    let t0 = table["t0"].as_i64().expect("t0");
    let clock = Arc::new(AtomicI64::new(t0));
    let default_keys = strings(&table["keys"]);
    let row_keys = strings(&row["options"]["keys"]);
    let unseal_keys = if row_keys.is_empty() { default_keys.clone() } else { row_keys.clone() };
    let mut jar: Jar = Vec::new();
    let mut jars: Vec<Jar> = Vec::new();
    let mut outcomes = Vec::new();
    for r in row["requests"].as_array().into_iter().flatten() {
        clock.store(t0 + r["at"].as_i64().unwrap_or(0), Ordering::SeqCst);
        let mut keys = strings(&r["keys"]);
        if keys.is_empty() {
            keys = unseal_keys.clone();
        }
        let layer = CookieSessionLayer::new(client_config(table, row, &keys, clock.clone())).expect("valid options");
        let router = client_app(r["do"].as_array().cloned().unwrap_or_default()).layer(layer);
        let mut req = Request::builder()
            .method(r["method"].as_str().unwrap_or("GET"))
            .uri(format!("http://door.test{}", r["path"].as_str().unwrap_or("/")));
        let sent = cookie_for(&r["cookie"], &jar, &jars);
        if let Some(c) = sent.as_deref() {
            req = req.header("cookie", c);
        }
        let res = router.oneshot(req.body(Body::empty()).expect("request")).await.expect("infallible");
        let status = res.status().as_u16();
        let set: Vec<String> =
            res.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap_or("").to_owned()).collect();
        let vary = header_value(&res, "vary");
        let cache = header_value(&res, "cache-control");
        let bytes = axum::body::to_bytes(res.into_body(), 1 << 20).await.expect("body");
        let body = if status >= 400 { Value::Null } else { serde_json::from_slice(&bytes).unwrap_or(Value::Null) };
        jar = jar_update(&jar_sent(&jar, &r["cookie"], sent.as_deref()), &set);
        jars.push(jar.clone());
        outcomes.push(json!({
            "status": status,
            "code": Value::Null,
            "body": body,
            "setCookie": set.iter().map(|h| unseal(h, &unseal_keys)).collect::<Vec<_>>(),
            "vary": vary,
            "cacheControl": cache,
        }));
    }
    outcomes
}

#[tokio::test]
async fn every_client_row_through_the_cookie_session_layer() {
    let table: Value = serde_json::from_str(CLIENT).expect("client.json is JSON");
    let rows = table["rows"].as_array().expect("rows");
    let mut failures = Vec::new();
    let (mut ran, mut skips) = (0, 0);
    for row in rows {
        let name = row["name"].as_str().unwrap_or("?");
        if let Some(why) = skipped(row, None) {
            skips += 1;
            println!("skip  {DOOR}: {name} ({why})");
            continue;
        }
        ran += 1;
        let missing = unsupported_client(row);
        if !missing.is_empty() {
            failures.push(format!("{DOOR}: {name}\n    the layer has no API for: {}", missing.join(", ")));
            continue;
        }
        let outcomes = run_client_row(&table, row).await;
        print_outcomes(name, &outcomes);
        let diff = differences(row, &outcomes, &CLIENT_FIELDS, None, true);
        if !diff.is_empty() {
            failures.push(format!("{DOOR}: {name}\n    {}", diff.join("\n    ")));
        }
    }
    println!("door parity, client rows: {} rows, {ran} runs, {skips} skipped by the table", rows.len());
    assert!(failures.is_empty(), "{} of {ran} runs differ from the table:\n{}", failures.len(), failures.join("\n"));
}
