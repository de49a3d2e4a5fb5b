//! The JavaScript bindings, built only for wasm32. Only plain data crosses: strings, numbers,
//! booleans, byte arrays, and JSON text where a structure must cross in one call. The hand-written
//! JS in `js/` gives these their public names and option objects; nobody edits the generated glue.

#[cfg(any(feature = "client", feature = "tools"))]
use crate::cookie;
use crate::error::Error;
use crate::signing::Signer;
use js_sys::{Array, Reflect, Uint8Array};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

#[cfg(feature = "client")]
mod checks;
#[cfg(feature = "client")]
mod client;
#[cfg(feature = "client")] // csrf() loads the client build: the Express build stays lean
mod csrf;
mod delta;
mod flow;
// the opt-in rules (hashIds, regenerateGrace, header): in the client build, which the Express
// middleware loads only when one of those options is on, so the Express build stays lean
#[cfg(feature = "client")]
mod front;
mod helpers;
mod io;
mod session;

/// An [`Error`] as a JS `TypeError` (bad argument) or `Error`, with its stable `code`.
pub(crate) fn to_js(e: Error) -> JsValue {
    let err: JsValue = if e.is_type_error() {
        js_sys::TypeError::new(&e.to_string()).into()
    } else {
        js_sys::Error::new(&e.to_string()).into()
    };
    let _ = Reflect::set(&err, &"code".into(), &e.code().into());
    if let Some(field) = e.field() {
        let _ = Reflect::set(&err, &"field".into(), &field.into());
    }
    err
}

fn type_error(field: &'static str, reason: &str) -> JsValue {
    to_js(Error::invalid(field, reason))
}

/// Reads secrets given as strings or byte arrays (`Buffer`, `Uint8Array`).
fn secret_bytes(field: &'static str, secrets: &[JsValue]) -> Result<Vec<Vec<u8>>, JsValue> {
    if secrets.is_empty() {
        return Err(to_js(crate::rules::no_secret(field)));
    }
    secrets
        .iter()
        .map(|s| {
            if let Some(text) = s.as_string() {
                Ok(text.into_bytes())
            } else if s.is_instance_of::<Uint8Array>() {
                Ok(Uint8Array::from(s.clone()).to_vec())
            } else {
                Err(type_error(field, "each secret must be a string or a Buffer"))
            }
        })
        .collect()
}

thread_local! {
    /// Signers for the free `sign`/`unsign` functions, keyed by their secrets, most recent first, so
    /// that HMAC keying happens once per secret list rather than once per call.
    static SIGNERS: RefCell<Vec<(Vec<Vec<u8>>, Signer)>> = const { RefCell::new(Vec::new()) };
}
const SIGNER_CACHE: usize = 8;

fn with_signer<R>(secrets: Vec<Vec<u8>>, f: impl FnOnce(&Signer) -> R) -> R {
    SIGNERS.with(|cell| {
        let mut cache = cell.borrow_mut();
        let pos = cache.iter().position(|(k, _)| *k == secrets);
        let entry = match pos {
            Some(i) => cache.remove(i),
            None => {
                let signer = Signer::new(&secrets).unwrap_or_else(|| unreachable!("checked non-empty"));
                (secrets, signer)
            }
        };
        cache.insert(0, entry);
        cache.truncate(SIGNER_CACHE);
        f(&cache[0].1)
    })
}

/// `cookie-signature`'s `sign(value, secret)`.
#[wasm_bindgen(js_name = sign)]
pub fn sign(value: &str, secret: JsValue) -> Result<String, JsValue> {
    let secrets = secret_bytes("secret", &[secret])?;
    Ok(with_signer(secrets, |s| s.sign(value)))
}

/// Tries every secret in order: `[value, index]` of the first that verifies, or `undefined`.
#[wasm_bindgen(js_name = unsign)]
pub fn unsign(input: &str, secrets: Vec<JsValue>) -> Result<JsValue, JsValue> {
    let secrets = secret_bytes("secret", &secrets)?;
    Ok(with_signer(secrets, |s| match s.unsign(input) {
        Some(u) => Array::of2(&u.value.into(), &(u.secret_index as u32).into()).into(),
        None => JsValue::UNDEFINED,
    }))
}

#[cfg(feature = "tools")] // the browser build only (Node goes through the lean slots)
/// `cookie@0.7`'s `parse`, as JSON text of an object (one crossing; `JSON.parse` on the JS side).
/// With `decode` false the values stay raw, for a custom `decode` function in JS.
#[wasm_bindgen(js_name = parseCookieJson)]
pub fn parse_cookie_json(header: &str, decode: bool) -> String {
    let pairs = if decode { cookie::parse_cookie(header) } else { cookie::parse_cookie_raw(header) };
    let map: serde_json::Map<String, serde_json::Value> = pairs.into_iter().map(|(k, v)| (k, v.into())).collect();
    serde_json::Value::Object(map).to_string()
}

#[cfg(feature = "tools")] // the browser build only (Node goes through the lean slots)
/// `cookie@0.7`'s `serialize`; the JS layer has already reduced the options to plain values.
#[wasm_bindgen(js_name = serializeCookie)]
#[allow(clippy::too_many_arguments)]
pub fn serialize_cookie(
    name: &str,
    value: &str,
    raw: bool,
    max_age: Option<f64>,
    domain: Option<String>,
    path: Option<String>,
    expires: Option<f64>,
    http_only: bool,
    secure: bool,
    partitioned: bool,
    priority: Option<String>,
    same_site: Option<String>,
) -> Result<String, JsValue> {
    let opts = cookie::SerializeOptions {
        raw,
        max_age,
        domain,
        path,
        expires,
        http_only,
        secure,
        partitioned,
        priority,
        same_site,
    };
    cookie::serialize_cookie(name, value, &opts).map_err(to_js)
}

/// The per-user index's rule ([`crate::session::signed_out`]): `since`/`before` in ms, NaN for none.
#[wasm_bindgen(js_name = signedOut)]
pub fn signed_out(since: f64, before: f64, kept: bool) -> bool {
    let ms = |v: f64| v.is_finite().then_some(v as i64);
    crate::session::signed_out(ms(since), ms(before), kept)
}

/// A new 32-character session id from `crypto.getRandomValues`.
#[wasm_bindgen(js_name = generateSessionId)]
pub fn generate_session_id() -> String {
    crate::id::generate_session_id()
}

/// Checks the Express middleware's options (described by js/options.js) and returns what the core
/// decides with, as JSON text for [`SessionCore::new`]. Errors name the option (`code`, `field`).
#[wasm_bindgen(js_name = checkExpressOptions)]
pub fn check_express_options(options: &str) -> Result<String, JsValue> {
    let v: serde_json::Value = serde_json::from_str(options).map_err(|_| type_error("options", "must be an object"))?;
    let o = crate::options::express_options(&v).map_err(to_js)?;
    serde_json::to_string(&o).map_err(|_| type_error("options", "must be an object"))
}

#[cfg(feature = "client")]
/// Checks cookie-session's options likewise; JSON text for [`ClientSessionCore::new`].
#[wasm_bindgen(js_name = checkCookieSessionOptions)]
pub fn check_cookie_session_options(options: &str) -> Result<String, JsValue> {
    let v: serde_json::Value = serde_json::from_str(options).map_err(|_| type_error("options", "must be an object"))?;
    let o = crate::options::cookie_session_options(&v).map_err(to_js)?;
    serde_json::to_string(&o).map_err(|_| type_error("options", "must be an object"))
}

/// When a store should forget a record: its `cookie.expires` in ms, or `undefined` (none, or
/// unreadable).
#[wasm_bindgen(js_name = recordDeadline)]
pub fn record_deadline(record: &str) -> Option<f64> {
    let r = crate::session::Record::parse(record).ok()?;
    crate::session::deadline(&r.times(), &crate::session::Timeouts::default()).map(|m| m as f64)
}

#[cfg(feature = "client")]
/// cookie-parser's reading of a `Cookie` header, as JSON text:
/// `{"cookies":{…},"signed":{name: value | false},"json":[names],"signedJson":[names]}`, where the
/// `json` lists name the `j:` cookies to turn into JSON. `pairs` (JSON text of `[[name, value]…]`)
/// replaces the header when a custom `decode` ran in JS. No secrets: no signed cookies.
#[wasm_bindgen(js_name = readCookies)]
pub fn read_cookies(header: &str, pairs: Option<String>, secrets: Vec<JsValue>) -> Result<String, JsValue> {
    let pairs: Vec<(String, String)> = match pairs {
        Some(p) => serde_json::from_str(&p).map_err(|e| to_js(Error::json("pairs", &e)))?,
        None => cookie::parse_cookie(header),
    };
    let jar = if secrets.is_empty() {
        cookie::split(pairs, None)
    } else {
        let secrets = secret_bytes("secret", &secrets)?;
        with_signer(secrets, |s| cookie::split(pairs, Some(s)))
    };
    let json_names = |it: &mut dyn Iterator<Item = (&String, &str)>| -> Vec<String> {
        it.filter(|(_, v)| cookie::is_json_cookie(v)).map(|(k, _)| k.clone()).collect()
    };
    let out = serde_json::json!({
        "cookies": jar.cookies.iter().map(|(k, v)| (k.clone(), serde_json::Value::from(v.as_str()))).collect::<serde_json::Map<_, _>>(),
        "signed": jar.signed.iter().map(|(k, v)| (k.clone(), v.as_deref().map_or(serde_json::Value::Bool(false), serde_json::Value::from))).collect::<serde_json::Map<_, _>>(),
        "json": json_names(&mut jar.cookies.iter().map(|(k, v)| (k, v.as_str()))),
        "signedJson": json_names(&mut jar.signed.iter().filter_map(|(k, v)| v.as_deref().map(|v| (k, v)))),
    });
    Ok(out.to_string())
}

#[cfg(feature = "client")]
/// cookie-parser's rule for `j:` cookies: JSON whose value is truthy.
#[wasm_bindgen(js_name = isJsonCookie)]
pub fn is_json_cookie(value: &str) -> bool {
    cookie::is_json_cookie(value)
}

#[cfg(feature = "test-api")]
fn keygrip(keys: Vec<JsValue>, algorithm: &str) -> Result<crate::client::Keygrip, JsValue> {
    let alg = crate::client::Algorithm::parse(algorithm).ok_or_else(|| type_error("algorithm", "sha1 or sha256"))?;
    let keys = secret_bytes("keys", &keys)?;
    crate::client::Keygrip::new(&keys, alg).ok_or_else(|| to_js(crate::rules::no_secret("keys")))
}

#[cfg(feature = "test-api")]
/// keygrip's `sign(data)` with the first key.
#[wasm_bindgen(js_name = keygripSign)]
pub fn keygrip_sign(keys: Vec<JsValue>, algorithm: &str, data: &str) -> Result<String, JsValue> {
    Ok(keygrip(keys, algorithm)?.sign(data))
}

#[cfg(feature = "test-api")]
/// keygrip's `index(data, digest)`: which key made it, or -1.
#[wasm_bindgen(js_name = keygripIndex)]
pub fn keygrip_index(keys: Vec<JsValue>, algorithm: &str, data: &str, digest: &str) -> Result<i32, JsValue> {
    Ok(keygrip(keys, algorithm)?.index(data, digest).map_or(-1, |i| i as i32))
}

#[cfg(feature = "test-api")]
/// Seals with a given 24-byte nonce: for the test vectors only (a nonce must never repeat).
#[wasm_bindgen(js_name = sealWithNonce)]
pub fn seal_with_nonce(secret: JsValue, name: &str, payload: &str, nonce: &[u8]) -> Result<String, JsValue> {
    let secret = secret_bytes("keys", &[secret])?.remove(0);
    let nonce: [u8; 24] = nonce.try_into().map_err(|_| type_error("nonce", "must be 24 bytes"))?;
    crate::client::seal::seal_with_nonce(
        &crate::client::seal::SealKey::derive(&secret),
        name,
        payload.as_bytes(),
        &nonce,
    )
    .map_err(to_js)
}

#[cfg(feature = "test-api")]
/// Opens a sealed value: JSON text `{"payload": "...", "index": n}` or `{"error": "<reason>"}`.
#[wasm_bindgen(js_name = openSealed)]
pub fn open_sealed(keys: Vec<JsValue>, name: &str, value: &str) -> Result<String, JsValue> {
    let keys: Vec<_> = secret_bytes("keys", &keys)?.iter().map(|k| crate::client::seal::SealKey::derive(k)).collect();
    Ok(match crate::client::seal::open(&keys, name, value) {
        Ok((p, i)) => serde_json::json!({ "payload": String::from_utf8_lossy(&p), "index": i }),
        Err(e) => serde_json::json!({ "error": e.as_str() }),
    }
    .to_string())
}

#[cfg(feature = "tools")]
/// `inspect`: the report (JSON text) for a `Cookie` or `Set-Cookie` header; `options` is JSON text
/// read by [`crate::inspect::InspectOptions::from_json`]. Options that do not read throw a
/// `TypeError` naming the option (`code`, `field`), never quoting its value.
#[wasm_bindgen(js_name = inspectJson)]
pub fn inspect_json(header: &str, options: &str) -> Result<String, JsValue> {
    let o = crate::inspect::InspectOptions::from_json(options).map_err(to_js)?;
    Ok(crate::inspect::report_json(header, &o))
}

#[cfg(feature = "tools")]
/// `audit`: the findings (JSON text) for `Set-Cookie` values, one per line; bad options throw as
/// for `inspectJson`.
#[wasm_bindgen(js_name = auditJson)]
pub fn audit_json(header: &str, options: &str) -> Result<String, JsValue> {
    let o = crate::inspect::AuditOptions::from_json(options).map_err(to_js)?;
    Ok(serde_json::to_string(&crate::inspect::audit(header, &o)).unwrap_or_default())
}

#[cfg(feature = "tools")]
/// The command line's first step: what a run of `args` (JSON text of the arguments after the
/// program's name) will read, as JSON text of [`crate::cli::Needs`].
#[wasm_bindgen(js_name = cliNeeds)]
pub fn cli_needs(args: &str) -> String {
    let args: Vec<String> = serde_json::from_str(args).unwrap_or_default();
    serde_json::to_string(&crate::cli::needs(&args)).unwrap_or_default()
}

#[cfg(feature = "tools")]
/// The command line's run: `args` as for `cliNeeds`, `inputs` JSON text of [`crate::cli::Inputs`];
/// gives JSON text of [`crate::cli::Output`] (`stdout`, `stderr`, `code`).
#[wasm_bindgen(js_name = cliRun)]
pub fn cli_run(args: &str, inputs: &str) -> String {
    let args: Vec<String> = serde_json::from_str(args).unwrap_or_default();
    let out = match serde_json::from_str::<crate::cli::Inputs>(inputs) {
        Ok(inputs) => crate::cli::run(&args, &inputs),
        Err(e) => crate::cli::Output {
            stderr: format!("session-core: the host's inputs do not read: {}\n", crate::error::json_reason(&e)),
            code: 2,
            ..Default::default()
        },
    };
    serde_json::to_string(&out).unwrap_or_default()
}
