//! The session frame: what a client-side cookie holds beyond the session itself — its issue time
//! (for `notBefore`), and a deflated body with the secret fields kept outside it (for `compress`).
//!
//! ```text
//! frame   = header [ deflated ]
//! header  = JSON {"c": createdAt, "s": lastSeen, "e": expiresAt,     (sealed only, as in format v1)
//!                 "i": issuedAt,                                     (notBefore on)
//!                 "d": <the session>                                 (not compressed)
//!              or "x": {<the secret fields>}, "z": 1}                (compressed: no "d")
//! deflated = raw deflate (RFC 1951) of the session without its secret fields, when "z" is 1
//! ```
//!
//! A sealed cookie's payload is a frame (format v1's payload is one without `i`, `x` and `z`, so
//! every sealed cookie reads). A signed cookie holds `sv1.` base64url(frame) only when it needs
//! the frame (an issue time, or a body that deflating made smaller); otherwise it is
//! cookie-session's own value, base64 of the session's JSON, readable by cookie-session.
//!
//! Deflating secrets beside data an attacker can influence leaks them through the length (CRIME,
//! BREACH): the secret fields (`csrfSecret` always, and the app's `secretFields`) travel in `x`,
//! outside the deflated part, so the cookie's length never depends on their value. The deflated
//! part is inflated only after the signature or the seal verified, and never beyond
//! [`INFLATE_LIMIT`] bytes.

use crate::error::Error;
use serde::de::{Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::fmt;

/// A signed cookie value that holds a frame starts so (cookie-session's values, base64, never hold
/// a `.`).
pub const SIGNED_PREFIX: &str = "sv1.";

/// A deflated body never inflates beyond this many bytes (64 KiB): a bigger one is refused.
pub const INFLATE_LIMIT: usize = 64 * 1024;

/// The field the CSRF protection keeps its secret in: always outside the deflated part.
pub const CSRF_FIELD: &str = "csrfSecret";

/// The deflate level (miniz's default).
#[cfg(feature = "client")]
const LEVEL: u8 = 6;

/// `compress`: deflate the session inside the signed or sealed value, the secret fields apart.
///
/// In the options' JSON: `true`, `{ "secretFields": ["apiToken"] }`, or `false`/`null`/absent.
///
/// ```
/// use session_core::client::{ClientOptions, Compress};
/// let o: ClientOptions = serde_json::from_str(r#"{"compress":true}"#).unwrap();
/// assert_eq!(o.compress, Some(Compress::default()));
/// let o: ClientOptions = serde_json::from_str(r#"{"compress":{"secretFields":["token"]}}"#).unwrap();
/// assert_eq!(o.compress.unwrap().secret_fields, ["token"]);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Compress {
    /// Top-level session fields kept outside the deflated part, beside `csrfSecret` (always).
    pub secret_fields: Vec<String>,
}

impl Compress {
    /// Whether a top-level field stays outside the deflated part (`csrfSecret`, or one of `secret_fields`).
    pub fn is_secret(&self, key: &str) -> bool {
        key == CSRF_FIELD || self.secret_fields.iter().any(|f| f == key)
    }
}

/// `compress` as a flag or an object.
pub(super) fn deserialize_compress<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Compress>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Given {
        Flag(bool),
        Spec(Compress),
    }
    Ok(match Option::<Given>::deserialize(d)? {
        None | Some(Given::Flag(false)) => None,
        Some(Given::Flag(true)) => Some(Compress::default()),
        Some(Given::Spec(s)) => Some(s),
    })
}

#[derive(Deserialize)]
struct Header<'a> {
    #[serde(default)]
    c: Option<i64>,
    #[serde(default)]
    s: Option<i64>,
    #[serde(default)]
    e: Option<i64>,
    #[serde(default)]
    i: Option<i64>,
    #[serde(borrow, default)]
    d: Option<&'a RawValue>,
    #[serde(borrow, default)]
    x: Option<&'a RawValue>,
    #[serde(default)]
    z: u8,
}

/// A frame as read: the times of its header and the session's JSON text, secret fields merged in.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Frame {
    pub created_at: Option<i64>,
    pub last_seen: Option<i64>,
    pub expires: Option<i64>,
    pub issued_at: Option<i64>,
    pub body: String,
    /// The session was deflated inside the frame (`"z": 1`).
    pub deflated: bool,
}

/// Reads a frame whose authenticity was checked (the signature verified, or the seal opened).
/// The error is the reason the session is not read: `not json`, `bad deflate`, `inflated over 64 KB`,
/// `compressed (needs the client feature)`.
///
/// ```
/// use session_core::client::frame::read_frame;
/// let f = read_frame(br#"{"i":1767225600000,"d":{"user":"alice"}}"#).unwrap();
/// assert_eq!((f.issued_at, f.body.as_str()), (Some(1767225600000), r#"{"user":"alice"}"#));
/// assert_eq!(read_frame(b"{\"d\":1} junk").unwrap_err(), "not json");
/// ```
pub fn read_frame(bytes: &[u8]) -> Result<Frame, &'static str> {
    let mut stream = serde_json::Deserializer::from_slice(bytes).into_iter::<Header>();
    let header = match stream.next() {
        Some(Ok(h)) => h,
        _ => return Err("not json"),
    };
    let rest = &bytes[stream.byte_offset()..];
    let mut frame = Frame {
        created_at: header.c,
        last_seen: header.s,
        expires: header.e,
        issued_at: header.i,
        body: String::new(),
        deflated: header.z == 1,
    };
    let secrets = match header.x {
        Some(x) => entries(x.get()).ok_or("not json")?,
        None => Vec::new(),
    };
    if header.z == 1 {
        let text = inflate(rest)?;
        let fields = entries(&text).ok_or("not json")?;
        frame.body = object(fields.iter().chain(secrets.iter()).map(|(k, v)| (k.as_str(), v.get())));
    } else {
        if !rest.is_empty() || header.z != 0 {
            return Err("not json");
        }
        let d = header.d.ok_or("not json")?;
        frame.body = if secrets.is_empty() {
            d.get().to_owned()
        } else {
            let fields = entries(d.get()).ok_or("not json")?;
            object(fields.iter().chain(secrets.iter()).map(|(k, v)| (k.as_str(), v.get())))
        };
    }
    Ok(frame)
}

#[cfg(feature = "client")]
fn inflate(data: &[u8]) -> Result<String, &'static str> {
    use miniz_oxide::inflate::{decompress_to_vec_with_limit, TINFLStatus};
    match decompress_to_vec_with_limit(data, INFLATE_LIMIT) {
        Ok(v) => String::from_utf8(v).map_err(|_| "not json"),
        Err(e) if e.status == TINFLStatus::HasMoreOutput => Err("inflated over 64 KB"),
        Err(_) => Err("bad deflate"),
    }
}

#[cfg(not(feature = "client"))]
fn inflate(_: &[u8]) -> Result<String, &'static str> {
    Err("compressed (needs the client feature)")
}

/// Writes a frame: `head` is the header's leading fields (`"c":1,"s":2,"e":null,` or empty),
/// `issued` the issue time to record, `json` the session. With `compress`, the deflated form is
/// chosen when it is shorter. Returns the frame and whether it is deflated.
///
/// ```
/// use session_core::client::frame::{read_frame, write_frame};
/// use session_core::client::Compress;
/// let json = format!(r#"{{"csrfSecret":"s3cr3t","cart":"{}"}}"#, "item ".repeat(200));
/// let (frame, deflated) = write_frame("", Some(5), &json, Some(&Compress::default())).unwrap();
/// assert!(deflated && frame.len() < json.len() / 5);
/// assert!(frame.starts_with(br#"{"i":5,"x":{"csrfSecret":"s3cr3t"},"z":1}"#));
/// let back = read_frame(&frame).unwrap();
/// assert_eq!(back.body, format!(r#"{{"cart":"{}","csrfSecret":"s3cr3t"}}"#, "item ".repeat(200)));
/// ```
pub fn write_frame(
    head: &str,
    issued: Option<i64>,
    json: &str,
    compress: Option<&Compress>,
) -> Result<(Vec<u8>, bool), Error> {
    let mut start = String::with_capacity(head.len() + 24);
    start.push('{');
    start.push_str(head);
    if let Some(i) = issued {
        start.push_str(&format!("\"i\":{i},"));
    }
    let plain = format!("{start}\"d\":{json}}}").into_bytes();
    if let Some(c) = compress {
        if let Some(z) = deflated(&start, json, c)? {
            if z.len() < plain.len() {
                return Ok((z, true));
            }
        }
    }
    Ok((plain, false))
}

#[cfg(feature = "client")]
fn deflated(start: &str, json: &str, c: &Compress) -> Result<Option<Vec<u8>>, Error> {
    let Some(fields) = entries(json) else {
        return Ok(None); // not an object: kept whole
    };
    let (secret, rest): (Vec<_>, Vec<_>) = fields.iter().partition(|(k, _)| c.is_secret(k));
    let rest = object(rest.iter().map(|(k, v)| (k.as_str(), v.get())));
    if rest.len() > INFLATE_LIMIT {
        return Ok(None); // would not inflate again: the plain form then meets the size budget
    }
    let mut out = start.as_bytes().to_vec();
    if !secret.is_empty() {
        out.extend_from_slice(b"\"x\":");
        out.extend_from_slice(object(secret.iter().map(|(k, v)| (k.as_str(), v.get()))).as_bytes());
        out.push(b',');
    }
    out.extend_from_slice(b"\"z\":1}");
    out.extend_from_slice(&miniz_oxide::deflate::compress_to_vec(rest.as_bytes(), LEVEL));
    Ok(Some(out))
}

#[cfg(not(feature = "client"))]
fn deflated(_: &str, _: &str, _: &Compress) -> Result<Option<Vec<u8>>, Error> {
    Err(Error::invalid("compress", "needs session-core's `client` feature (the deflate crate)"))
}

/// A JSON object's members in order, each value kept as its text; `None` for anything else.
fn entries(json: &str) -> Option<Vec<(String, &RawValue)>> {
    struct Entries<'a>(Vec<(String, &'a RawValue)>);
    impl<'de: 'a, 'a> Deserialize<'de> for Entries<'a> {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V<'a>(std::marker::PhantomData<&'a ()>);
            impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
                type Value = Entries<'a>;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("a JSON object")
                }
                fn visit_map<M: MapAccess<'de>>(self, mut m: M) -> Result<Entries<'a>, M::Error> {
                    let mut out = Vec::new();
                    while let Some((k, v)) = m.next_entry::<String, &'de RawValue>()? {
                        out.push((k, v));
                    }
                    Ok(Entries(out))
                }
            }
            d.deserialize_map(V(std::marker::PhantomData))
        }
    }
    serde_json::from_str::<Entries>(json).ok().map(|e| e.0)
}

/// `{"k":v,…}` from members whose values are JSON text.
fn object<'a>(members: impl Iterator<Item = (&'a str, &'a str)>) -> String {
    let mut s = String::from("{");
    for (n, (k, v)) in members.enumerate() {
        if n > 0 {
            s.push(',');
        }
        s.push_str(&serde_json::to_string(k).unwrap_or_default());
        s.push(':');
        s.push_str(v);
    }
    s.push('}');
    s
}

#[cfg(all(test, feature = "client"))]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::client::seal::{seal, SealKey};
    use crate::client::{ClientOptions, ClientSession};

    fn bomb() -> Vec<u8> {
        let mut f = br#"{"c":null,"s":null,"e":null,"z":1}"#.to_vec();
        f.extend(miniz_oxide::deflate::compress_to_vec(&vec![b' '; 2 * 1024 * 1024], 9));
        f
    }

    #[test]
    fn a_sealed_zip_bomb_is_refused_once_opened() {
        let opts = ClientOptions { encrypt: true, compress: Some(Compress::default()), ..Default::default() };
        let core = ClientSession::new(opts, &["k"]).unwrap();
        let value = seal(&SealKey::derive(b"k"), "session", &bomb()).unwrap();
        assert!(value.len() < 4000, "{}", value.len());
        let loaded = core.load(&format!("session={value}"), 0);
        assert_eq!((loaded.body, loaded.reason), (None, Some("inflated over 64 KB")));
        // the same bytes sealed under another key never reach the inflater
        let other = seal(&SealKey::derive(b"other"), "session", &bomb()).unwrap();
        assert_eq!(core.load(&format!("session={other}"), 0).reason, Some("unknown key"));
    }

    #[test]
    fn exactly_the_limit_inflates() {
        let body = format!(r#"{{"a":"{}"}}"#, "x".repeat(INFLATE_LIMIT - 8));
        assert_eq!(body.len(), INFLATE_LIMIT);
        let mut f = br#"{"z":1}"#.to_vec();
        f.extend(miniz_oxide::deflate::compress_to_vec(body.as_bytes(), 6));
        assert_eq!(read_frame(&f).unwrap().body, body);
        let mut g = br#"{"z":1}"#.to_vec();
        g.extend(miniz_oxide::deflate::compress_to_vec(format!("{body} ").as_bytes(), 6));
        assert_eq!(read_frame(&g).unwrap_err(), "inflated over 64 KB");
    }

    #[test]
    fn a_body_over_the_limit_is_not_deflated() {
        let json = format!(r#"{{"a":"{}"}}"#, "x".repeat(INFLATE_LIMIT));
        let (frame, deflated) = write_frame("", None, &json, Some(&Compress::default())).unwrap();
        assert!(!deflated);
        assert_eq!(read_frame(&frame).unwrap().body, json);
    }

    #[test]
    fn secrets_keep_their_text_and_others_their_order() {
        let json = r#"{"b":1.50,"csrfSecret":"s\"q","a":{"k":[1,2]},"tok":"t"}"#;
        let c = Compress { secret_fields: vec!["tok".into()] };
        let pad = format!(r#"{},"pad":"{}"}}"#, &json[..json.len() - 1], "p".repeat(300));
        let (frame, deflated) = write_frame("", Some(0), &pad, Some(&c)).unwrap();
        assert!(deflated);
        assert!(frame.starts_with(br#"{"i":0,"x":{"csrfSecret":"s\"q","tok":"t"},"z":1}"#));
        let back = read_frame(&frame).unwrap();
        assert!(back.body.starts_with(r#"{"b":1.50,"a":{"k":[1,2]},"pad":"#), "{}", back.body);
        assert!(back.body.ends_with(r#","csrfSecret":"s\"q","tok":"t"}"#));
    }

    #[test]
    fn junk_frames_are_reasons_not_panics() {
        for junk in
            [&b""[..], b"{", b"[]", b"{\"z\":1}", b"{\"z\":2}", b"{\"d\":1}x", b"{\"x\":1,\"d\":{}}", b"\xff\xfe"]
        {
            let _ = read_frame(junk);
        }
        assert_eq!(read_frame(b"{\"z\":1}").unwrap_err(), "bad deflate");
    }
}
