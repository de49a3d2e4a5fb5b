//! The lean per-request crossing. wasm-bindgen's string arguments are copied into wasm memory one
//! character at a time by its glue, and JSON envelopes cost a serialisation on each side
//! (shared/notes/wasm-boundary.md). So the hot calls take only integers: JS writes the request's text
//! as UTF-8 straight into an input buffer that lives in wasm memory (one `Buffer#write` per string,
//! into a view it made once), calls with the lengths and the flags, and reads the answer from a small
//! array of numbers and an output buffer in the same memory (`js/native.js` is the JS half).
//!
//! Layout: the input buffer holds the call's strings back to back, in the order the call lists them
//! (a length of -1 is an absent string). The numbers array ([`NUMS`] `f64`s, at a fixed address) gets
//! the answer's numbers in slots 0-15; slot [`OUT_PTR`] and the [`OUT_STRINGS`] slots after it locate
//! up to that many strings written back to back into the output buffer.

use super::to_js;
use crate::error::Error;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

/// Size of the numbers array.
pub(super) const NUMS: usize = 32;
/// Slot of the output buffer's address in the numbers array; the strings' lengths follow it.
pub(super) const OUT_PTR: usize = 16;
/// How many strings an answer can carry (slots 17-31: a chunked client-side commit answers with
/// up to 7 cookies, each a name and a `Set-Cookie` value).
pub(super) const OUT_STRINGS: usize = 15;

pub(super) struct Io {
    /// Where JS writes the call's strings (always full length: zeroed, then written over).
    pub input: Vec<u8>,
    /// Where the answer's strings go.
    pub output: Vec<u8>,
    /// The answer's numbers (a fixed address for the life of the module).
    pub nums: Box<[f64; NUMS]>,
}

thread_local! {
    pub(super) static IO: RefCell<Io> = RefCell::new(Io { input: vec![0; 4096], output: Vec::with_capacity(4096), nums: Box::new([0.0; NUMS]) });
}

/// The `n` strings at the front of the input, as their lengths say (`-1`: absent). `None` when the
/// lengths do not fit the buffer or a string is not UTF-8 (JS's `Buffer#write` always writes UTF-8,
/// so neither happens unless the call is wrong).
pub(super) fn strings<const N: usize>(input: &[u8], lens: [i32; N]) -> Option<[Option<&str>; N]> {
    let mut out = [None; N];
    let mut at = 0usize;
    for (slot, len) in out.iter_mut().zip(lens) {
        if len < 0 {
            continue;
        }
        let end = at.checked_add(len as usize)?;
        *slot = Some(std::str::from_utf8(input.get(at..end)?).ok()?);
        at = end;
    }
    Some(out)
}

impl Io {
    /// Writes the answer's strings (at most [`OUT_STRINGS`]) and records where they are.
    pub fn answer<'s>(
        output: &mut Vec<u8>,
        nums: &mut [f64; NUMS],
        strings: impl IntoIterator<Item = Option<&'s str>>,
    ) {
        output.clear();
        for (i, s) in strings.into_iter().take(OUT_STRINGS).enumerate() {
            let s = s.unwrap_or("");
            output.extend_from_slice(s.as_bytes());
            nums[OUT_PTR + 1 + i] = s.len() as f64;
        }
        // (after the writes: the buffer may have moved while it grew)
        nums[OUT_PTR] = output.as_ptr() as usize as f64;
    }
}

/// The module's memory (a `WebAssembly.Memory`): JS makes its views of it once, and again only when
/// it has grown.
#[wasm_bindgen(js_name = ioMemory)]
pub fn io_memory() -> JsValue {
    wasm_bindgen::memory()
}

/// Makes the input buffer hold at least `capacity` bytes; returns its address.
#[wasm_bindgen(js_name = ioInput)]
pub fn io_input(capacity: usize) -> usize {
    IO.with(|cell| {
        let io = &mut *cell.borrow_mut();
        if io.input.len() < capacity {
            io.input = vec![0; capacity.next_power_of_two()];
        }
        io.input.as_ptr() as usize
    })
}

/// The input buffer's size in bytes.
#[wasm_bindgen(js_name = ioInputSize)]
pub fn io_input_size() -> usize {
    IO.with(|cell| cell.borrow().input.len())
}

/// The address of the numbers array.
#[wasm_bindgen(js_name = ioNumbers)]
pub fn io_numbers() -> usize {
    IO.with(|cell| cell.borrow().nums.as_ptr() as usize)
}

/// The error for a call whose lengths do not match what was written.
pub(super) fn bad_call() -> JsValue {
    to_js(Error::invalid("input", "the lengths do not match the input buffer"))
}
