//! The opt-in rules of issue 16 over the lean crossing of [`super::io`]: store keys hashed at rest
//! ([`store_keys_slot`]), the grace window after a regenerate ([`tombstone_slot`], [`grace_slot`])
//! and the id's transport in a header ([`carrier_slot`], [`respond_slot`]). Each is one call with
//! lengths and flags; the strings come back in the output buffer.

use super::io::{bad_call, strings, Io, IO};
use super::to_js;
use crate::session::{self, Carrier, Grace};
use wasm_bindgen::prelude::*;

/// The keys of the id at the front of the input buffer (`hash`: the `hashIds` option): the
/// answer's strings are the store key, the legacy key (empty: none) and the tombstone key. Returns
/// 1 when the id is long enough to be hashed (see [`session::hashable_id`]), plus 2 with a legacy key.
#[wasm_bindgen(js_name = storeKeysSlot)]
pub fn store_keys_slot(len: i32, hash: bool) -> Result<u32, JsValue> {
    IO.with(|cell| {
        let Io { input, output, nums } = &mut *cell.borrow_mut();
        let Some([Some(id)]) = strings(input, [len]) else { return Err(bad_call()) };
        let keys = session::store_keys(id, hash);
        let grace = session::grace_key(&keys.key);
        let flags = u32::from(session::hashable_id(id)) | if keys.legacy.is_some() { 2 } else { 0 };
        Io::answer(output, nums, [Some(keys.key.as_str()), keys.legacy.as_deref(), Some(grace.as_str())]);
        Ok(flags)
    })
}

/// `sessionsOf`'s `current` / `destroyUser`'s `except` as the store must see it (see
/// [`session::index_arg`]): the answer's first string.
#[wasm_bindgen(js_name = indexArgSlot)]
pub fn index_arg_slot(len: i32, hash: bool) -> Result<(), JsValue> {
    IO.with(|cell| {
        let Io { input, output, nums } = &mut *cell.borrow_mut();
        let Some([Some(v)]) = strings(input, [len]) else { return Err(bad_call()) };
        Io::answer(output, nums, [Some(session::index_arg(v, hash).as_str())]);
        Ok(())
    })
}

/// The tombstone of the record at the front of the input buffer, regenerated at `now` with the
/// window `grace` (ms): the answer's first string. Not a record: `ERR_SESSION_CORE_BAD_RECORD`.
#[wasm_bindgen(js_name = tombstoneSlot)]
pub fn tombstone_slot(len: i32, now: f64, grace: f64) -> Result<(), JsValue> {
    IO.with(|cell| {
        let Io { input, output, nums } = &mut *cell.borrow_mut();
        let Some([Some(record)]) = strings(input, [len]) else { return Err(bad_call()) };
        let t = session::tombstone(record, now as i64, grace).map_err(to_js)?;
        Io::answer(output, nums, [Some(t.as_str())]);
        Ok(())
    })
}

/// The grace rule for the tombstone and the method at the front of the input buffer: 0 over,
/// 1 read-only, 2 conflict (see [`session::grace`]).
#[wasm_bindgen(js_name = graceSlot)]
pub fn grace_slot(record: i32, method: i32, now: f64, grace: f64) -> u32 {
    IO.with(|cell| {
        let io = cell.borrow();
        match strings(&io.input, [record, method]) {
            Some([Some(r), Some(m)]) => match session::grace(r, m, now as i64, grace) {
                Grace::ReadOnly => 1,
                Grace::Conflict => 2,
                _ => 0,
            },
            _ => 0,
        }
    })
}

/// The carrier of a request: its Cookie header, the cookie's name and the id header's value at the
/// front of the input buffer (-1: absent). Returns 1 for a header request, whose signed id (if it
/// sent one) is then the answer's first string; 0 for a cookie request.
#[wasm_bindgen(js_name = carrierSlot)]
pub fn carrier_slot(cookie: i32, name: i32, header: i32) -> Result<u32, JsValue> {
    IO.with(|cell| {
        let Io { input, output, nums } = &mut *cell.borrow_mut();
        let [cookie, Some(name), header] = strings(input, [cookie, name, header]).ok_or_else(bad_call)? else {
            return Err(bad_call());
        };
        match session::carrier(cookie, name, header) {
            Carrier::Header => {
                let id = header.and_then(session::header_id);
                Io::answer(output, nums, [id.as_deref()]);
                Ok(1)
            }
            _ => Ok(0),
        }
    })
}

/// The response's transport (see [`session::respond`]): the Set-Cookie value the core decided
/// (-1: none) and the cookie's name at the front of the input buffer. Returns 1 send the Set-Cookie,
/// 2 send the id header (its value the answer's first string), 4 Cache-Control `private, no-store`,
/// 8 add the header's name to Vary.
#[wasm_bindgen(js_name = respondSlot)]
pub fn respond_slot(header_request: bool, set_cookie: i32, name: i32, cache_headers: bool) -> Result<u32, JsValue> {
    IO.with(|cell| {
        let Io { input, output, nums } = &mut *cell.borrow_mut();
        let [set_cookie, Some(name)] = strings(input, [set_cookie, name]).ok_or_else(bad_call)? else {
            return Err(bad_call());
        };
        let carrier = if header_request { Carrier::Header } else { Carrier::Cookie };
        let t = session::respond(carrier, set_cookie, name, cache_headers);
        let bits = u32::from(t.set_cookie)
            | if t.id_header.is_some() { 2 } else { 0 }
            | if t.no_store { 4 } else { 0 }
            | if t.vary { 8 } else { 0 };
        Io::answer(output, nums, [t.id_header.as_deref()]);
        Ok(bits)
    })
}

/// The CSRF exemption (see [`crate::csrf::exempt`]).
#[wasm_bindgen(js_name = csrfExempt)]
pub fn csrf_exempt(session_cookie_sent: bool, id_header_sent: bool) -> bool {
    crate::csrf::exempt(session_cookie_sent, id_header_sent)
}
