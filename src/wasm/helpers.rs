//! The free functions of `session-core` (cookie-signature's `sign`/`unsign`, `cookie@0.7`'s
//! `parse`) over the lean crossing of [`super::io`]. Keyed HMAC state lives in numbered slots that
//! JS fills once per secret list (`js/index.js` keeps which list is in which slot), so a call passes
//! a slot number and the value's length, never the secret.

use super::io::{strings, Io, IO};
use super::{secret_bytes, to_js};
use crate::cookie;
use crate::error::Error;
use crate::signing::Signer;
use std::borrow::Cow;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

/// How many secret lists are kept keyed at once.
pub const SLOTS: usize = 64;

thread_local! {
    static SLOT: RefCell<Vec<Option<Signer>>> = RefCell::new(vec![None; SLOTS]);
}

/// Keys slot `slot` (0-63) with `secrets` (strings or bytes; the first signs, all verify).
#[wasm_bindgen(js_name = setSigner)]
pub fn set_signer(slot: usize, secrets: Vec<JsValue>) -> Result<(), JsValue> {
    if slot >= SLOTS {
        return Err(to_js(Error::invalid("slot", "out of range")));
    }
    let secrets = secret_bytes("secret", &secrets)?;
    let signer = Signer::new(&secrets).ok_or_else(|| to_js(crate::rules::no_secret("secret")))?;
    SLOT.with(|cell| cell.borrow_mut()[slot] = Some(signer));
    Ok(())
}

fn with_slot<R>(slot: usize, f: impl FnOnce(&Signer) -> R) -> Option<R> {
    SLOT.with(|cell| cell.borrow().get(slot).and_then(Option::as_ref).map(f))
}

/// Signs the value at the front of the input buffer with slot `slot`'s first secret; the signed
/// value is the answer's first string. Returns false when the slot is empty or the input is bad.
#[wasm_bindgen(js_name = signSlot)]
pub fn sign_slot(slot: usize, len: i32) -> bool {
    IO.with(|cell| {
        let Io { input, output, nums } = &mut *cell.borrow_mut();
        let Some([Some(value)]) = strings(input, [len]) else { return false };
        match with_slot(slot, |s| s.sign(value)) {
            Some(signed) => {
                Io::answer(output, nums, [Some(signed.as_str())]);
                true
            }
            None => false,
        }
    })
}

/// Verifies the signed value at the front of the input buffer with slot `slot`'s secrets: the
/// index of the secret that verifies it (the value is the answer's first string), -1 when none
/// does, -2 when the slot is empty.
#[wasm_bindgen(js_name = unsignSlot)]
pub fn unsign_slot(slot: usize, len: i32) -> i32 {
    IO.with(|cell| {
        let Io { input, output, nums } = &mut *cell.borrow_mut();
        let Some([Some(signed)]) = strings(input, [len]) else { return -1 };
        match with_slot(slot, |s| s.unsign(signed)) {
            Some(Some(u)) => {
                Io::answer(output, nums, [Some(u.value.as_str())]);
                u.secret_index.min(i32::MAX as usize) as i32
            }
            Some(None) => -1,
            None => -2,
        }
    })
}

/// `cookie@0.7`'s `parse` of the `Cookie` header at the front of the input buffer (values decoded,
/// or raw with `decode` false). The answer: the output buffer holds each name's and value's length
/// in UTF-16 units (little-endian u32s), then all their text, one after the other, which JS reads
/// as one string and cuts by those lengths; the numbers array's slot 0 holds that text's byte
/// length. Returns the count.
#[wasm_bindgen(js_name = parseCookieSlot)]
pub fn parse_cookie_slot(len: i32, decode: bool) -> u32 {
    IO.with(|cell| {
        let Io { input, output, nums } = &mut *cell.borrow_mut();
        let Some([Some(header)]) = strings(input, [len]) else { return 0 };
        let mut pairs: Vec<(&str, Cow<str>)> = Vec::new();
        cookie::for_each_kept(header, |k, raw| {
            pairs.push((k, if decode { cookie::decode_cookie_value(raw) } else { raw.into() }))
        });
        let units = |s: &str| (if s.is_ascii() { s.len() } else { s.encode_utf16().count() }) as u32;
        output.clear();
        let mut bytes = 0;
        for (k, v) in &pairs {
            output.extend_from_slice(&units(k).to_le_bytes());
            output.extend_from_slice(&units(v).to_le_bytes());
            bytes += k.len() + v.len();
        }
        for (k, v) in &pairs {
            output.extend_from_slice(k.as_bytes());
            output.extend_from_slice(v.as_bytes());
        }
        nums[0] = bytes as f64;
        nums[super::io::OUT_PTR] = output.as_ptr() as usize as f64;
        pairs.len() as u32
    })
}

/// Flags of [`serialize_slot`].
pub mod serialize {
    pub const RAW: u32 = 1;
    pub const HTTP_ONLY: u32 = 1 << 1;
    pub const SECURE: u32 = 1 << 2;
    pub const PARTITIONED: u32 = 1 << 3;
    pub const MAX_AGE: u32 = 1 << 4;
    pub const EXPIRES: u32 = 1 << 5;
}

/// `cookie@0.7`'s `serialize`. The input buffer holds name, value, domain, path, priority and
/// sameSite, their lengths in the numbers array's slots 2-7 (-1 absent); slots 0 and 1 hold maxAge
/// and expires (read when `flags` say so). The `Set-Cookie` value is the answer's first string; a
/// bad argument throws a `TypeError` naming it, as `cookie@0.7` words it.
#[wasm_bindgen(js_name = serializeSlot)]
pub fn serialize_slot(flags: u32) -> Result<(), JsValue> {
    IO.with(|cell| {
        let Io { input, output, nums } = &mut *cell.borrow_mut();
        let len = |i: usize| if nums[i].is_finite() { nums[i] as i32 } else { -1 };
        let lens = [len(2), len(3), len(4), len(5), len(6), len(7)];
        let [name, value, domain, path, priority, same_site] = strings(input, lens).ok_or_else(super::io::bad_call)?;
        let has = |f: u32| flags & f != 0;
        let opts = cookie::SerializeOptions {
            raw: has(serialize::RAW),
            max_age: has(serialize::MAX_AGE).then_some(nums[0]),
            domain: domain.map(str::to_owned),
            path: path.map(str::to_owned),
            expires: has(serialize::EXPIRES).then_some(nums[1]),
            http_only: has(serialize::HTTP_ONLY),
            secure: has(serialize::SECURE),
            partitioned: has(serialize::PARTITIONED),
            priority: priority.map(str::to_owned),
            same_site: same_site.map(str::to_owned),
        };
        let header = cookie::serialize_cookie(name.unwrap_or(""), value.unwrap_or(""), &opts).map_err(to_js)?;
        Io::answer(output, nums, [Some(header.as_str())]);
        Ok(())
    })
}
