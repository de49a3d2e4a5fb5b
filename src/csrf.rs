//! Session-bound CSRF tokens (the synchronizer-token pattern), in the format of the `csrf` npm
//! package that csurf 1.11 uses, so a session that holds csurf's secret keeps accepting the tokens
//! csurf issued from it, and the other way round.
//!
//! - A **secret** is 18 random bytes in base64url without padding (24 characters), kept in the
//!   session (`csrfSecret`): never sent to the browser on its own.
//! - A **token** is `salt-hash`: a fresh random salt (8 alphanumeric characters) and
//!   base64url(SHA-1(`salt-secret`)) without padding. Each call makes a new salt, so the token on
//!   a page never repeats (the BREACH mitigation csurf has), and without the secret no one can make
//!   a hash that verifies.
//! - **Verification** splits at the first `-`, recomputes the hash for that salt and compares the
//!   whole token in constant time. A token that does not verify is `false`, not an error.
//!
//! ```
//! use session_core::csrf;
//! let secret = csrf::new_secret();
//! let token = csrf::token(&secret);
//! assert!(csrf::verify(&secret, &token));
//! assert!(!csrf::verify(&csrf::new_secret(), &token));
//! assert_ne!(token, csrf::token(&secret)); // a fresh salt each time
//! ```

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use subtle::ConstantTimeEq;

/// Random bytes in a secret: 18, as the `csrf` package's default `secretLength`.
pub const SECRET_BYTES: usize = 18;

/// Characters in a salt: 8, as the `csrf` package's default `saltLength`.
pub const SALT_LENGTH: usize = 8;

const ALPHANUMERIC: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// A new secret: 18 CSPRNG bytes, base64url without padding (24 characters).
///
/// ```
/// let s = session_core::csrf::new_secret();
/// assert_eq!(s.len(), 24);
/// ```
pub fn new_secret() -> String {
    let mut bytes = [0u8; SECRET_BYTES];
    crate::random::fill(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A new salt: [`SALT_LENGTH`] characters drawn uniformly from `[0-9A-Za-z]` (rejection sampling,
/// no modulo bias).
fn new_salt() -> String {
    let mut out = String::with_capacity(SALT_LENGTH);
    let mut buf = [0u8; 16];
    while out.len() < SALT_LENGTH {
        crate::random::fill(&mut buf);
        for b in buf {
            // 248 = 4 * 62: the bytes below it map evenly onto the alphabet
            if b < 248 && out.len() < SALT_LENGTH {
                out.push(ALPHANUMERIC[usize::from(b % 62)] as char);
            }
        }
    }
    out
}

/// The token for `secret` with a fresh salt.
pub fn token(secret: &str) -> String {
    token_with_salt(secret, &new_salt())
}

/// The token for `secret` with the given salt: `salt-hash`. Deterministic: for test vectors (a
/// real token always takes a fresh salt through [`token`]).
///
/// ```
/// // made by the csrf package (csurf 1.11): new Tokens().create('dGVzdHNlY3JldHRlc3RzZWNy')
/// let t = session_core::csrf::token_with_salt("dGVzdHNlY3JldHRlc3RzZWNy", "abcdefgh");
/// assert!(t.starts_with("abcdefgh-") && t.len() == 8 + 1 + 27);
/// ```
pub fn token_with_salt(secret: &str, salt: &str) -> String {
    let mut out = String::with_capacity(salt.len() + 28);
    out.push_str(salt);
    out.push('-');
    URL_SAFE_NO_PAD.encode_string(hash(salt, secret), &mut out);
    out
}

/// SHA-1 of `salt-secret`. The `csrf` package hashes the text as Node's `'ascii'` encoding (one
/// byte per UTF-16 unit); its salts and secrets are ASCII, where that is the UTF-8 bytes used
/// here. (A token with a non-ASCII salt is no token csurf made: it fails both ways.)
fn hash(salt: &str, secret: &str) -> [u8; 20] {
    let mut text = Vec::with_capacity(salt.len() + 1 + secret.len());
    text.extend_from_slice(salt.as_bytes());
    text.push(b'-');
    text.extend_from_slice(secret.as_bytes());
    sha1(&text)
}

/// SHA-1 (FIPS 180-4), rolled up: the Express build has no other use for it, and the `sha1`
/// crate's unrolled rounds cost ~4 KB of gzipped wasm there. Checked against the crate below and
/// against the `csrf` package's tokens (tests/vectors/csrf.json).
fn sha1(data: &[u8]) -> [u8; 20] {
    let mut h: [u32; 5] = [0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476, 0xC3D2_E1F0];
    let mut msg = data.to_vec();
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&((data.len() as u64) * 8).to_be_bytes());
    let mut w = [0u32; 80];
    for block in msg.chunks_exact(64) {
        for (i, word) in block.chunks_exact(4).enumerate() {
            w[i] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
        }
        for i in 16..80 {
            w[i] = (w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]).rotate_left(1);
        }
        let [mut a, mut b, mut c, mut d, mut e] = h;
        for (i, wi) in w.iter().enumerate() {
            let (f, k) = match i {
                0..=19 => ((b & c) | (!b & d), 0x5A82_7999),
                20..=39 => (b ^ c ^ d, 0x6ED9_EBA1),
                40..=59 => ((b & c) | (b & d) | (c & d), 0x8F1B_BCDC),
                _ => (b ^ c ^ d, 0xCA62_C1D6),
            };
            let t = a.rotate_left(5).wrapping_add(f).wrapping_add(e).wrapping_add(k).wrapping_add(*wi);
            e = d;
            d = c;
            c = b.rotate_left(30);
            b = a;
            a = t;
        }
        for (x, y) in h.iter_mut().zip([a, b, c, d, e]) {
            *x = x.wrapping_add(y);
        }
    }
    let mut out = [0u8; 20];
    for (o, x) in out.chunks_exact_mut(4).zip(h) {
        o.copy_from_slice(&x.to_be_bytes());
    }
    out
}

/// Does `token` verify against `secret`? As the `csrf` package: an empty secret or token, or a
/// token without `-`, never does; otherwise the token made with its salt must equal it (compared
/// in constant time).
///
/// ```
/// use session_core::csrf::{token_with_salt, verify};
/// let t = token_with_salt("secret-of-the-session-xyz", "salt");
/// assert!(verify("secret-of-the-session-xyz", &t));
/// assert!(!verify("secret-of-the-session-xyz", "salt-forged"));
/// assert!(!verify("", &t) && !verify("x", ""));
/// ```
pub fn verify(secret: &str, token: &str) -> bool {
    if secret.is_empty() || token.is_empty() {
        return false;
    }
    let Some(dash) = token.find('-') else { return false };
    let expected = token_with_salt(secret, &token[..dash]);
    expected.len() == token.len() && bool::from(expected.as_bytes().ct_eq(token.as_bytes()))
}

/// Is a request exempt from the CSRF check? Only a request that sent **no** session cookie and did
/// send the session id header (the `header` option): a browser attaches cookies to a cross-site
/// request on its own, never a custom header, so such a request carries no ambient credential to
/// forge with. A request that sent the cookie (with or without the header) is checked as always.
///
/// ```
/// use session_core::csrf::exempt;
/// assert!(exempt(false, true));  // an API client: the id in the header, no cookie
/// assert!(!exempt(true, true));  // a session cookie was sent: checked
/// assert!(!exempt(true, false));
/// assert!(!exempt(false, false)); // neither: checked (no session to act for, and no login CSRF)
/// ```
pub fn exempt(session_cookie_sent: bool, id_header_sent: bool) -> bool {
    id_header_sent && !session_cookie_sent
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha1_matches_the_crate() {
        use sha1::{Digest, Sha1};
        for n in [0usize, 1, 55, 56, 63, 64, 65, 119, 120, 1000] {
            let data: Vec<u8> = (0..n).map(|i| (i * 7 + 3) as u8).collect();
            let want: [u8; 20] = Sha1::digest(&data).into();
            assert_eq!(sha1(&data), want, "{n} bytes");
        }
    }

    #[test]
    fn salts_are_alphanumeric_and_fresh() {
        let a = new_salt();
        assert_eq!(a.len(), SALT_LENGTH);
        assert!(a.bytes().all(|b| b.is_ascii_alphanumeric()));
        assert_ne!(a, new_salt());
    }

    #[test]
    fn tokens_of_another_secret_fail() {
        let s = new_secret();
        let t = token(&s);
        assert!(verify(&s, &t));
        assert!(!verify(&new_secret(), &t));
        assert!(!verify(&s, &t[..t.len() - 1]));
        assert!(!verify(&s, "nodash"));
    }
}
