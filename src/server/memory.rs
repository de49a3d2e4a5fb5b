//! A bounded in-process store, as `session-core/express`'s MemoryStore: at most `max_entries`
//! records (the oldest written goes first when a new one would pass the bound), each forgotten at
//! its deadline, with the per-user index. For one process and for tests: sessions do not survive a
//! restart and are not shared between processes (use `RedisStore` for that).

use super::store::{SessionStore, StoreError, UserInfo, UserState};
use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};

/// The default bound, as MemoryStore's `maxEntries`.
const MAX_ENTRIES: usize = 10_000;

#[derive(Default)]
struct Inner {
    records: HashMap<String, (String, Option<i64>)>,
    /// ids in the order they were created (may hold ids since removed)
    order: VecDeque<String>,
    users: HashMap<String, User>,
}

#[derive(Default)]
struct User {
    /// id -> when first seen signed in as this user
    since: HashMap<String, i64>,
    /// the last sign-out everywhere: (before, the id it kept)
    out: Option<(i64, String)>,
}

/// See the module documentation. Cheap to clone (one shared map).
#[derive(Clone)]
pub struct MemoryStore {
    inner: Arc<Mutex<Inner>>,
    max_entries: usize,
    clock: Option<super::Clock>,
}

impl fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // never an id or a record
        f.debug_struct("MemoryStore").field("len", &self.len()).field("max_entries", &self.max_entries).finish()
    }
}

impl Default for MemoryStore {
    fn default() -> Self {
        MemoryStore::new(MAX_ENTRIES)
    }
}

impl MemoryStore {
    /// A store of at most `max_entries` records (at least 1).
    pub fn new(max_entries: usize) -> MemoryStore {
        MemoryStore { inner: Arc::default(), max_entries: max_entries.max(1), clock: None }
    }

    /// The clock that decides expiry (default: the system clock), for tests.
    pub fn with_clock(mut self, now: impl Fn() -> i64 + Send + Sync + 'static) -> MemoryStore {
        self.clock = Some(Arc::new(now));
        self
    }

    /// How many records it holds (expired ones included until read).
    pub fn len(&self) -> usize {
        self.lock().records.len()
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The record under `id` as stored (for tests and tools), expired or not.
    pub fn record(&self, id: &str) -> Option<String> {
        self.lock().records.get(id).map(|(t, _)| t.clone())
    }

    /// Every record as stored, by id (for tests and tools), expired ones included until read.
    pub fn snapshot(&self) -> std::collections::BTreeMap<String, String> {
        self.lock().records.iter().map(|(k, (t, _))| (k.clone(), t.clone())).collect()
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // a panic while holding the lock leaves plain data behind: keep serving it
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn now(&self) -> i64 {
        super::now(self.clock.as_ref())
    }

    fn put(&self, id: &str, record: &str, deadline: Option<i64>, existing: bool) {
        let now = self.now();
        let mut g = self.lock();
        let inner = &mut *g;
        let live = inner.records.get(id).is_some_and(|(_, d)| d.is_none_or(|d| d > now));
        if existing && !live {
            return; // destroyed or expired meanwhile: not revived
        }
        if deadline.is_some_and(|d| d <= now) {
            inner.records.remove(id);
            return;
        }
        if inner.records.insert(id.to_owned(), (record.to_owned(), deadline)).is_none() {
            inner.order.push_back(id.to_owned());
        }
        while inner.records.len() > self.max_entries {
            match inner.order.pop_front() {
                Some(old) if old != id => {
                    inner.records.remove(&old);
                }
                Some(old) => inner.order.push_back(old),
                None => break,
            }
        }
        if inner.order.len() > 2 * self.max_entries {
            let records = &inner.records;
            inner.order.retain(|k| records.contains_key(k));
        }
    }
}

impl SessionStore for MemoryStore {
    async fn load(&self, id: &str) -> Result<Option<String>, StoreError> {
        let now = self.now();
        let mut g = self.lock();
        match g.records.get(id) {
            Some((_, Some(d))) if *d <= now => {
                g.records.remove(id);
                Ok(None)
            }
            Some((text, _)) => Ok(Some(text.clone())),
            None => Ok(None),
        }
    }

    async fn save(&self, id: &str, record: &str, deadline: Option<i64>, existing: bool) -> Result<(), StoreError> {
        self.put(id, record, deadline, existing);
        Ok(())
    }

    fn merges(&self) -> bool {
        true
    }

    async fn merge(
        &self,
        id: &str,
        _base: &str,
        delta: &str,
        _record: &str,
        deadline: Option<i64>,
    ) -> Result<(), StoreError> {
        let Some(current) = self.lock().records.get(id).map(|(t, _)| t.clone()) else { return Ok(()) };
        let merged = crate::session::apply(&current, delta).map_err(|e| StoreError::Record(e.to_string()))?;
        // the deadline of the merged record, as the core reads it from the record
        let d = deadline.or_else(|| {
            crate::session::Record::parse(&merged)
                .ok()
                .and_then(|r| crate::session::deadline(&r.times(), &Default::default()))
        });
        self.put(id, &merged, d, true);
        Ok(())
    }

    async fn touch(&self, id: &str, record: &str, deadline: Option<i64>) -> Result<(), StoreError> {
        {
            let now = self.now();
            let mut g = self.lock();
            if let Some(slot) = g.records.get_mut(id) {
                if slot.0 == record && slot.1.is_none_or(|d| d > now) {
                    slot.1 = deadline; // the same record: only its deadline moves
                    return Ok(());
                }
            }
        }
        self.put(id, record, deadline, true);
        Ok(())
    }

    async fn destroy(&self, id: &str) -> Result<(), StoreError> {
        self.lock().records.remove(id);
        Ok(())
    }

    fn indexes_users(&self) -> bool {
        true
    }

    async fn index_user(&self, user: &str, id: &str, info: &UserInfo) -> Result<(), StoreError> {
        self.lock().users.entry(user.to_owned()).or_default().since.entry(id.to_owned()).or_insert(info.since);
        Ok(())
    }

    async fn user_state(&self, user: &str, id: &str) -> Result<UserState, StoreError> {
        let g = self.lock();
        let Some(u) = g.users.get(user) else { return Ok(UserState::default()) };
        Ok(UserState {
            since: u.since.get(id).copied(),
            before: u.out.as_ref().map(|(b, _)| *b),
            kept: u.out.as_ref().is_some_and(|(_, k)| k == id),
        })
    }

    async fn destroy_user(&self, user: &str, except: Option<&str>) -> Result<usize, StoreError> {
        let now = self.now();
        let mut g = self.lock();
        let inner = &mut *g;
        let u = inner.users.entry(user.to_owned()).or_default();
        let kept = except.unwrap_or("").to_owned();
        u.out = Some((now, kept.clone()));
        let ending: Vec<String> = u.since.keys().filter(|id| **id != kept).cloned().collect();
        let mut n = 0;
        for id in &ending {
            u.since.remove(id);
            if inner.records.remove(id).is_some() {
                n += 1;
            }
        }
        Ok(n)
    }
}
