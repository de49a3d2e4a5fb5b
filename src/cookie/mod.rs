//! Cookie headers: `Cookie` parsing, `Set-Cookie` serialisation, and the percent-encoding beneath.

mod encoding;
mod jar;
mod parse;
mod serialize;

pub(crate) use encoding::encoded_len;
pub use encoding::{decode_uri_component, encode_uri_component};
pub use jar::{is_json_cookie, read_cookies, split, Jar};
pub use parse::{decode_cookie_value, for_each_kept, get_cookie, parse_cookie, parse_cookie_raw, CookieMap};
pub use serialize::{js_integer_string, serialize_cookie, Priority, SameSite, SerializeOptions};
