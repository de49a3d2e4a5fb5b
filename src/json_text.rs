//! A string as `JSON.stringify` writes it, without serde_json's writer (which brings `std::io`'s
//! error machinery into the wasm build): `"` and `\` escaped, `\b \f \n \r \t` by name, other
//! control characters as `\u00xx` (lower-case hex); everything else as it is.

/// Appends `s` as a JSON string literal.
pub fn push_json_string(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let esc = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(&s[start..i]);
        if esc.is_empty() {
            out.push_str("\\u00");
            out.push(HEX[(b >> 4) as usize] as char);
            out.push(HEX[(b & 15) as usize] as char);
        } else {
            out.push_str(esc);
        }
        start = i + 1;
    }
    out.push_str(&s[start..]);
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::push_json_string;

    #[test]
    fn writes_what_serde_json_and_json_stringify_write() {
        for s in ["", "plain", "q\"b\\", "\u{0}\u{1f}\u{8}\u{c}\n\r\t", "é😀\u{7f}\u{2028}", "a\u{1}b"] {
            let mut out = String::new();
            push_json_string(&mut out, s);
            assert_eq!(out, serde_json::Value::from(s).to_string(), "{s:?}");
        }
    }
}
