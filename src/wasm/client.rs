//! cookie-session's core: one per middleware, made once with its checked options and keys. A
//! request makes at most one call when it reads `req.session` ([`ClientSessionCore::load`]) and
//! one when the response goes out ([`ClientSessionCore::commit`]), over the lean crossing of
//! [`super::io`]: strings in the input buffer, numbers in the numbers array, flags as the argument
//! and the answer.

use super::io::{bad_call, strings, Io, IO};
use super::{secret_bytes, to_js};
use crate::client::{CommitInput, CommitOptions, CookieAttrs};
use crate::error::Error;
use wasm_bindgen::prelude::*;

/// Answer flags of [`ClientSessionCore::load`]; numbers: 0 key index, 1 createdAt, 2 lastSeen,
/// 3 issuedAt, 4 the session's cookies present (`chunk`); strings: the body (JSON text), the raw cookie value, the reason there is no session.
pub mod loaded {
    pub const BODY: u32 = 1;
    pub const RAW: u32 = 1 << 1;
    pub const REASON: u32 = 1 << 2;
    pub const KEY_INDEX: u32 = 1 << 3;
    pub const CLEAR_SIG: u32 = 1 << 4;
    pub const MIGRATED: u32 = 1 << 5;
    pub const CREATED_AT: u32 = 1 << 6;
    pub const LAST_SEEN: u32 = 1 << 7;
    pub const ISSUED_AT: u32 = 1 << 8;
    pub const PRESENT: u32 = 1 << 9;
}

/// Input flags of [`ClientSessionCore::commit`].
pub mod commit {
    pub const SECURE: u32 = 1;
    pub const ACCESSED: u32 = 1 << 1;
    pub const UNSET: u32 = 1 << 2;
    pub const IS_NEW: u32 = 1 << 3;
    pub const CLEAR_SIG: u32 = 1 << 4;
    pub const MIGRATED: u32 = 1 << 5;
    pub const KEY_INDEX: u32 = 1 << 6;
    pub const CREATED_AT: u32 = 1 << 7;
    pub const LAST_SEEN: u32 = 1 << 8;
    pub const MAX_AGE: u32 = 1 << 9;
    pub const EXPIRES: u32 = 1 << 10;
    pub const SECURE_SET: u32 = 1 << 11;
    pub const SECURE_ON: u32 = 1 << 12;
    pub const HTTP_ONLY_SET: u32 = 1 << 13;
    pub const HTTP_ONLY_ON: u32 = 1 << 14;
    pub const PARTITIONED: u32 = 1 << 15;
    pub const SIGNED_SET: u32 = 1 << 16;
    pub const SIGNED_ON: u32 = 1 << 17;
    pub const ISSUED_AT: u32 = 1 << 18;
    pub const PRESENT: u32 = 1 << 19;
}

/// Answer flags of [`ClientSessionCore::commit`]; numbers: 0 how many cookies, 1 the oversized
/// cookie's size (with `chunk`, the bytes of Cookie header the session's cookies would take), 2 the
/// limit it is over; strings: name and `Set-Cookie` value of each cookie in turn (or the oversized
/// cookie's name).
pub mod committed {
    pub const WROTE: u32 = 1;
    pub const SKIPPED_INSECURE: u32 = 1 << 1;
    pub const TOO_LARGE: u32 = 1 << 2;
}

/// One client-side session middleware's core (cookie-session's format, or sealed).
#[derive(Debug)]
#[wasm_bindgen]
pub struct ClientSessionCore {
    inner: crate::client::ClientSession,
}

#[wasm_bindgen]
impl ClientSessionCore {
    /// `options` is JSON text of [`crate::client::ClientOptions`] (as `checkCookieSessionOptions`
    /// returns it); `keys` strings or bytes; `signedKeys` (optional) the keys that verify old signed
    /// cookies under `migrateSigned`, when they are not `keys`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        options: &str,
        keys: Vec<JsValue>,
        signed_keys: Option<Vec<JsValue>>,
    ) -> Result<ClientSessionCore, JsValue> {
        let opts: crate::client::ClientOptions =
            serde_json::from_str(options).map_err(|e| to_js(Error::json("options", &e)))?;
        let keys = if keys.is_empty() { Vec::new() } else { secret_bytes("keys", &keys)? };
        let inner = match signed_keys {
            Some(signed) => crate::client::ClientSession::with_signed_keys(
                opts,
                &keys,
                &secret_bytes("migrateSigned.keys", &signed)?,
            ),
            None => crate::client::ClientSession::new(opts, &keys),
        };
        inner.map(|inner| ClientSessionCore { inner }).map_err(to_js)
    }

    /// What the `Cookie` header at the front of the input buffer (`len` bytes) holds. Returns
    /// [`loaded`] flags.
    pub fn load(&self, len: i32, now: f64) -> u32 {
        IO.with(|cell| {
            let Io { input, output, nums } = &mut *cell.borrow_mut();
            let header = match strings(input, [len]) {
                Some([Some(h)]) => h,
                _ => "",
            };
            let l = self.inner.load(header, now as i64);
            let mut bits = 0;
            for (on, bit) in [
                (l.body.is_some(), loaded::BODY),
                (l.raw.is_some(), loaded::RAW),
                (l.reason.is_some(), loaded::REASON),
                (l.clear_sig, loaded::CLEAR_SIG),
                (l.migrated, loaded::MIGRATED),
            ] {
                if on {
                    bits |= bit;
                }
            }
            for (v, bit, slot) in [
                (l.key_index.map(|i| i as i64), loaded::KEY_INDEX, 0),
                (l.created_at, loaded::CREATED_AT, 1),
                (l.last_seen, loaded::LAST_SEEN, 2),
                (l.issued_at, loaded::ISSUED_AT, 3),
                ((l.present != 0).then_some(i64::from(l.present)), loaded::PRESENT, 4),
            ] {
                if let Some(v) = v {
                    bits |= bit;
                    nums[slot] = v as f64;
                }
            }
            Io::answer(output, nums, [l.body.as_deref(), l.raw.as_deref(), l.reason]);
            bits
        })
    }

    /// The response's decision. The numbers array holds, in slots 0-5: now, the key index,
    /// createdAt, lastSeen, maxAge, expires, in slot 13 issuedAt and in slot 14 the cookies present
    /// (each read only when its flag says so), and in slots 6-12 the lengths of the strings in the input buffer: the raw cookie value, the session as
    /// read, `req.session` now, path, domain, sameSite, priority (-1 absent). `flags` are
    /// [`commit`] flags. Returns [`committed`] flags.
    pub fn commit(&self, flags: u32) -> Result<u32, JsValue> {
        IO.with(|cell| {
            let Io { input, output, nums } = &mut *cell.borrow_mut();
            let len = |i: usize| if nums[i].is_finite() { nums[i] as i32 } else { -1 };
            let lens = [len(6), len(7), len(8), len(9), len(10), len(11), len(12)];
            let [raw, original, session, path, domain, same_site, priority] =
                strings(input, lens).ok_or_else(bad_call)?;
            let has = |f: u32| flags & f != 0;
            let opt = |f: u32, slot: usize| has(f).then_some(nums[slot]);
            let input = CommitInput {
                now: nums[0] as i64,
                secure: has(commit::SECURE),
                accessed: has(commit::ACCESSED),
                unset: has(commit::UNSET),
                is_new: has(commit::IS_NEW),
                raw: raw.map(str::to_owned),
                original,
                session,
                key_index: opt(commit::KEY_INDEX, 1).map(|v| v as usize),
                clear_sig: has(commit::CLEAR_SIG),
                migrated: has(commit::MIGRATED),
                created_at: opt(commit::CREATED_AT, 2).map(|v| v as i64),
                last_seen: opt(commit::LAST_SEEN, 3).map(|v| v as i64),
                issued_at: opt(commit::ISSUED_AT, 13).map(|v| v as i64),
                present: opt(commit::PRESENT, 14).map_or(0, |v| v as u32),
                options: CommitOptions {
                    attrs: CookieAttrs {
                        path: path.map(str::to_owned),
                        domain: domain.map(str::to_owned),
                        max_age: opt(commit::MAX_AGE, 4),
                        expires: opt(commit::EXPIRES, 5),
                        same_site: same_site.map(str::to_owned),
                        secure: has(commit::SECURE_SET).then_some(has(commit::SECURE_ON)),
                        http_only: has(commit::HTTP_ONLY_SET).then_some(has(commit::HTTP_ONLY_ON)),
                        partitioned: has(commit::PARTITIONED),
                        priority: priority.map(str::to_owned),
                    },
                    signed: has(commit::SIGNED_SET).then_some(has(commit::SIGNED_ON)),
                },
            };
            let c = self.inner.commit(&input).map_err(to_js)?;
            let mut bits = 0;
            if c.wrote {
                bits |= committed::WROTE;
            }
            if c.skipped.is_some() {
                bits |= committed::SKIPPED_INSECURE;
            }
            if let Some((cookie, size, limit)) = &c.too_large {
                bits |= committed::TOO_LARGE;
                nums[1] = *size as f64;
                nums[2] = *limit as f64;
                Io::answer(output, nums, [Some(cookie.as_str())]);
                return Ok(bits);
            }
            nums[0] = c.set_cookies.len() as f64;
            Io::answer(output, nums, c.set_cookies.iter().flat_map(|(n, h)| [Some(n.as_str()), Some(h.as_str())]));
            Ok(bits)
        })
    }

    /// cookie-session's `isChanged` rule (see [`crate::client::ClientSession::is_changed`]).
    #[wasm_bindgen(js_name = isChanged)]
    pub fn is_changed(&self, is_new: bool, raw: Option<String>, original: Option<String>, json: &str) -> bool {
        self.inner.is_changed(is_new, raw.as_deref(), original.as_deref(), json)
    }

    /// `notBefore`'s rule (see [`crate::client::revoked`]): whether the session read, issued at
    /// `issuedAt` (absent: 0), is revoked by the app's cut-off `notBefore` (absent: none; NaN: a
    /// bad cut-off, which revokes).
    pub fn revoked(issued_at: Option<f64>, not_before: Option<f64>) -> bool {
        crate::client::revoked(issued_at.map(|v| v as i64), not_before)
    }

    /// The sealing keys' ids, in order (encrypted mode).
    #[wasm_bindgen(getter, js_name = keyIds)]
    pub fn key_ids(&self) -> Vec<String> {
        self.inner.key_ids()
    }
}
