//! `migrateSigned`: moving a cookie-session app from signed cookies to `encrypt: true` without
//! signing everyone out. While it is on, the encrypted middleware still reads a cookie-session
//! signed cookie (`<name>` holding base64 JSON, `<name>.sig` its keygrip signature) when the
//! signature verifies, seals the session on the way out and expires the `.sig` cookie. A cookie
//! without a signature is never read: it could have been written by anyone.
//!
//! The trade-off: while it is on, a signed cookie stolen before the move is still accepted (and
//! then sealed) until it expires or is replaced; turn it off once your longest session has had the
//! chance to come back.

use serde::{Deserialize, Deserializer, Serialize};

/// The signed cookies to accept during the move. The keys that verify them are given beside the
/// sealing keys ([`super::ClientSession::with_signed_keys`]); by default they are the same keys.
///
/// In the options' JSON: `true` (same keys, the `algorithm` option), `{ "algorithm": "sha256" }`,
/// or `false`/`null`/absent for off.
///
/// ```
/// use session_core::client::{ClientOptions, MigrateSigned};
/// let o: ClientOptions = serde_json::from_str(r#"{"encrypt":true,"migrateSigned":true}"#).unwrap();
/// assert_eq!(o.migrate_signed, Some(MigrateSigned::default()));
/// let o: ClientOptions = serde_json::from_str(r#"{"encrypt":true,"migrateSigned":{"algorithm":"sha256"}}"#).unwrap();
/// assert_eq!(o.migrate_signed.and_then(|m| m.algorithm).as_deref(), Some("sha256"));
/// let o: ClientOptions = serde_json::from_str(r#"{"encrypt":true,"migrateSigned":false}"#).unwrap();
/// assert_eq!(o.migrate_signed, None);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct MigrateSigned {
    /// keygrip's algorithm of the old signatures (`sha1`, `sha256`); `None`: the `algorithm` option.
    pub algorithm: Option<String>,
}

/// The debug reason for a signed cookie met in encrypted mode while `migrateSigned` is off.
pub const SIGNED_NOT_MIGRATING: &str = "signed cookie (encrypt is on; set migrateSigned to read it)";

/// `migrateSigned` as a flag or an object.
pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<MigrateSigned>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Given {
        Flag(bool),
        Spec(MigrateSigned),
    }
    Ok(match Option::<Given>::deserialize(d)? {
        None | Some(Given::Flag(false)) => None,
        Some(Given::Flag(true)) => Some(MigrateSigned::default()),
        Some(Given::Spec(s)) => Some(s),
    })
}
