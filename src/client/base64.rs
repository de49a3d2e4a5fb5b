//! Base64 as Node's `Buffer.from(s, 'base64')` reads it: both alphabets, characters outside them
//! skipped, stop at the first `=`, a dangling partial byte dropped. cookie-session decodes its
//! cookie that way, so a session-core reader must too. Writing is standard base64 with padding.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

fn sextet(c: u8) -> Option<u32> {
    Some(match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' | b'-' => 62,
        b'/' | b'_' => 63,
        _ => return None,
    } as u32)
}

/// Node's lenient base64 decoding.
///
/// ```
/// use session_core::client::node_base64_decode;
/// assert_eq!(node_base64_decode("eyJ=tZX"), b"{\"");
/// assert_eq!(node_base64_decode("e y J!t@ZXNz-_YWdl"), [0x7b, 0x22, 0x6d, 0x65, 0x73, 0x73, 0xfb, 0xf6, 0x16, 0x76]);
/// ```
pub fn node_base64_decode(s: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for &c in s.as_bytes() {
        if c == b'=' {
            break;
        }
        let Some(v) = sextet(c) else { continue };
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}

/// Standard base64 with padding, as `Buffer#toString('base64')`.
pub fn base64_encode(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}
