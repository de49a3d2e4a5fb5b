//! `encodeURIComponent` and a strict `decodeURIComponent`, with JavaScript's exact semantics.
//!
//! Generic percent-decoding crates are lenient (`%zz` passes through); `cookie@0.7` relies on
//! `decodeURIComponent` throwing, and then keeps the *whole* raw value. So the decoder here fails
//! on any `%` not followed by two hex digits and on any decoded byte run that is not UTF-8.

/// Characters `encodeURIComponent` leaves alone: `A-Z a-z 0-9 - _ . ! ~ * ' ( )`.
fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'!' | b'~' | b'*' | b'\'' | b'(' | b')')
}

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// The length of `encode_uri_component(s)`, without making it.
pub(crate) fn encoded_len(s: &str) -> usize {
    s.bytes().map(|b| if is_unreserved(b) { 1 } else { 3 }).sum()
}

/// JavaScript's `encodeURIComponent` over a Rust string (always valid Unicode, so it never fails).
///
/// ```
/// assert_eq!(session_core::cookie::encode_uri_component("s:a+b/c é"), "s%3Aa%2Bb%2Fc%20%C3%A9");
/// ```
pub fn encode_uri_component(s: &str) -> String {
    let bytes = s.as_bytes();
    if bytes.iter().all(|&b| is_unreserved(b)) {
        return s.to_owned();
    }
    let mut out = String::with_capacity(bytes.len() * 3);
    for &b in bytes {
        if is_unreserved(b) {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX[(b >> 4) as usize] as char);
            out.push(HEX[(b & 15) as usize] as char);
        }
    }
    out
}

fn hex_val(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// JavaScript's `decodeURIComponent`: `None` where JavaScript throws `URIError`.
///
/// ```
/// use session_core::cookie::decode_uri_component;
/// assert_eq!(decode_uri_component("x%20y").as_deref(), Some("x y"));
/// assert_eq!(decode_uri_component("%zz%41"), None);
/// assert_eq!(decode_uri_component("%E0%A4%A"), None);
/// ```
pub fn decode_uri_component(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hi = hex_val(*bytes.get(i + 1)?)?;
            let lo = hex_val(*bytes.get(i + 2)?)?;
            out.push(hi << 4 | lo);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    // Literal characters are whole UTF-8 sequences, so an escaped lead byte can only be completed
    // by escaped continuation bytes: validating the whole buffer equals JavaScript's per-escape rule
    // (overlong forms and surrogates are refused by both).
    String::from_utf8(out).ok()
}
