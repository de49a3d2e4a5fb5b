//! The production checks ([`crate::checks`]) for the JS layer: JSON text in (options as
//! js/options.js describes them), JSON text out. In the client build and the tools build, not in
//! the Express one (the middleware loads the client build for them, once, when checks are on).

use super::type_error;
use crate::checks::{self, Kind};
use wasm_bindgen::prelude::*;

/// The findings (JSON text of an array) for a middleware's described options; `kind` is
/// `express` or `cookie-session`.
#[wasm_bindgen(js_name = checkOptions)]
pub fn check_options(kind: &str, options: &str) -> Result<String, JsValue> {
    let kind = Kind::parse(kind).ok_or_else(|| type_error("kind", "must be express, cookie-session or set-cookie"))?;
    let v: serde_json::Value = serde_json::from_str(options).map_err(|_| type_error("options", "must be an object"))?;
    Ok(serde_json::to_string(&checks::check(kind, &v)).unwrap_or_default())
}

/// One finding known only at run time (`SHARED_KEY`, `SECURE_ON_HTTP_REQUEST`), JSON text, or
/// `undefined` for an unknown code.
#[wasm_bindgen(js_name = checkFinding)]
pub fn check_finding(code: &str, option: &str) -> Option<String> {
    checks::finding(code, option).and_then(|f| serde_json::to_string(&f).ok())
}

#[cfg(feature = "tools")]
/// The findings for `Set-Cookie` lines: JSON text of `[{"name": …, "findings": […]}…]`.
#[wasm_bindgen(js_name = checkSetCookie)]
pub fn check_set_cookie(header: &str) -> String {
    let list: Vec<serde_json::Value> = checks::check_set_cookie(header)
        .into_iter()
        .map(|(name, findings)| serde_json::json!({ "name": name, "findings": findings }))
        .collect();
    serde_json::Value::Array(list).to_string()
}
