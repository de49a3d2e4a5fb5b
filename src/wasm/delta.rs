//! Deltas and tags over the lean crossing of [`super::io`]: a store's merge ([`apply_delta_slot`]),
//! the delta of an explicit `req.session.save()` ([`delta_slot`]; the response's own comes with
//! the decision), and a session's tag ([`tag_slot`]).

use super::io::{bad_call, strings, Io, IO};
use super::to_js;
use crate::session::{apply, delta, Ops};
use wasm_bindgen::prelude::*;

/// The stored record and the delta at the front of the input buffer (lengths given): the record
/// with the delta applied is the answer's first string. A stored text that is not a record throws
/// `ERR_SESSION_CORE_BAD_RECORD`; a bad delta, a `TypeError` (`ERR_SESSION_CORE_INVALID_DELTA`).
#[wasm_bindgen(js_name = applyDeltaSlot)]
pub fn apply_delta_slot(stored: i32, delta_len: i32) -> Result<(), JsValue> {
    IO.with(|cell| {
        let Io { input, output, nums } = &mut *cell.borrow_mut();
        let [Some(stored), Some(d)] = strings(input, [stored, delta_len]).ok_or_else(bad_call)? else {
            return Err(bad_call());
        };
        let merged = apply(stored, d).map_err(to_js)?;
        Io::answer(output, nums, [Some(merged.as_str())]);
        Ok(())
    })
}

/// The delta between the record at the front of the input buffer (`base`) and the next one
/// (`now`), with the request's increments and pushes after them (-1: none): the answer's first
/// string.
#[wasm_bindgen(js_name = deltaSlot)]
pub fn delta_slot(base: i32, now: i32, inc: i32, push: i32) -> Result<(), JsValue> {
    IO.with(|cell| {
        let Io { input, output, nums } = &mut *cell.borrow_mut();
        let [Some(base), Some(now), inc, push] = strings(input, [base, now, inc, push]).ok_or_else(bad_call)? else {
            return Err(bad_call());
        };
        let d = delta(base, now, &Ops { inc, push }).map_err(to_js)?;
        Io::answer(output, nums, [Some(d.as_str())]);
        Ok(())
    })
}

/// The tag of the id at the front of the input buffer: the answer's first string.
#[wasm_bindgen(js_name = tagSlot)]
pub fn tag_slot(len: i32) -> Result<(), JsValue> {
    IO.with(|cell| {
        let Io { input, output, nums } = &mut *cell.borrow_mut();
        let Some([Some(id)]) = strings(input, [len]) else { return Err(bad_call()) };
        Io::answer(output, nums, [Some(crate::id::tag(id).as_str())]);
        Ok(())
    })
}
