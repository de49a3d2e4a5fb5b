//! Session ids hashed at rest (`hashIds: true`). A store, ours or anybody's, only ever sees
//! base64url(SHA-256(id)) as the key, never the id: a store dump, a backup, a `SCAN` listing or a
//! log of store keys opens no session (to open one, an attacker needs the id itself, and SHA-256
//! does not run backwards). The hash is unkeyed on purpose: ids are at least 128 random bits, so no
//! key is needed to make guessing hopeless, and no secret rotation can orphan a record.
//!
//! Migration: with the option turned on over an existing store, a record still kept under the plain
//! id is read once under [`StoreKeys::legacy`] and moved to [`StoreKeys::key`].

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256};

/// The shortest id a session may have with `hashIds` on: 22 base64url characters carry 128 bits
/// (what makes an unkeyed hash safe). Generated ids have 32 (192 bits).
pub const MIN_HASHED_ID_LENGTH: usize = 22;

/// The length of a tag (see [`crate::id::tag`]): a `current` or `except` argument this long names a
/// session by tag, any other is an id.
pub const TAG_LENGTH: usize = 8;

/// The store key of a session id: base64url(SHA-256(id)) without padding, 43 characters.
///
/// ```
/// use session_core::session::store_key;
/// // SHA-256("") = e3b0c442…: a key, like a tag, is only ever derived from the id
/// assert_eq!(store_key(""), "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU");
/// assert_eq!(store_key("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA").len(), 43);
/// ```
pub fn store_key(id: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(id.as_bytes()))
}

/// Where a session's record is looked up, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreKeys {
    /// The key the store reads and writes (the hash with `hashIds`, else the id).
    pub key: String,
    /// With `hashIds`: the plain id, where a record written before the option was turned on lives.
    /// Found there, it is moved to `key` (written under `key`, destroyed under `legacy`).
    pub legacy: Option<String>,
}

/// The keys of session `id`: hashed with `hash_ids` (and the plain id to migrate from), else the id.
///
/// No legacy lookup for an id that could name a record written *with* the option: one shaped as
/// a store key (43 base64url characters) or a tombstone's key (`regenerated:…`). Otherwise whoever
/// holds a store dump and the signing secret could sign a store key as an id, and the migration
/// would hand over the record it names. (Ids from `uid-safe(32)`, 43 characters, are not migrated.)
///
/// ```
/// use session_core::session::{store_keys, store_key};
/// let k = store_keys("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", true);
/// assert_eq!(k.key, store_key("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"));
/// assert_eq!(k.legacy.as_deref(), Some("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"));
/// assert_eq!(store_keys(&k.key, true).legacy, None); // a store key is never looked up as an id
/// assert_eq!(store_keys("abc", false).key, "abc");
/// ```
pub fn store_keys(id: &str, hash_ids: bool) -> StoreKeys {
    if hash_ids {
        let legacy = (!is_key_shaped(id) && !id.starts_with(crate::session::GRACE_PREFIX)).then(|| id.to_owned());
        StoreKeys { key: store_key(id), legacy }
    } else {
        StoreKeys { key: id.to_owned(), legacy: None }
    }
}

/// Is `text` shaped as a store key: 43 base64url characters (what SHA-256 encodes to)?
fn is_key_shaped(text: &str) -> bool {
    text.len() == 43 && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// May a new session have this id with `hashIds` on? At least [`MIN_HASHED_ID_LENGTH`] characters
/// (a `genid` that makes shorter ones cannot be hashed safely without a key).
///
/// ```
/// use session_core::session::hashable_id;
/// assert!(hashable_id(&session_core::generate_session_id()));
/// assert!(!hashable_id("user-42"));
/// ```
pub fn hashable_id(id: &str) -> bool {
    id.len() >= MIN_HASHED_ID_LENGTH
}

/// A session named to the per-user index's methods (`sessionsOf`'s `current`, `destroyUser`'s
/// `except`) as the store must see it: a tag ([`TAG_LENGTH`] characters, as `sessionsOf` lists
/// them) stays as it is; an id becomes its store key with `hash_ids`.
///
/// ```
/// use session_core::session::{index_arg, store_key};
/// let id = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
/// assert_eq!(index_arg(id, true), store_key(id));
/// assert_eq!(index_arg("47DEQpj8", true), "47DEQpj8");
/// assert_eq!(index_arg(id, false), id);
/// ```
pub fn index_arg(value: &str, hash_ids: bool) -> String {
    if hash_ids && value.len() != TAG_LENGTH {
        store_key(value)
    } else {
        value.to_owned()
    }
}
