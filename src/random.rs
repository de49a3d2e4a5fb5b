//! The core's one source of randomness: the operating system's CSPRNG natively,
//! `crypto.getRandomValues` in wasm (both through `getrandom`).

/// Fills `buf` with cryptographically secure random bytes.
///
/// # Panics
/// Only if the platform has no CSPRNG at all (no `crypto.getRandomValues` in a wasm host):
/// a session library must not fall back to weak randomness.
pub fn fill(buf: &mut [u8]) {
    #[allow(clippy::expect_used)]
    getrandom::fill(buf).expect("no cryptographically secure random source on this platform");
}
