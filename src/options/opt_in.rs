//! The Express middleware's opt-in server options: `hashIds` (store keys hashed at rest),
//! `regenerateGrace` (the grace window after a regenerate) and `header` (the id carried in a
//! request header). The Express build checks them with the rest of its options; the client build
//! checks them alone for the Express middleware when one is on (the Express build leaves their
//! rules out), and the Rust layer's config checks them with the same rules.

use super::{bad, flag, is_fn, positive_ms, top_level};
use crate::error::Error;
use crate::rules;
use serde_json::{Map, Value};

/// Checks only the Express middleware's opt-in server options (`hashIds`, `regenerateGrace`,
/// `header`): what the client wasm build checks for the Express middleware (its own build leaves
/// them out).
///
/// ```
/// use session_core::options::server_options;
/// use serde_json::json;
/// assert!(server_options(&json!({ "header": "x-session-id" })).is_ok());
/// assert!(server_options(&json!({ "regenerateGrace": -1 })).is_err());
/// ```
pub fn server_options(options: &Value) -> Result<(), Error> {
    server_extras(&top_level(options)?).map(|_| ())
}

/// `hashIds` (a boolean), `regenerateGrace` (ms, at most [`rules::MAX_REGENERATE_GRACE_MS`]) and
/// `header` (a header name, or a function of req returning one). Answers `hashIds` and
/// `regenerateGrace` (ms, 0 when off).
pub(super) fn server_extras(f: &Map<String, Value>) -> Result<(bool, f64), Error> {
    let hash_ids = flag(f, "hashIds", false)?;
    let mut grace = 0.0;
    if let Some(v) = f.get("regenerateGrace").filter(|v| !v.is_null()) {
        if let Some(ms) = positive_ms("regenerateGrace", v)? {
            rules::regenerate_grace(ms)?;
            grace = ms;
        }
    }
    match f.get("header") {
        None | Some(Value::Null) => {}
        Some(v) if is_fn(v) => {}
        Some(Value::String(h)) => rules::id_header(h)?,
        Some(v) => {
            return Err(bad(
                "header",
                "a header name of its own (such as \"x-session-id\"), or a function of req returning one",
                v,
            ))
        }
    }
    Ok((hash_ids, grace))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::super::express_options;
    use serde_json::json;

    #[test]
    fn hashed_ids_grace_and_id_header() {
        let ok = json!({ "secret": "s", "hashIds": true, "regenerateGrace": 10000, "header": "x-session-id" });
        assert!(express_options(&ok).is_ok());
        assert!(express_options(&json!({ "secret": "s", "header": { "$sc": "function" } })).is_ok());
        for (opts, code) in [
            (json!({ "hashIds": "yes" }), "ERR_SESSION_CORE_INVALID_HASHIDS"),
            (json!({ "regenerateGrace": 0 }), "ERR_SESSION_CORE_INVALID_REGENERATEGRACE"),
            (json!({ "regenerateGrace": "10s" }), "ERR_SESSION_CORE_INVALID_REGENERATEGRACE"),
            (json!({ "regenerateGrace": 600000 }), "ERR_SESSION_CORE_INVALID_REGENERATEGRACE"),
            (json!({ "header": "x session" }), "ERR_SESSION_CORE_INVALID_HEADER"),
            (json!({ "header": "Cookie" }), "ERR_SESSION_CORE_INVALID_HEADER"),
            (json!({ "header": true }), "ERR_SESSION_CORE_INVALID_HEADER"),
        ] {
            assert_eq!(express_options(&opts).unwrap_err().code(), code, "{opts}");
        }
        let e = express_options(&json!({ "hashId": true })).unwrap_err();
        assert_eq!(e.to_string(), "unknown option hashId: did you mean hashIds?");
    }
}
