//! Sealed (encrypted and authenticated) cookie values, session-core's format version 1:
//!
//! ```text
//! value   = "sc1." kid "." base64url(nonce ‖ ciphertext ‖ tag)        (no padding)
//! key     = HKDF-SHA256(ikm = secret, salt = "session-core", info = "sc1 seal")     32 bytes
//! kid     = base64url(HKDF-SHA256(ikm = secret, salt = "session-core", info = "sc1 key id")[0..6])  8 chars
//! nonce   = 24 random bytes (XChaCha20-Poly1305)
//! aad     = "sc1." kid "." cookie-name
//! payload = JSON {"c": createdAt, "s": lastSeen, "e": expiresAt | null, "d": <the session>}
//! ```
//! The key id comes from the key itself, not its place in the list, so reordering or retiring keys
//! never misreads a cookie; a cookie sealed under an older key is opened and then sealed again under
//! the first. The cookie name is bound as associated data: a value moved to another cookie name does
//! not open. Times are integer milliseconds since the epoch.

use crate::error::Error;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hkdf::Hkdf;
use sha2::Sha256;
use std::fmt;

/// The format's prefix.
pub const PREFIX: &str = "sc1.";
const NONCE: usize = 24;
const TAG: usize = 16;

/// One sealing key, derived from a secret, with its id.
#[derive(Clone)]
pub struct SealKey {
    cipher: XChaCha20Poly1305,
    /// The 8-character key id written in the cookie.
    pub kid: String,
}

impl fmt::Debug for SealKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SealKey").field("kid", &self.kid).finish()
    }
}

impl SealKey {
    /// Derives the key and its id from a secret (HKDF-SHA256, one purpose each).
    pub fn derive(secret: &[u8]) -> SealKey {
        let hk = Hkdf::<Sha256>::new(Some(b"session-core"), secret);
        let mut key = [0u8; 32];
        let mut id = [0u8; 6];
        // 32 and 6 bytes are far below HKDF's limit (255 × 32)
        hk.expand(b"sc1 seal", &mut key).unwrap_or_else(|_| unreachable!());
        hk.expand(b"sc1 key id", &mut id).unwrap_or_else(|_| unreachable!());
        SealKey {
            cipher: XChaCha20Poly1305::new_from_slice(&key).unwrap_or_else(|_| unreachable!("32-byte key")),
            kid: URL_SAFE_NO_PAD.encode(id),
        }
    }
}

/// Why a sealed value did not open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenError {
    /// Not `sc1.<kid>.<data>`, or too short to hold a nonce and a tag.
    Truncated,
    /// No configured key has that id.
    UnknownKey,
    /// Authentication failed: tampered, or sealed for another cookie name.
    BadSeal,
}

impl OpenError {
    pub fn as_str(self) -> &'static str {
        match self {
            OpenError::Truncated => "truncated",
            OpenError::UnknownKey => "unknown key",
            OpenError::BadSeal => "bad seal",
        }
    }
}

fn aad(kid: &str, name: &str) -> String {
    format!("{PREFIX}{kid}.{name}")
}

/// Seals `payload` for the cookie `name` under `key`, with a fresh random nonce.
pub fn seal(key: &SealKey, name: &str, payload: &[u8]) -> Result<String, Error> {
    let mut nonce = [0u8; NONCE];
    crate::random::fill(&mut nonce);
    seal_with_nonce(key, name, payload, &nonce)
}

/// [`seal`] with a given nonce: for test vectors only (a nonce must never repeat under one key).
pub fn seal_with_nonce(key: &SealKey, name: &str, payload: &[u8], nonce: &[u8; NONCE]) -> Result<String, Error> {
    let aad = aad(&key.kid, name);
    let ct = key
        .cipher
        .encrypt(XNonce::from_slice(nonce), Payload { msg: payload, aad: aad.as_bytes() })
        .map_err(|_| Error::invalid("session", "could not be sealed"))?;
    let mut raw = Vec::with_capacity(NONCE + ct.len());
    raw.extend_from_slice(nonce);
    raw.extend_from_slice(&ct);
    Ok(format!("{PREFIX}{}.{}", key.kid, URL_SAFE_NO_PAD.encode(raw)))
}

/// Opens a sealed value for the cookie `name` with whichever key its id names; gives the payload
/// and the index of that key (0 = the first, the one that seals).
pub fn open(keys: &[SealKey], name: &str, value: &str) -> Result<(Vec<u8>, usize), OpenError> {
    let rest = value.strip_prefix(PREFIX).ok_or(OpenError::Truncated)?;
    let (kid, data) = rest.split_once('.').ok_or(OpenError::Truncated)?;
    let raw = URL_SAFE_NO_PAD.decode(data).map_err(|_| OpenError::Truncated)?;
    if raw.len() < NONCE + TAG {
        return Err(OpenError::Truncated);
    }
    let index = keys.iter().position(|k| k.kid == kid).ok_or(OpenError::UnknownKey)?;
    let aad = aad(kid, name);
    let plain = keys[index]
        .cipher
        .decrypt(XNonce::from_slice(&raw[..NONCE]), Payload { msg: &raw[NONCE..], aad: aad.as_bytes() })
        .map_err(|_| OpenError::BadSeal)?;
    Ok((plain, index))
}
