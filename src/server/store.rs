//! The store contract of the layer. Records are JSON text, exactly as `session-core/express`'s stores
//! keep them (express-session's layout), so one store serves the Node and the Rust servers.
//!
//! Every method is async and answers a [`StoreError`] when the store cannot serve. The per-user
//! index methods have defaults for stores without one (the layer then does not index).

use std::fmt;
use std::future::Future;

/// Why a store call failed. A session that is gone when written (a logout or an expiry won) is not
/// an error: the write is dropped, as the Node stores drop it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StoreError {
    /// The store did not answer in time (`ESESSIONSTORE_TIMEOUT`).
    Timeout(String),
    /// The store cannot serve now (`ESESSIONSTORE_UNAVAILABLE`).
    Unavailable(String),
    /// A write kept losing races, or an id collided (`ESESSIONSTORE_CONFLICT`).
    Conflict(String),
    /// What the store holds under this id is not a session record (`ESESSIONSTORE_RECORD`).
    Record(String),
}

impl StoreError {
    /// The code the Node stores give the same failure.
    pub fn code(&self) -> &'static str {
        match self {
            StoreError::Timeout(_) => "ESESSIONSTORE_TIMEOUT",
            StoreError::Unavailable(_) => "ESESSIONSTORE_UNAVAILABLE",
            StoreError::Conflict(_) => "ESESSIONSTORE_CONFLICT",
            StoreError::Record(_) => "ESESSIONSTORE_RECORD",
        }
    }

    /// What went wrong, in the store's own words left out: a store's message may name its keys,
    /// which hold session ids. [`super::SessionError`] carries this, never the store's message.
    pub fn summary(&self) -> &'static str {
        match self {
            StoreError::Timeout(_) => "the session store did not answer in time",
            StoreError::Unavailable(_) => "the session store is unavailable",
            StoreError::Conflict(_) => "the session store refused the write (a conflict)",
            StoreError::Record(_) => "the session store holds something other than a session record",
        }
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (StoreError::Timeout(m) | StoreError::Unavailable(m) | StoreError::Conflict(m) | StoreError::Record(m)) =
            self;
        write!(f, "{}: {m}", self.code())
    }
}

impl std::error::Error for StoreError {}

/// What the layer indexes under a user after a save or touch (as `indexUser`'s `info`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserInfo {
    /// When this request began (the session's "signed in since", kept from the first index).
    pub since: i64,
    pub last_seen: i64,
    pub user_agent: String,
    /// When the session's record may be forgotten, when known.
    pub expires: Option<i64>,
}

/// What a load of a session of a user needs (as `userState`): see [`crate::session::signed_out`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct UserState {
    pub since: Option<i64>,
    pub before: Option<i64>,
    pub kept: bool,
}

/// A session store. `id`s are session ids; `record`s JSON text; `deadline`s ms since the epoch
/// (the core's [`crate::session::deadline`]), `None` when the store applies its own TTL.
pub trait SessionStore: Clone + Send + Sync + 'static {
    /// The record under `id`, or `None` (absent or expired).
    fn load(&self, id: &str) -> impl Future<Output = Result<Option<String>, StoreError>> + Send;

    /// Writes a record. `existing`: it was loaded under this id, so it is only updated while it is
    /// still there (a save racing a logout never revives it); otherwise it is created.
    fn save(
        &self,
        id: &str,
        record: &str,
        deadline: Option<i64>,
        existing: bool,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Writes a loaded session's changes: `delta` (the core's [`crate::session::delta`] of `base`,
    /// the record as loaded, and `record`, as it is now) merged into the record as the store holds
    /// it at write time ([`crate::session::apply`]), so overlapping requests all count. The default
    /// writes `record` (last writer wins).
    fn merge(
        &self,
        id: &str,
        base: &str,
        delta: &str,
        record: &str,
        deadline: Option<i64>,
    ) -> impl Future<Output = Result<(), StoreError>> + Send {
        let _ = (base, delta);
        self.save(id, record, deadline, true)
    }

    /// Whether [`SessionStore::merge`] merges (the layer then computes the delta).
    fn merges(&self) -> bool {
        false
    }

    /// Refreshes the record's lifetime (express-session's `touch`); `record` is the touched record.
    fn touch(
        &self,
        id: &str,
        record: &str,
        deadline: Option<i64>,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Removes the record.
    fn destroy(&self, id: &str) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Whether the store keeps the per-user index (the methods below).
    fn indexes_users(&self) -> bool {
        false
    }

    /// (Re)indexes session `id` under `user`.
    fn index_user(&self, user: &str, id: &str, info: &UserInfo) -> impl Future<Output = Result<(), StoreError>> + Send {
        let _ = (user, id, info);
        async { Ok(()) }
    }

    /// The user's sign-out state for session `id`.
    fn user_state(&self, user: &str, id: &str) -> impl Future<Output = Result<UserState, StoreError>> + Send {
        let _ = (user, id);
        async { Ok(UserState::default()) }
    }

    /// Sign out everywhere: ends every session of `user` but `except`; answers how many ended.
    fn destroy_user(&self, user: &str, except: Option<&str>) -> impl Future<Output = Result<usize, StoreError>> + Send {
        let _ = (user, except);
        async { Ok(0) }
    }
}
