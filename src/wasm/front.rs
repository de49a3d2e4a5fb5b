//! The opt-in rules (hashIds, regenerateGrace, header) over the lean crossing of [`super::io`], in three calls (each export
//! costs the Express build size, so one per concept): store keys hashed at rest ([`keys_slot`]),
//! the grace window after a regenerate ([`grace_slot`]) and the id's transport in a header
//! ([`transport_slot`]). Lengths and flags in, flags out, strings in the output buffer; a call
//! whose lengths do not match the input answers 0 (JS always writes what it says).

use super::io::{strings, Io, IO};
use super::{to_js, type_error};
use crate::session::{self, Carrier, Grace};
use wasm_bindgen::prelude::*;

/// With `index` false: the keys of the id at the front of the input buffer (`hash`: the hashIds
/// option), the answer's strings the store key, the legacy key and the tombstone key; returns 4
/// (answered), plus 1 when the id is long enough to be hashed, plus 2 with a legacy key.
/// With `index` true: `sessionsOf`'s `current` / `destroyUser`'s `except` as the store must see
/// it (see [`session::index_arg`]), the answer's first string; returns 4.
#[wasm_bindgen(js_name = keysSlot)]
pub fn keys_slot(len: i32, hash: bool, index: bool) -> u32 {
    IO.with(|cell| {
        let Io { input, output, nums } = &mut *cell.borrow_mut();
        let Some([Some(id)]) = strings(input, [len]) else { return 0 };
        if index {
            Io::answer(output, nums, [Some(session::index_arg(id, hash).as_str())]);
            return 4;
        }
        let keys = session::store_keys(id, hash);
        let grace = session::grace_key(&keys.key);
        Io::answer(output, nums, [Some(keys.key.as_str()), keys.legacy.as_deref(), Some(grace.as_str())]);
        4 | u32::from(session::hashable_id(id)) | if keys.legacy.is_some() { 2 } else { 0 }
    })
}

/// With a method (its length not -1): the grace rule for the tombstone and the method at the front
/// of the input buffer, 0 over, 1 read-only, 2 conflict (see [`session::grace`]).
/// Without one: the tombstone of the record at the front of the input buffer, regenerated at `now`
/// with the window `grace` (ms), leading to the store key `successor` (after the method; -1 none),
/// the answer's first string; returns 3, or 4 when the text is no record
/// (`ERR_SESSION_CORE_BAD_RECORD`).
#[wasm_bindgen(js_name = graceSlot)]
pub fn grace_slot(record: i32, method: i32, successor: i32, now: f64, grace: f64) -> u32 {
    IO.with(|cell| {
        let Io { input, output, nums } = &mut *cell.borrow_mut();
        let Some([Some(r), m, next]) = strings(input, [record, method, successor]) else { return 0 };
        let Some(m) = m else {
            return match session::tombstone_to(r, now as i64, grace, next) {
                Ok(t) => {
                    Io::answer(output, nums, [Some(t.as_str())]);
                    3
                }
                Err(_) => 4,
            };
        };
        match session::grace(r, m, now as i64, grace) {
            Grace::ReadOnly => 1,
            Grace::Conflict => 2,
            _ => 0,
        }
    })
}

/// The id's transport (see [`session::carrier`], [`session::respond`], [`crate::csrf::exempt`]),
/// the strings `a`, `b`, `c` at the front of the input buffer (-1: absent):
/// - `op` 0, the carrier of a request: `a` its Cookie header, `b` the cookie's name, `c` the id
///   header's value. Returns 1 for a header request (its signed id, if any, the answer's first
///   string), 0 for a cookie request.
/// - `op` 1, the response's transport: `a` the Set-Cookie value the core decided, `b` the cookie's
///   name; `flags` 1 a header request, 2 the cacheHeaders option. Returns 1 send the Set-Cookie,
///   2 send the id header (its value the answer's first string), 4 `Cache-Control: private,
///   no-store`, 8 add the header's name to Vary.
/// - `op` 2, the CSRF exemption: `flags` 1 a session cookie was sent, 2 the id header was. Returns
///   1 when exempt.
#[wasm_bindgen(js_name = transportSlot)]
pub fn transport_slot(op: u32, a: i32, b: i32, c: i32, flags: u32) -> u32 {
    if op == 2 {
        return u32::from(crate::csrf::exempt(flags & 1 != 0, flags & 2 != 0));
    }
    IO.with(|cell| {
        let Io { input, output, nums } = &mut *cell.borrow_mut();
        let Some([a, Some(name), c]) = strings(input, [a, b, c]) else { return 0 };
        if op == 0 {
            if session::carrier(a, name, c) != Carrier::Header {
                return 0;
            }
            let id = c.and_then(session::header_id);
            Io::answer(output, nums, [id.as_deref()]);
            return 1;
        }
        let carrier = if flags & 1 != 0 { Carrier::Header } else { Carrier::Cookie };
        let t = session::respond(carrier, a, name, flags & 2 != 0);
        Io::answer(output, nums, [t.id_header.as_deref()]);
        u32::from(t.set_cookie)
            | if t.id_header.is_some() { 2 } else { 0 }
            | if t.no_store { 4 } else { 0 }
            | if t.vary { 8 } else { 0 }
    })
}

/// Checks the Express opt-in options (`hashIds`, `regenerateGrace`, `header`; described by
/// js/options.js): the Express build leaves them to this build. Errors name the option.
#[wasm_bindgen(js_name = checkServerOptions)]
pub fn check_server_options(options: &str) -> Result<(), JsValue> {
    let v: serde_json::Value = serde_json::from_str(options).map_err(|_| type_error("options", "must be an object"))?;
    crate::options::server_options(&v).map_err(to_js)
}
