//! Signatures as `keygrip` makes them for `cookies`/cookie-session: `HMAC-<alg>(key, data)` in
//! base64url without padding, over `name=value`. SHA-1 is keygrip's default; SHA-256 is selectable.
//! A list of keys signs with the first and verifies with any, saying which.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::Sha256;
use std::fmt;
use subtle::ConstantTimeEq;

/// keygrip's hash algorithms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    Sha1,
    Sha256,
}

impl Algorithm {
    /// `sha1` or `sha256`, as keygrip names them, any case.
    pub fn parse(s: &str) -> Option<Algorithm> {
        match s.to_ascii_lowercase().as_str() {
            "sha1" => Some(Algorithm::Sha1),
            "sha256" => Some(Algorithm::Sha256),
            _ => None,
        }
    }
}

#[derive(Clone)]
enum Keyed {
    Sha1(Hmac<Sha1>),
    Sha256(Hmac<Sha256>),
}

/// Keys, each keyed once. `Debug` shows how many, never the bytes.
#[derive(Clone)]
pub struct Keygrip {
    keys: Vec<Keyed>,
}

impl fmt::Debug for Keygrip {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Keygrip").field("keys", &self.keys.len()).finish()
    }
}

impl Keygrip {
    /// `None` for an empty list.
    ///
    /// ```
    /// use session_core::client::{Algorithm, Keygrip};
    /// let k = Keygrip::new(&["key-new", "key-old"], Algorithm::Sha1).unwrap();
    /// assert_eq!(k.sign("session=eyJ1c2VyIjoiYWxpY2UiLCJuIjoxfQ=="), "SRueGnudBw38mTHSby3KpUFGXDQ");
    /// ```
    pub fn new<S: AsRef<[u8]>>(keys: &[S], alg: Algorithm) -> Option<Keygrip> {
        if keys.is_empty() {
            return None;
        }
        let keys = keys
            .iter()
            .map(|k| match alg {
                Algorithm::Sha1 => Keyed::Sha1(
                    Hmac::<Sha1>::new_from_slice(k.as_ref()).unwrap_or_else(|_| unreachable!("HMAC takes any key")),
                ),
                Algorithm::Sha256 => Keyed::Sha256(
                    Hmac::<Sha256>::new_from_slice(k.as_ref()).unwrap_or_else(|_| unreachable!("HMAC takes any key")),
                ),
            })
            .collect();
        Some(Keygrip { keys })
    }

    fn digest(&self, index: usize, data: &str) -> String {
        let tag = match &self.keys[index] {
            Keyed::Sha1(m) => {
                let mut m = m.clone();
                m.update(data.as_bytes());
                m.finalize().into_bytes().to_vec()
            }
            Keyed::Sha256(m) => {
                let mut m = m.clone();
                m.update(data.as_bytes());
                m.finalize().into_bytes().to_vec()
            }
        };
        URL_SAFE_NO_PAD.encode(tag)
    }

    /// Signs with the first key.
    pub fn sign(&self, data: &str) -> String {
        self.digest(0, data)
    }

    /// Which key made `digest` (constant-time comparison per key), as keygrip's `index`.
    pub fn index(&self, data: &str, digest: &str) -> Option<usize> {
        (0..self.keys.len()).find(|&i| {
            let d = self.digest(i, data);
            d.len() == digest.len() && bool::from(d.as_bytes().ct_eq(digest.as_bytes()))
        })
    }
}
