//! Cookie headers: `Cookie` parsing, `Set-Cookie` serialisation, and the percent-encoding beneath.

mod encoding;
mod parse;
mod serialize;

pub use encoding::{decode_uri_component, encode_uri_component};
pub use parse::{get_cookie, parse_cookie, parse_cookie_raw, CookieMap};
pub use serialize::{js_integer_string, serialize_cookie, Priority, SameSite, SerializeOptions};
