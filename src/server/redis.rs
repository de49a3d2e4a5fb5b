//! RedisStore for the layer (feature `redis`): the layout, scripts and rules of `session-core/redis`
//! (js/redis/store.js, users.js), so a Node app and a Rust app share sessions in one Redis or Redis
//! Cluster:
//! - `<prefix><id>` → the record's JSON text, its TTL from the record's deadline (else `ttl`);
//! - writes through the same Lua scripts (js/redis/write.lua, touch.lua: the very files the Node
//!   store reads), each refusing to run past its deadline by Redis's clock; a loaded session is only
//!   updated while its key exists (`XX`), a new one created (`NX`);
//! - a loaded session's changes merged into the record as Redis holds it (the core's
//!   [`crate::session::apply`], then a compare-and-set), retried on a lost race;
//! - the per-user index: `<prefix>user:{<user>}` (a sorted set of ids by expiry) and
//!   `<prefix>user:{<user>}:info` (`s:<id>`, `i:<id>`, `!out`), as js/redis/users.js keeps them;
//! - the regenerate tombstones at `<prefix>regenerated:<key>` ([`crate::session::grace_key`]);
//! - listing ([`RedisStore::ids`], [`RedisStore::length`], [`RedisStore::all`]) answers sessions
//!   only: the index and the tombstones share the prefix and are told apart by their names, as
//!   js/redis/layout.js tells them.

use super::store::{SessionStore, StoreError, UserInfo, UserState};
use redis::aio::ConnectionManager;
use redis::cluster_async::ClusterConnection;
use redis::cluster_routing::{MultipleNodeRoutingInfo, RoutingInfo, SingleNodeRoutingInfo};
use redis::{Cmd, FromRedisValue, Value};
use std::collections::BTreeSet;
use std::fmt;
use std::time::Duration;

/// The write script, byte for byte the Node store's (see js/redis/scripts.js for its replies).
pub const WRITE_SCRIPT: &str = include_str!("../../js/redis/write.lua");
/// The touch script, byte for byte the Node store's.
pub const TOUCH_SCRIPT: &str = include_str!("../../js/redis/touch.lua");

/// What a per-user index key starts with after the prefix (js/redis/layout.js `USER_PREFIX`); the
/// braces are its Cluster hash tag.
const USER_PREFIX: &str = "user:{";
/// SCAN's COUNT (the Node store's default `scanCount`).
const SCAN_COUNT: u32 = 100;

/// Is `rest`, a key under the prefix with the prefix taken off, a session's? Not a tombstone
/// ([`crate::session::GRACE_PREFIX`]) nor a per-user index key ([`USER_PREFIX`]); session ids and
/// hashed keys are base64url, never of those shapes (js/redis/layout.js `isSessionKey`).
fn is_session_key(rest: &str) -> bool {
    !rest.starts_with(crate::session::GRACE_PREFIX) && !rest.starts_with(USER_PREFIX)
}

/// `s` with SCAN's glob characters escaped (js/redis/store.js `globEscape`).
fn glob_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '*' | '?' | '[' | ']' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A SCAN page: the next cursor and the keys.
fn page(v: Value) -> Result<(String, Vec<String>), StoreError> {
    redis::from_redis_value(v).map_err(|e| unavailable(e.into()))
}

const WRITTEN: i64 = 1;
const LATE: i64 = -1;
const GONE: i64 = -2;
const EXISTS: i64 = -3;

#[derive(Clone)]
enum Conn {
    Single(ConnectionManager),
    Cluster(ClusterConnection),
}

/// See the module documentation. Cheap to clone (one multiplexed connection).
#[derive(Clone)]
pub struct RedisStore {
    conn: Conn,
    prefix: String,
    ttl_secs: f64,
    operation_timeout: Duration,
    retries: u32,
    clock: Option<super::Clock>,
}

impl fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // the settings only, never the URL (it may hold a password)
        f.debug_struct("RedisStore")
            .field("cluster", &matches!(self.conn, Conn::Cluster(_)))
            .field("prefix", &self.prefix)
            .field("ttl_secs", &self.ttl_secs)
            .field("operation_timeout", &self.operation_timeout)
            .field("retries", &self.retries)
            .finish()
    }
}

fn unavailable(e: redis::RedisError) -> StoreError {
    let m = e.to_string();
    if m.starts_with("WRONGTYPE") || m.contains("WRONGTYPE") {
        StoreError::Record(format!("Redis: {m}"))
    } else {
        StoreError::Unavailable(format!("Redis: {m}"))
    }
}

impl RedisStore {
    /// A store on one Redis server (`redis://host:port/db`), reconnecting as needed.
    pub async fn connect(url: &str) -> Result<RedisStore, StoreError> {
        let client = redis::Client::open(url).map_err(unavailable)?;
        let conn = client.get_connection_manager().await.map_err(unavailable)?;
        Ok(RedisStore::with(Conn::Single(conn)))
    }

    /// A store on a Redis Cluster, from some of its nodes.
    pub async fn connect_cluster<I: IntoIterator<Item = S>, S: AsRef<str>>(nodes: I) -> Result<RedisStore, StoreError> {
        let nodes: Vec<String> = nodes.into_iter().map(|s| s.as_ref().to_owned()).collect();
        let client = redis::cluster::ClusterClient::new(nodes).map_err(unavailable)?;
        let conn = client.get_async_connection().await.map_err(unavailable)?;
        Ok(RedisStore::with(Conn::Cluster(conn)))
    }

    fn with(conn: Conn) -> RedisStore {
        RedisStore {
            conn,
            prefix: "sess:".into(),
            ttl_secs: 86_400.0,
            operation_timeout: Duration::from_millis(1000),
            retries: 10,
            clock: None,
        }
    }

    /// The clock the deadlines are reckoned by, ms since the epoch (default: the system clock), as
    /// [`super::MemoryStore::with_clock`]: for tests that run a layer on a fixed clock (the
    /// door-parity suite). Redis still checks each write's deadline against its own clock, so keep
    /// an injected clock ahead of Redis's.
    ///
    /// ```no_run
    /// # async fn f() -> Result<(), session_core::server::StoreError> {
    /// use session_core::server::RedisStore;
    /// let store = RedisStore::connect("redis://127.0.0.1:6379").await?.with_clock(|| 4_102_444_800_000);
    /// # let _ = store;
    /// # Ok(())
    /// # }
    /// ```
    pub fn with_clock(mut self, now: impl Fn() -> i64 + Send + Sync + 'static) -> Self {
        self.clock = Some(std::sync::Arc::new(now));
        self
    }

    fn now_ms(&self) -> i64 {
        super::now(self.clock.as_ref())
    }

    /// The keys' prefix (default `sess:`, as connect-redis and `session-core/redis`).
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    /// The TTL, seconds, of a record without an expiry of its own (default one day).
    pub fn ttl(mut self, secs: f64) -> Self {
        if secs.is_finite() && secs > 0.0 {
            self.ttl_secs = secs;
        }
        self
    }

    /// The bound of each command (default 1000 ms); a write script refuses to run after it.
    pub fn operation_timeout(mut self, t: Duration) -> Self {
        self.operation_timeout = t;
        self
    }

    /// How often a merge that lost a race is retried (default 10).
    pub fn retries(mut self, n: u32) -> Self {
        self.retries = n;
        self
    }

    async fn query<T: FromRedisValue + Send>(&self, cmd: &Cmd) -> Result<T, StoreError> {
        self.bounded(async {
            match &self.conn {
                Conn::Single(c) => cmd.query_async(&mut c.clone()).await,
                Conn::Cluster(c) => cmd.query_async(&mut c.clone()).await,
            }
        })
        .await
    }

    /// `run`, or [`StoreError::Timeout`] after the operation timeout.
    async fn bounded<T>(&self, run: impl std::future::Future<Output = redis::RedisResult<T>>) -> Result<T, StoreError> {
        match tokio::time::timeout(self.operation_timeout, run).await {
            Ok(r) => r.map_err(unavailable),
            Err(_) => Err(StoreError::Timeout(format!(
                "Redis did not answer within {} ms",
                self.operation_timeout.as_millis()
            ))),
        }
    }

    /// The ids of every session under the prefix (their store keys, with `hash_ids`), as
    /// `session-core/redis`'s `ids()`: SCAN (on every master of a Cluster), never KEYS. The per-user
    /// index and the regenerate tombstones share the prefix and are not sessions: they are left out.
    pub async fn ids(&self) -> Result<Vec<String>, StoreError> {
        Ok(self
            .keys()
            .await?
            .into_iter()
            .filter_map(|k| k.strip_prefix(self.prefix.as_str()).filter(|rest| is_session_key(rest)).map(str::to_owned))
            .collect())
    }

    /// How many sessions there are under the prefix (see [`RedisStore::ids`]).
    pub async fn length(&self) -> Result<usize, StoreError> {
        Ok(self.ids().await?.len())
    }

    /// Every live session, `(id, record)` (see [`RedisStore::ids`]), as `all()`; one read per key (no
    /// cross-slot MGET). A value that is no session record is [`StoreError::Record`].
    pub async fn all(&self) -> Result<Vec<(String, String)>, StoreError> {
        let mut out = Vec::new();
        for id in self.ids().await? {
            let Some(text): Option<String> = self.load(&id).await? else { continue }; // gone meanwhile
            if crate::session::Record::parse(&text).is_err() {
                return Err(StoreError::Record("a value under the prefix is not a session record".into()));
            }
            out.push((id, text));
        }
        Ok(out)
    }

    /// Every key under the prefix: SCAN on the server, or on every master of a Cluster.
    async fn keys(&self) -> Result<Vec<String>, StoreError> {
        let pattern = format!("{}*", glob_escape(&self.prefix));
        let scan = |cursor: &str| {
            let mut c = redis::cmd("SCAN");
            c.arg(cursor).arg("MATCH").arg(&pattern).arg("COUNT").arg(SCAN_COUNT);
            c
        };
        let mut seen = BTreeSet::new();
        match &self.conn {
            Conn::Single(_) => {
                let mut cursor = "0".to_owned();
                loop {
                    let (next, keys) = page(self.query(&scan(&cursor)).await?)?;
                    seen.extend(keys);
                    if next == "0" {
                        break;
                    }
                    cursor = next;
                }
            }
            Conn::Cluster(c) => {
                // the first page of every master at once: the answer maps each master's address to it
                let all = RoutingInfo::MultiNode((MultipleNodeRoutingInfo::AllMasters, None));
                let Value::Map(firsts) = self.bounded(c.clone().route_command(scan("0"), all)).await? else {
                    return Err(StoreError::Unavailable(
                        "Redis: SCAN on every master gave no answer per master".into(),
                    ));
                };
                for (address, first) in firsts {
                    let address: String = redis::from_redis_value(address).map_err(|e| unavailable(e.into()))?;
                    let node = address.rsplit_once(':').and_then(|(h, p)| Some((h.to_owned(), p.parse::<u16>().ok()?)));
                    let Some((host, port)) = node else {
                        return Err(StoreError::Unavailable("Redis: a master's address cannot be read".into()));
                    };
                    let (mut cursor, keys) = page(first)?;
                    seen.extend(keys);
                    while cursor != "0" {
                        let there =
                            RoutingInfo::SingleNode(SingleNodeRoutingInfo::ByAddress { host: host.clone(), port });
                        let (next, keys) = page(self.bounded(c.clone().route_command(scan(&cursor), there)).await?)?;
                        seen.extend(keys);
                        cursor = next;
                    }
                }
            }
        }
        Ok(seen.into_iter().collect())
    }

    /// ms the record should live: from its deadline, else `ttl` (js/redis/store.js `_px`).
    fn px(&self, record: &str, deadline: Option<i64>) -> i64 {
        let d = deadline.or_else(|| {
            crate::session::Record::parse(record)
                .ok()
                .and_then(|r| crate::session::deadline(&r.times(), &crate::session::Timeouts::default()))
        });
        match d {
            Some(d) => d - self.now_ms(),
            None => (self.ttl_secs * 1000.0).ceil() as i64,
        }
    }

    fn ttl_ms(&self) -> i64 {
        (self.ttl_secs * 1000.0) as i64
    }

    async fn script(&self, script: &str, key: &str, args: &[&str]) -> Result<i64, StoreError> {
        let deadline = self.now_ms() + self.operation_timeout.as_millis() as i64;
        let mut cmd = redis::cmd("EVAL");
        cmd.arg(script).arg(1).arg(key).arg(deadline);
        for a in args {
            cmd.arg(*a);
        }
        let n: i64 = self.query(&cmd).await?;
        if n == LATE {
            return Err(StoreError::Timeout(format!(
                "the write to {} reached Redis after its deadline and was refused",
                self.name(key)
            )));
        }
        Ok(n)
    }

    async fn write(
        &self,
        id: &str,
        text: &str,
        deadline: Option<i64>,
        mode: &str,
        expected: &str,
    ) -> Result<i64, StoreError> {
        let key = format!("{}{id}", self.prefix);
        let px = self.px(text, deadline).to_string();
        let n = self.script(WRITE_SCRIPT, &key, &[mode, text, &px, expected]).await?;
        if n == EXISTS {
            return Err(StoreError::Conflict(format!("{} already exists (id collision)", self.name(&key))));
        }
        Ok(n)
    }

    /// How a message names the Redis key `key`: never the key (it holds the session id, or with
    /// `hash_ids` its hash): `session <tag>` (the tag of what the store was given), `a user index`,
    /// `the tombstone of session <tag>` (as js/redis/store.js `_name`).
    fn name(&self, key: &str) -> String {
        let rest = key.strip_prefix(self.prefix.as_str()).unwrap_or(key);
        if rest.starts_with("user:{") {
            "a user index".into()
        } else if let Some(old) = rest.strip_prefix(crate::session::GRACE_PREFIX) {
            format!("the tombstone of session {}", crate::id::tag(old))
        } else {
            format!("session {}", crate::id::tag(rest))
        }
    }

    fn user_keys(&self, user: &str) -> (String, String) {
        let base = format!("{}{USER_PREFIX}{user}}}", self.prefix);
        let info = format!("{base}:info");
        (base, info)
    }

    async fn extend(&self, user: &str, at_least: i64) -> Result<(), StoreError> {
        let (ids, info) = self.user_keys(user);
        let top: Vec<String> = self.query(redis::cmd("ZRANGE").arg(&ids).arg(-1).arg(-1).arg("WITHSCORES")).await?;
        let score = top.get(1).and_then(|s| s.parse::<f64>().ok()).unwrap_or(0.0) as i64;
        let until = score.max(self.now_ms() + at_least);
        let _: i64 = self.query(redis::cmd("PEXPIREAT").arg(&ids).arg(until)).await?;
        let _: i64 = self.query(redis::cmd("PEXPIREAT").arg(&info).arg(until)).await?;
        Ok(())
    }

    /// The user's live session ids (dead entries pruned), as js/redis/users.js `live`.
    async fn live(&self, user: &str) -> Result<Vec<String>, StoreError> {
        let (ids, info) = self.user_keys(user);
        let _: i64 = self.query(redis::cmd("ZREMRANGEBYSCORE").arg(&ids).arg("-inf").arg(self.now_ms())).await?;
        let list: Vec<String> = self.query(redis::cmd("ZRANGE").arg(&ids).arg(0).arg(-1)).await?;
        let mut live = Vec::new();
        let mut dead = Vec::new();
        for id in list {
            let n: i64 = self.query(redis::cmd("EXISTS").arg(format!("{}{id}", self.prefix))).await?;
            if n == 1 {
                live.push(id);
            } else {
                dead.push(id);
            }
        }
        if !dead.is_empty() {
            self.forget(&ids, &info, &dead).await?;
        }
        Ok(live)
    }

    async fn forget(&self, ids: &str, info: &str, list: &[String]) -> Result<(), StoreError> {
        let _: i64 = self.query(redis::cmd("ZREM").arg(ids).arg(list)).await?;
        let fields: Vec<String> = list.iter().flat_map(|id| [format!("s:{id}"), format!("i:{id}")]).collect();
        let _: i64 = self.query(redis::cmd("HDEL").arg(info).arg(fields)).await?;
        Ok(())
    }
}

impl SessionStore for RedisStore {
    async fn load(&self, id: &str) -> Result<Option<String>, StoreError> {
        self.query(redis::cmd("GET").arg(format!("{}{id}", self.prefix))).await
    }

    async fn save(&self, id: &str, record: &str, deadline: Option<i64>, existing: bool) -> Result<(), StoreError> {
        // GONE (a loaded session destroyed or expired meanwhile) is dropped, as the Node store drops it
        self.write(id, record, deadline, if existing { "XX" } else { "NX" }, "").await.map(|_| ())
    }

    fn merges(&self) -> bool {
        true
    }

    async fn merge(
        &self,
        id: &str,
        base: &str,
        delta: &str,
        record: &str,
        deadline: Option<i64>,
    ) -> Result<(), StoreError> {
        let key = format!("{}{id}", self.prefix);
        // first try: the record as loaded is still there (the compare-and-set says), merged = `record`
        let mut known = Some((base.to_owned(), record.to_owned()));
        for attempt in 0..=self.retries {
            let (stored, text) = match known.take() {
                Some(k) => k,
                None => {
                    let Some(stored): Option<String> = self.query(redis::cmd("GET").arg(&key)).await? else {
                        return Ok(()); // gone: nothing is revived
                    };
                    let text = crate::session::apply(&stored, delta).map_err(|e| {
                        StoreError::Record(format!("the record of {} cannot take the changes: {e}", self.name(&key)))
                    })?;
                    (stored, text)
                }
            };
            match self.write(id, &text, deadline, "CAS", &stored).await? {
                WRITTEN | GONE => return Ok(()),
                _ => {}
            }
            let wait = (2u64 << attempt.min(6)).min(200);
            tokio::time::sleep(Duration::from_millis(wait)).await;
        }
        Err(StoreError::Conflict(format!("{} kept changing: gave up after {} retries", self.name(&key), self.retries)))
    }

    async fn touch(&self, id: &str, record: &str, _deadline: Option<i64>) -> Result<(), StoreError> {
        // as the Node store's touch: the TTL from the record's own expiry (js/redis/store.js `_touch`)
        let key = format!("{}{id}", self.prefix);
        let px = self.px(record, None).to_string();
        self.script(TOUCH_SCRIPT, &key, &[&px]).await.map(|_| ())
    }

    async fn destroy(&self, id: &str) -> Result<(), StoreError> {
        let _: i64 = self.query(redis::cmd("DEL").arg(format!("{}{id}", self.prefix))).await?;
        Ok(())
    }

    fn indexes_users(&self) -> bool {
        true
    }

    async fn index_user(&self, user: &str, id: &str, info: &UserInfo) -> Result<(), StoreError> {
        let (ids, meta) = self.user_keys(user);
        let score = info.expires.unwrap_or_else(|| self.now_ms() + self.ttl_ms());
        let ua = info.user_agent.replace('|', "/");
        let _: i64 = self.query(redis::cmd("HSETNX").arg(&meta).arg(format!("s:{id}")).arg(info.since)).await?;
        let _: i64 = self
            .query(redis::cmd("HSET").arg(&meta).arg(format!("i:{id}")).arg(format!("{}|{ua}", info.last_seen)))
            .await?;
        let _: i64 = self.query(redis::cmd("ZADD").arg(&ids).arg(score).arg(id)).await?;
        self.extend(user, 0).await
    }

    async fn user_state(&self, user: &str, id: &str) -> Result<UserState, StoreError> {
        let (_, meta) = self.user_keys(user);
        let v: Vec<Option<String>> =
            self.query(redis::cmd("HMGET").arg(&meta).arg(format!("s:{id}")).arg("!out")).await?;
        let since = v.first().cloned().flatten().and_then(|s| s.parse::<f64>().ok()).map(|f| f as i64);
        let (before, kept) = match v.get(1).cloned().flatten() {
            Some(out) => {
                let (b, k) = out.split_once('|').unwrap_or((&out, ""));
                (b.parse::<f64>().ok().map(|f| f as i64), k == id)
            }
            None => (None, false),
        };
        Ok(UserState { since, before, kept })
    }

    async fn destroy_user(&self, user: &str, except: Option<&str>) -> Result<usize, StoreError> {
        let (ids, meta) = self.user_keys(user);
        let list = self.live(user).await?;
        let kept = except
            .map(|e| {
                list.iter().find(|id| *id == e || crate::id::tag(id) == e).cloned().unwrap_or_else(|| e.to_owned())
            })
            .unwrap_or_default();
        let _: i64 =
            self.query(redis::cmd("HSET").arg(&meta).arg("!out").arg(format!("{}|{kept}", self.now_ms()))).await?;
        let ending: Vec<String> = list.into_iter().filter(|id| *id != kept).collect();
        for id in &ending {
            let _: i64 = self.query(redis::cmd("DEL").arg(format!("{}{id}", self.prefix))).await?;
        }
        if !ending.is_empty() {
            self.forget(&ids, &meta, &ending).await?;
        }
        self.extend(user, self.ttl_ms()).await?;
        Ok(ending.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_are_told_from_the_index_and_the_tombstones_by_name() {
        let id = crate::generate_session_id();
        assert!(is_session_key(&id));
        assert!(is_session_key(&crate::session::store_key(&id))); // a hashed key
        assert!(!is_session_key(&crate::session::grace_key(&id)));
        assert!(!is_session_key(&crate::session::grace_key(&crate::session::store_key(&id))));
        assert!(!is_session_key("user:{alice}"));
        assert!(!is_session_key("user:{alice}:info"));
        assert!(is_session_key("user-42")); // a custom id that merely starts alike
    }

    #[test]
    fn the_prefix_is_matched_literally() {
        assert_eq!(glob_escape("sess:"), "sess:");
        assert_eq!(glob_escape(r"a*b?[c]\d"), r"a\*b\?\[c\]\\d");
    }
}
