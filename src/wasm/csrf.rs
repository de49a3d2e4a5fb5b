//! CSRF tokens ([`crate::csrf`]) over the lean crossing of [`super::io`]: in the client build (and
//! the tools build), which `csrf()` of either session kind loads on first use; the Express build,
//! what `session-core/express` loads for its sessions, stays without them.

use super::io::{bad_call, strings, Io, IO};
use super::{to_js, type_error};
use wasm_bindgen::prelude::*;

/// A new CSRF secret (24 characters).
#[wasm_bindgen(js_name = csrfSecret)]
pub fn csrf_secret() -> String {
    crate::csrf::new_secret()
}

/// A fresh token for the secret at the front of the input buffer: the answer's first string.
#[wasm_bindgen(js_name = csrfTokenSlot)]
pub fn csrf_token_slot(secret: i32) -> Result<(), JsValue> {
    IO.with(|cell| {
        let Io { input, output, nums } = &mut *cell.borrow_mut();
        let Some([Some(secret)]) = strings(input, [secret]) else { return Err(bad_call()) };
        Io::answer(output, nums, [Some(crate::csrf::token(secret).as_str())]);
        Ok(())
    })
}

/// Does the token after the secret in the input buffer verify against it?
#[wasm_bindgen(js_name = csrfVerifySlot)]
pub fn csrf_verify_slot(secret: i32, token: i32) -> Result<bool, JsValue> {
    IO.with(|cell| {
        let Io { input, .. } = &*cell.borrow();
        let Some([Some(secret), Some(token)]) = strings(input, [secret, token]) else { return Err(bad_call()) };
        Ok(crate::csrf::verify(secret, token))
    })
}

/// Checks the options of `csrf()`; throws a `TypeError` naming the option.
#[wasm_bindgen(js_name = checkCsrfOptions)]
pub fn check_csrf_options(options: &str) -> Result<(), JsValue> {
    let v: serde_json::Value = serde_json::from_str(options).map_err(|_| type_error("options", "must be an object"))?;
    crate::options::csrf_options(&v).map_err(to_js)
}

#[cfg(feature = "test-api")]
/// A token with a given salt: for the test vectors only (a real token always takes a fresh salt).
#[wasm_bindgen(js_name = csrfTokenWithSalt)]
pub fn csrf_token_with_salt(secret: &str, salt: &str) -> String {
    crate::csrf::token_with_salt(secret, salt)
}
