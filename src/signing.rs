//! Signed values, byte-compatible with `cookie-signature` (express-session, cookie-parser):
//! `sign(value) = value + "." + base64(HMAC-SHA256(secret, value))` with the `=` padding removed.
//!
//! Rotation is a list of secrets: sign with the first, accept any, and report which matched so the
//! caller can re-sign with the newest. Each secret's keyed HMAC state is computed once, when the
//! [`Signer`] is built, not once per call.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::fmt;
use subtle::ConstantTimeEq;

type HmacSha256 = Hmac<Sha256>;

/// Length of the signature text: 32 MAC bytes in unpadded base64.
pub const SIGNATURE_LEN: usize = 43;

/// A value whose signature verified, and which secret verified it (0 = the newest).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsigned {
    pub value: String,
    pub secret_index: usize,
}

/// A list of secrets, keyed once. Its `Debug` prints how many secrets it holds, never their bytes.
#[derive(Clone)]
pub struct Signer {
    keys: Vec<HmacSha256>,
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signer").field("secrets", &self.keys.len()).finish()
    }
}

impl Signer {
    /// Keys each secret (any length, HMAC's rule); `None` when the list is empty.
    ///
    /// ```
    /// use session_core::Signer;
    /// let s = Signer::new(&[b"tobiiscool".as_slice()]).unwrap();
    /// assert_eq!(s.sign("hello"), "hello.DGDUkGlIkCzPz+C0B064FNgHdEjox7ch8tOBGslZ5QI");
    /// ```
    pub fn new<S: AsRef<[u8]>>(secrets: &[S]) -> Option<Signer> {
        if secrets.is_empty() {
            return None;
        }
        Some(Signer { keys: secrets.iter().map(|s| keyed(s.as_ref())).collect() })
    }

    /// How many secrets this signer holds.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Always false: a signer holds at least one secret.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    fn signature(&self, index: usize, value: &str) -> [u8; SIGNATURE_LEN] {
        let mut mac = self.keys[index].clone();
        mac.update(value.as_bytes());
        encode_mac(&mac.finalize().into_bytes().into())
    }

    /// Signs with the first (newest) secret.
    pub fn sign(&self, value: &str) -> String {
        let sig = self.signature(0, value);
        let mut s = String::with_capacity(value.len() + 1 + SIGNATURE_LEN);
        s.push_str(value);
        s.push('.');
        s.push_str(std::str::from_utf8(&sig).unwrap_or_default()); // base64: ASCII, always valid
        s
    }

    /// Splits at the last `.`, and checks the tail against every secret in order, in constant time
    /// per comparison. The signature text must be the canonical one (no `=`, no other base64 tail),
    /// as in `cookie-signature`. `None` when nothing matches — not an error.
    ///
    /// ```
    /// use session_core::Signer;
    /// let s = Signer::new(&["new", "old"]).unwrap();
    /// let old = Signer::new(&["old"]).unwrap().sign("a.b");
    /// let u = s.unsign(&old).unwrap();
    /// assert_eq!((u.value.as_str(), u.secret_index), ("a.b", 1));
    /// assert!(s.unsign("a.b.AAAA").is_none());
    /// ```
    pub fn unsign(&self, signed: &str) -> Option<Unsigned> {
        let dot = signed.rfind('.')?;
        let (value, tail) = (&signed[..dot], &signed.as_bytes()[dot + 1..]);
        if tail.len() != SIGNATURE_LEN {
            return None; // the length of a signature is public: always 43
        }
        (0..self.keys.len())
            .find(|&i| bool::from(self.signature(i, value).as_slice().ct_eq(tail)))
            .map(|secret_index| Unsigned { value: value.to_owned(), secret_index })
    }
}

/// `cookie-signature`'s `sign(value, secret)`, for one-off use (a [`Signer`] keys once for many).
///
/// ```
/// assert_eq!(session_core::sign("s3cret-value", b"keyboard cat"),
///            "s3cret-value.MkrNrfPh+rFvFKk84dUVnEJLgAFzbn4AMlu+TsDAp+g");
/// ```
pub fn sign(value: &str, secret: &[u8]) -> String {
    Signer { keys: vec![keyed(secret)] }.sign(value)
}

const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// A 32-byte MAC in standard base64 without padding: 10 groups of 3 bytes, then 2 bytes as 3
/// characters. Fixed-size, so no length checks and no error to handle (the `base64` crate's
/// general encoder was a third of `sign`'s time).
fn encode_mac(mac: &[u8; 32]) -> [u8; SIGNATURE_LEN] {
    let mut out = [0u8; SIGNATURE_LEN];
    for (i, chunk) in mac.chunks_exact(3).enumerate() {
        let n = (chunk[0] as u32) << 16 | (chunk[1] as u32) << 8 | chunk[2] as u32;
        out[4 * i] = BASE64[(n >> 18) as usize & 63];
        out[4 * i + 1] = BASE64[(n >> 12) as usize & 63];
        out[4 * i + 2] = BASE64[(n >> 6) as usize & 63];
        out[4 * i + 3] = BASE64[n as usize & 63];
    }
    let n = (mac[30] as u32) << 16 | (mac[31] as u32) << 8;
    out[40] = BASE64[(n >> 18) as usize & 63];
    out[41] = BASE64[(n >> 12) as usize & 63];
    out[42] = BASE64[(n >> 6) as usize & 63];
    out
}

fn keyed(secret: &[u8]) -> HmacSha256 {
    HmacSha256::new_from_slice(secret).unwrap_or_else(|_| unreachable!("HMAC takes any key length"))
}

#[cfg(test)]
mod tests {
    use super::encode_mac;
    use base64::engine::general_purpose::STANDARD_NO_PAD;
    use base64::Engine;

    #[test]
    fn the_fixed_size_encoder_is_base64_without_padding() {
        let mut mac = [0u8; 32];
        for round in 0..2000u32 {
            for (i, b) in mac.iter_mut().enumerate() {
                *b = (round.wrapping_mul(2654435761).rotate_left(i as u32 % 32) >> (i % 24)) as u8 ^ i as u8;
            }
            if round == 0 {
                mac = [0xff; 32];
            }
            assert_eq!(encode_mac(&mac).as_slice(), STANDARD_NO_PAD.encode(mac).as_bytes());
        }
    }
}
