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
#[wasm_bindgen]
#[allow(non_camel_case_types, clippy::upper_case_acronyms)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientLoaded {
    BODY = 1,
    RAW = 0x2,
    REASON = 0x4,
    KEY_INDEX = 0x8,
    CLEAR_SIG = 0x10,
    MIGRATED = 0x20,
    CREATED_AT = 0x40,
    LAST_SEEN = 0x80,
    ISSUED_AT = 0x100,
    PRESENT = 0x200,
}

/// Input flags of [`ClientSessionCore::commit`].
#[wasm_bindgen]
#[allow(non_camel_case_types, clippy::upper_case_acronyms)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientCommit {
    SECURE = 1,
    ACCESSED = 0x2,
    UNSET = 0x4,
    IS_NEW = 0x8,
    CLEAR_SIG = 0x10,
    MIGRATED = 0x20,
    KEY_INDEX = 0x40,
    CREATED_AT = 0x80,
    LAST_SEEN = 0x100,
    MAX_AGE = 0x200,
    EXPIRES = 0x400,
    SECURE_SET = 0x800,
    SECURE_ON = 0x1000,
    HTTP_ONLY_SET = 0x2000,
    HTTP_ONLY_ON = 0x4000,
    PARTITIONED = 0x8000,
    SIGNED_SET = 0x10000,
    SIGNED_ON = 0x20000,
    ISSUED_AT = 0x40000,
    PRESENT = 0x80000,
}

/// Answer flags of [`ClientSessionCore::commit`]; numbers: 0 how many cookies, 1 the oversized
/// cookie's size (with `chunk`, the bytes of Cookie header the session's cookies would take), 2 the
/// limit it is over; strings: name and `Set-Cookie` value of each cookie in turn (or the oversized
/// cookie's name).
#[wasm_bindgen]
#[allow(non_camel_case_types, clippy::upper_case_acronyms)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientCommitted {
    WROTE = 1,
    SKIPPED_INSECURE = 0x2,
    TOO_LARGE = 0x4,
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
                (l.body.is_some(), (ClientLoaded::BODY as u32)),
                (l.raw.is_some(), (ClientLoaded::RAW as u32)),
                (l.reason.is_some(), (ClientLoaded::REASON as u32)),
                (l.clear_sig, (ClientLoaded::CLEAR_SIG as u32)),
                (l.migrated, (ClientLoaded::MIGRATED as u32)),
            ] {
                if on {
                    bits |= bit;
                }
            }
            for (v, bit, slot) in [
                (l.key_index.map(|i| i as i64), (ClientLoaded::KEY_INDEX as u32), 0),
                (l.created_at, (ClientLoaded::CREATED_AT as u32), 1),
                (l.last_seen, (ClientLoaded::LAST_SEEN as u32), 2),
                (l.issued_at, (ClientLoaded::ISSUED_AT as u32), 3),
                ((l.present != 0).then_some(i64::from(l.present)), (ClientLoaded::PRESENT as u32), 4),
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
                secure: has(ClientCommit::SECURE as u32),
                accessed: has(ClientCommit::ACCESSED as u32),
                unset: has(ClientCommit::UNSET as u32),
                is_new: has(ClientCommit::IS_NEW as u32),
                raw: raw.map(str::to_owned),
                original,
                session,
                key_index: opt(ClientCommit::KEY_INDEX as u32, 1).map(|v| v as usize),
                clear_sig: has(ClientCommit::CLEAR_SIG as u32),
                migrated: has(ClientCommit::MIGRATED as u32),
                created_at: opt(ClientCommit::CREATED_AT as u32, 2).map(|v| v as i64),
                last_seen: opt(ClientCommit::LAST_SEEN as u32, 3).map(|v| v as i64),
                issued_at: opt(ClientCommit::ISSUED_AT as u32, 13).map(|v| v as i64),
                present: opt(ClientCommit::PRESENT as u32, 14).map_or(0, |v| v as u32),
                options: CommitOptions {
                    attrs: CookieAttrs {
                        path: path.map(str::to_owned),
                        domain: domain.map(str::to_owned),
                        max_age: opt(ClientCommit::MAX_AGE as u32, 4),
                        expires: opt(ClientCommit::EXPIRES as u32, 5),
                        same_site: same_site.map(str::to_owned),
                        secure: has(ClientCommit::SECURE_SET as u32).then_some(has(ClientCommit::SECURE_ON as u32)),
                        http_only: has(ClientCommit::HTTP_ONLY_SET as u32)
                            .then_some(has(ClientCommit::HTTP_ONLY_ON as u32)),
                        partitioned: has(ClientCommit::PARTITIONED as u32),
                        priority: priority.map(str::to_owned),
                    },
                    signed: has(ClientCommit::SIGNED_SET as u32).then_some(has(ClientCommit::SIGNED_ON as u32)),
                },
            };
            let c = self.inner.commit(&input).map_err(to_js)?;
            let mut bits = 0;
            if c.wrote {
                bits |= ClientCommitted::WROTE as u32;
            }
            if c.skipped.is_some() {
                bits |= ClientCommitted::SKIPPED_INSECURE as u32;
            }
            if let Some((cookie, size, limit)) = &c.too_large {
                bits |= ClientCommitted::TOO_LARGE as u32;
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
