//! The request flow's steps ([`crate::flow::ServerFlow`]) over the lean crossing of [`super::io`]:
//! each step is one call of [`SessionCore`], integers in (string lengths, flags, times), an answer
//! back as a number (its kind and bits: the enums below, which reach JS through wasm-bindgen, never
//! copied by hand), numbers in the numbers array and strings in the output buffer. Nothing of a
//! request stays here between calls: the door hands back what it was given ([`Lookup`]'s fields).

use super::io::{bad_call, strings, Io, IO};
use super::session::SessionCore;
use crate::error::Error;
use crate::flow::{Begin, Incoming, Loaded, Lookup, Regenerate, Respond, Save, Stage, Write};
use crate::session::{Facts, Ops, Phase};
use wasm_bindgen::prelude::*;

/// The kind of a step's answer: the answer's low 8 bits.
#[wasm_bindgen]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlowAnswer {
    /// `begin`: the request is off the cookie's path: no session here.
    Skip = 0,
    /// Read the store at the key (the output's first string); the stage in number 0.
    Load = 1,
    /// A new session (`genid`, then `generated`).
    New = 2,
    /// The session as loaded; with [`FlowBit::Moved`], first write it under the first string
    /// (create) and destroy the second.
    Ready = 3,
    /// Served read-only: the record is the first string.
    ReadOnly = 4,
    /// Over: destroy the key (first string), then a new session; why in number 0 (1 expired,
    /// 2 idle, 3 absolute, 4 signed out).
    Over = 5,
    /// Nothing found: a new session.
    Missing = 6,
    /// Refused: 409 `ESESSIONREGENERATED` (its code, message and status as an error's).
    Refused = 7,
    /// An error: its code the first string, its message the second, its status number 0.
    Error = 8,
    /// Done (a step with nothing more to say).
    Ok = 9,
}

/// Bits of an answer, above its kind.
#[wasm_bindgen]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlowBit {
    /// `begin`: the id came in (or is asked for in) the id header.
    ByHeader = 0x100,
    /// `begin`: a session cookie was sent and did not verify.
    Rejected = 0x200,
    /// `loaded`: a record from before `hashIds` to move.
    Moved = 0x400,
    /// `regenerate`: a tombstone to write first (strings 0 key, 1 record; number 0 its deadline).
    Tombstone = 0x800,
    /// `begin`: the key is the id (no `hashIds`): not written out again.
    KeyIsId = 0x1000,
    /// `respond`, `flowSave`: an error (a [`FlowAnswer::Error`] in the low bits).
    Failed = 0x4000_0000,
}

/// Input flags of [`SessionCore::respond`] (the decision's facts and the door's).
#[wasm_bindgen]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RespondIn {
    Secure = 1,
    CookiePresent = 0x2,
    CookieMatches = 0x4,
    CookieOldSecret = 0x8,
    SameOriginalId = 0x10,
    SavedIsOriginal = 0x20,
    Destroyed = 0x40,
    Touched = 0x80,
    StoreTouch = 0x100,
    WantRecord = 0x200,
    FromStore = 0x400,
    ByHeader = 0x800,
    ReadOnly = 0x1000,
    StoreFailed = 0x2000,
    Merges = 0x4000,
    /// The door makes a merge's delta text only when its store asks for it (no delta string).
    LazyDelta = 0x8000,
}

/// Answer flags of [`SessionCore::respond`]. Numbers: 0 `expires`, 1 `createdAt`, 2 `lastSeen`,
/// 3 the write's deadline. Strings: 0 Set-Cookie or the id header's value, 1 the record, 2 the
/// delta, 3 `Vary`, 4 `Cache-Control`, 5 the write's key.
#[wasm_bindgen]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RespondOut {
    SetCookie = 1,
    IdHeader = 0x2,
    Vary = 0x4,
    CacheControl = 0x8,
    Save = 0x10,
    Merge = 0x20,
    Touch = 0x40,
    Destroy = 0x80,
    /// A save of a session loaded under this key: only while its record is there.
    Existing = 0x100,
    /// After the write: index the session under its user.
    Index = 0x200,
    Touched = 0x400,
    CookieSkipped = 0x800,
    Expires = 0x1000,
    ExpiresNull = 0x2000,
    CreatedAt = 0x4000,
    LastSeen = 0x8000,
    Deadline = 0x10000,
    /// The write's key is `req.sessionID` (no `hashIds`): not written out again.
    KeyIsId = 0x20000,
    /// `Vary` is to be set to exactly `Cookie` (the usual case): not written out.
    VaryCookie = 0x40000,
}

/// RFC 6265 §5.1.4 path-match ([`crate::flow::path_matches`]): for a request that has no
/// [`SessionCore`] yet (no secret).
#[wasm_bindgen(js_name = pathMatches)]
pub fn path_matches(path: &str, cookie_path: &str) -> bool {
    crate::flow::path_matches(crate::flow::request_path(path), cookie_path)
}

/// A client-side session's cache headers ([`crate::flow::cache_headers`]): the input buffer holds
/// the response's Vary and Cache-Control (-1: not set). Answers bit 1 (Vary to set: string 0) and
/// bit 2 (Cache-Control to set: string 1).
#[wasm_bindgen(js_name = cacheHeadersSlot)]
pub fn cache_headers_slot(vary: i32, cache_control: i32, sets_cookie: bool) -> u32 {
    IO.with(|cell| {
        let Io { input, output, nums } = &mut *cell.borrow_mut();
        let Some([vary, cache_control]) = strings(input, [vary, cache_control]) else { return 0 };
        let (v, c) = crate::flow::cache_headers(vary, cache_control, sets_cookie);
        let bits = u32::from(v.is_some()) | (u32::from(c.is_some()) << 1);
        Io::answer(output, nums, [v.as_deref(), c.as_deref()]);
        bits
    })
}

/// Why a loaded session is over (number 0 of an [`FlowAnswer::Over`]).
fn ended_code(e: crate::session::Ended) -> f64 {
    match e {
        crate::session::Ended::Expired => 1.0,
        crate::session::Ended::Idle => 2.0,
        crate::session::Ended::Absolute => 3.0,
        crate::session::Ended::SignedOut => 4.0,
    }
}

/// An error answer: code and message as strings, the status as number 0.
fn error(output: &mut Vec<u8>, nums: &mut [f64; super::io::NUMS], e: &Error) -> u32 {
    nums[0] = f64::from(e.status());
    let code = e.code();
    let message = e.to_string();
    Io::answer(output, nums, [Some(code.as_str()), Some(message.as_str())]);
    FlowAnswer::Error as u32
}

fn write_bits(w: &Write) -> u32 {
    match w {
        Write::Save { existing: true, .. } => RespondOut::Save as u32 | RespondOut::Existing as u32,
        Write::Save { .. } => RespondOut::Save as u32,
        Write::Merge { .. } => RespondOut::Merge as u32,
        Write::Touch { .. } => RespondOut::Touch as u32,
        Write::Destroy { .. } => RespondOut::Destroy as u32,
        Write::Tombstone { .. } => RespondOut::Save as u32,
    }
}

#[wasm_bindgen]
impl SessionCore {
    /// The first step ([`crate::flow::ServerFlow::begin`]). The input buffer holds the Cookie
    /// header, the id header's value, cookie-parser's signed and raw values of the session
    /// cookie, the request's path and the cookie's path (lengths given, -1 absent). A
    /// [`FlowAnswer::Load`] has the id (string 0), the key (string 1), the verified cookie value
    /// when the newest secret verified it (string 2: hand it back to `respond`) and the secret's
    /// index (number 0).
    #[wasm_bindgen(js_name = flowBegin)]
    pub fn flow_begin(&self, cookie: i32, id_header: i32, signed: i32, raw: i32, path: i32, cookie_path: i32) -> u32 {
        IO.with(|cell| {
            let Io { input, output, nums } = &mut *cell.borrow_mut();
            let Some([cookie_header, id_header, parsed_signed, parsed_raw, path, cookie_path]) =
                strings(input, [cookie, id_header, signed, raw, path, cookie_path])
            else {
                return error(output, nums, &Error::invalid("input", "the lengths do not match the input buffer"));
            };
            let req = Incoming {
                cookie_header,
                id_header,
                parsed_signed,
                parsed_raw,
                path: path.unwrap_or("/"),
                cookie_path: cookie_path.unwrap_or("/"),
            };
            match self.flow().begin(&req) {
                Begin::Skip => FlowAnswer::Skip as u32,
                Begin::New { by_header, rejected } => {
                    let mut bits = FlowAnswer::New as u32;
                    if by_header {
                        bits |= FlowBit::ByHeader as u32;
                    }
                    if rejected {
                        bits |= FlowBit::Rejected as u32;
                    }
                    bits
                }
                Begin::Load(l) => {
                    nums[0] = f64::from(l.secret_index);
                    let mut bits = FlowAnswer::Load as u32;
                    let key = if l.key == l.id {
                        bits |= FlowBit::KeyIsId as u32;
                        None
                    } else {
                        Some(l.key.as_str())
                    };
                    Io::answer(output, nums, [Some(l.id.as_str()), key, l.signed.as_deref()]);
                    if l.by_header {
                        bits |= FlowBit::ByHeader as u32;
                    }
                    bits
                }
            }
        })
    }

    /// The store answered a read ([`crate::flow::ServerFlow::loaded`]). The input buffer holds
    /// the id, the key read (-1: the id's own, at stage 0), the tombstone (at stage 3), what the
    /// store answered (-1: nothing) and the request's method. A [`FlowAnswer::Load`] has the new key (string 0), the new stage
    /// (number 0) and, at stage 3, the tombstone to hand back (string 1).
    #[allow(clippy::too_many_arguments)]
    #[wasm_bindgen(js_name = flowLoaded)]
    pub fn flow_loaded(&self, stage: u32, id: i32, key: i32, tomb: i32, found: i32, method: i32, now: f64) -> u32 {
        IO.with(|cell| {
            let Io { input, output, nums } = &mut *cell.borrow_mut();
            let (Some([Some(id), key, tomb, found, method]), Some(stage)) =
                (strings(input, [id, key, tomb, found, method]), Stage::from_code(stage))
            else {
                return error(output, nums, &Error::invalid("input", "the lengths do not match the input buffer"));
            };
            // (no key: the record's own, the id's)
            let key = match key {
                Some(k) => k.to_owned(),
                None => self.flow().key_of(id).into_owned(),
            };
            let mut l = Lookup {
                id: id.to_owned(),
                secret_index: 0,
                by_header: false,
                stage,
                key,
                tombstone: tomb.map(str::to_owned),
                signed: None,
            };
            match self.flow().loaded(&mut l, found, method.unwrap_or("GET"), now as i64) {
                Loaded::Load => {
                    nums[0] = f64::from(l.stage.code());
                    Io::answer(output, nums, [Some(l.key.as_str()), l.tombstone.as_deref()]);
                    FlowAnswer::Load as u32
                }
                Loaded::Ready { moved: None } => FlowAnswer::Ready as u32,
                Loaded::Ready { moved: Some((to, from)) } => {
                    Io::answer(output, nums, [Some(to.as_str()), Some(from.as_str())]);
                    FlowAnswer::Ready as u32 | FlowBit::Moved as u32
                }
                Loaded::ReadOnly { record } => {
                    Io::answer(output, nums, [Some(record.as_str())]);
                    FlowAnswer::ReadOnly as u32
                }
                Loaded::Over { destroy, why } => {
                    nums[0] = ended_code(why);
                    Io::answer(output, nums, [Some(destroy.as_str())]);
                    FlowAnswer::Over as u32
                }
                Loaded::Missing => FlowAnswer::Missing as u32,
                Loaded::Refused => {
                    error(output, nums, &Error::Regenerated);
                    FlowAnswer::Refused as u32
                }
                Loaded::Bad(e) => error(output, nums, &e),
            }
        })
    }

    /// A user's state for a loaded session of theirs ([`crate::flow::ServerFlow::signed_out`]):
    /// `since`/`before` ms (NaN: none). [`FlowAnswer::Over`] (destroy string 0) or
    /// [`FlowAnswer::Ok`]. The input buffer holds the id.
    #[wasm_bindgen(js_name = flowSignedOut)]
    pub fn flow_signed_out(&self, id: i32, since: f64, before: f64, kept: bool) -> u32 {
        IO.with(|cell| {
            let Io { input, output, nums } = &mut *cell.borrow_mut();
            let Some([Some(id)]) = strings(input, [id]) else { return FlowAnswer::Ok as u32 };
            let ms = |v: f64| v.is_finite().then_some(v as i64);
            match self.flow().signed_out(id, ms(since), ms(before), kept) {
                Some(Loaded::Over { destroy, why }) => {
                    nums[0] = ended_code(why);
                    Io::answer(output, nums, [Some(destroy.as_str())]);
                    FlowAnswer::Over as u32
                }
                _ => FlowAnswer::Ok as u32,
            }
        })
    }

    /// A new session's id ([`crate::flow::ServerFlow::generated`]): [`FlowAnswer::Ok`] with its
    /// key (string 0), or [`FlowAnswer::Error`]. The input buffer holds the id.
    #[wasm_bindgen(js_name = flowGenerated)]
    pub fn flow_generated(&self, id: i32) -> u32 {
        IO.with(|cell| {
            let Io { input, output, nums } = &mut *cell.borrow_mut();
            let Some([Some(id)]) = strings(input, [id]) else {
                return error(output, nums, &Error::option("genid", "must give a string"));
            };
            match self.flow().generated(id) {
                Ok(()) => {
                    let key = self.flow().key_of(id);
                    Io::answer(output, nums, [Some(key.as_ref())]);
                    FlowAnswer::Ok as u32
                }
                Err(e) => error(output, nums, &e),
            }
        })
    }

    /// The response's step ([`crate::flow::ServerFlow::respond`]). The input buffer holds
    /// `req.sessionID`, the record as loaded, as last saved (-2: the loaded one), `req.session`
    /// now, the increments and pushes (JSON text), the id header's name, the response's Vary and
    /// Cache-Control, and the cookie's verified value (`begin`'s string 2, when `req.sessionID` is
    /// still the cookie's id); `phase` 0 headers, 1 end, 2 both; `flags` are [`RespondIn`]. Answers
    /// [`RespondOut`] flags, or an [`FlowAnswer::Error`] with [`RespondOut`] 0 and bit 31.
    #[allow(clippy::too_many_arguments)]
    pub fn respond(
        &self,
        phase: u32,
        now: f64,
        flags: u32,
        session_id: i32,
        original: i32,
        saved: i32,
        session: i32,
        inc: i32,
        push: i32,
        header_name: i32,
        vary: i32,
        cache_control: i32,
        signed: i32,
    ) -> u32 {
        IO.with(|cell| {
            let Io { input, output, nums } = &mut *cell.borrow_mut();
            let Some(
                [session_id, original, written_saved, session, inc, push, header_name, vary, cache_control, signed],
            ) = strings(
                input,
                [session_id, original, saved, session, inc, push, header_name, vary, cache_control, signed],
            )
            else {
                return ERROR_BIT
                    | error(output, nums, &Error::invalid("input", "the lengths do not match the input buffer"));
            };
            let saved = if saved == -2 { original } else { written_saved };
            let has = |f: RespondIn| flags & f as u32 != 0;
            let r = Respond {
                facts: Facts {
                    phase: match phase {
                        0 => Phase::Headers,
                        1 => Phase::End,
                        _ => Phase::Both,
                    },
                    now: now as i64,
                    secure: has(RespondIn::Secure),
                    cookie_present: has(RespondIn::CookiePresent),
                    cookie_matches: has(RespondIn::CookieMatches),
                    cookie_old_secret: has(RespondIn::CookieOldSecret),
                    session_id,
                    same_original_id: has(RespondIn::SameOriginalId),
                    original,
                    saved,
                    saved_is_original: has(RespondIn::SavedIsOriginal),
                    session,
                    destroyed: has(RespondIn::Destroyed),
                    touched: has(RespondIn::Touched),
                    store_touch: has(RespondIn::StoreTouch),
                    want_record: has(RespondIn::WantRecord),
                    want_delta: false,
                    ops: Ops { inc, push },
                    signed,
                },
                from_store: has(RespondIn::FromStore),
                by_header: has(RespondIn::ByHeader),
                id_header_name: header_name,
                read_only: has(RespondIn::ReadOnly),
                store_failed: has(RespondIn::StoreFailed),
                merges: has(RespondIn::Merges),
                lazy_delta: has(RespondIn::LazyDelta),
                vary,
                cache_control,
            };
            let fx = match self.flow().respond(&r) {
                Ok(fx) => fx,
                Err(e) => return ERROR_BIT | error(output, nums, &e),
            };
            let mut bits = 0;
            let o = &fx.out;
            for (on, bit) in [
                (fx.set_cookie.is_some(), RespondOut::SetCookie),
                (fx.id_header.is_some(), RespondOut::IdHeader),
                (fx.vary.is_some(), RespondOut::Vary),
                (fx.cache_control.is_some(), RespondOut::CacheControl),
                (fx.index, RespondOut::Index),
                (o.touched, RespondOut::Touched),
                (o.cookie_skipped.is_some(), RespondOut::CookieSkipped),
            ] {
                if on {
                    bits |= bit as u32;
                }
            }
            match o.expires {
                Some(Some(e)) => {
                    bits |= RespondOut::Expires as u32;
                    nums[0] = e as f64;
                }
                Some(None) => bits |= RespondOut::Expires as u32 | RespondOut::ExpiresNull as u32,
                None => {}
            }
            for (v, bit, slot) in [
                (o.created_at, RespondOut::CreatedAt, 1),
                (o.last_seen, RespondOut::LastSeen, 2),
                (o.deadline, RespondOut::Deadline, 3),
            ] {
                if let Some(v) = v {
                    bits |= bit as u32;
                    nums[slot] = v as f64;
                }
            }
            let (record, delta, key) = match &fx.write {
                Some(w) => {
                    bits |= write_bits(w);
                    match w {
                        Write::Save { key, record, .. } | Write::Touch { key, record, .. } => {
                            (Some(record.as_str()), None, Some(key.as_str()))
                        }
                        Write::Merge { key, delta, record, .. } => {
                            (Some(record.as_str()), Some(delta.as_str()), Some(key.as_str()))
                        }
                        Write::Destroy { key } => (None, None, Some(key.as_str())),
                        Write::Tombstone { key, record, .. } => (Some(record.as_str()), None, Some(key.as_str())),
                    }
                }
                None => (None, None, None),
            };
            let first = fx.set_cookie.as_deref().or(fx.id_header.as_deref());
            let key = match key {
                Some(k) if Some(k) == session_id => {
                    bits |= RespondOut::KeyIsId as u32;
                    None
                }
                k => k,
            };
            let vary = match fx.vary.as_deref() {
                Some("Cookie") => {
                    bits |= RespondOut::VaryCookie as u32;
                    None
                }
                v => v,
            };
            Io::answer(output, nums, [first, record, delta, vary, fx.cache_control.as_deref(), key]);
            bits
        })
    }

    /// `req.session.save()` ([`crate::flow::ServerFlow::save`]). The input buffer holds the id,
    /// `req.session` now, the record as last saved or loaded (the delta's base), the increments
    /// and pushes; `flags` 1 loaded under this id, 2 the store merges, 4 read-only. Answers
    /// [`RespondOut`] write flags (strings 1 record, 2 delta, 5 key; number 3 the deadline), or
    /// bit 31 and an error.
    #[allow(clippy::too_many_arguments)]
    #[wasm_bindgen(js_name = flowSave)]
    pub fn flow_save(&self, flags: u32, id: i32, session: i32, base: i32, inc: i32, push: i32) -> u32 {
        IO.with(|cell| {
            let Io { input, output, nums } = &mut *cell.borrow_mut();
            let Some([Some(id), Some(session), base, inc, push]) = strings(input, [id, session, base, inc, push])
            else {
                return ERROR_BIT
                    | error(output, nums, &Error::invalid("input", "the lengths do not match the input buffer"));
            };
            let s = Save {
                id,
                session,
                base,
                ops: Ops { inc, push },
                existing: flags & 1 != 0,
                merges: flags & 2 != 0,
                read_only: flags & 4 != 0,
            };
            match self.flow().save(&s) {
                Ok(w) => {
                    let mut bits = write_bits(&w);
                    let (record, delta, key, deadline) = match &w {
                        Write::Save { key, record, deadline, .. } => (record.as_str(), None, key.as_str(), *deadline),
                        Write::Merge { key, delta, record, deadline } => {
                            (record.as_str(), Some(delta.as_str()), key.as_str(), *deadline)
                        }
                        _ => ("", None, w.key(), None),
                    };
                    if let Some(d) = deadline {
                        bits |= RespondOut::Deadline as u32;
                        nums[3] = d as f64;
                    }
                    Io::answer(output, nums, [None, Some(record), delta, None, None, Some(key)]);
                    bits
                }
                Err(e) => ERROR_BIT | error(output, nums, &e),
            }
        })
    }

    /// `req.session.regenerate()` once `genid` gave the new id
    /// ([`crate::flow::ServerFlow::regenerate`]). The input buffer holds the id, the record as the
    /// store has it (-1: not loaded from the store under this id) and the new id. Answers
    /// [`FlowAnswer::Ok`] (with [`FlowBit::Tombstone`]: strings 0 and 1, number 0) with the key to
    /// destroy (string 2) and the new session's key (string 3), or an error.
    #[wasm_bindgen(js_name = flowRegenerate)]
    pub fn flow_regenerate(&self, id: i32, stored: i32, new_id: i32, read_only: bool, now: f64) -> u32 {
        IO.with(|cell| {
            let Io { input, output, nums } = &mut *cell.borrow_mut();
            let Some([Some(id), stored, Some(new_id)]) = strings(input, [id, stored, new_id]) else {
                return error(output, nums, &Error::invalid("input", "the lengths do not match the input buffer"));
            };
            let r = Regenerate { id, stored, read_only, now: now as i64 };
            match self.flow().regenerate(&r, new_id) {
                Ok((tomb, destroy)) => {
                    let mut bits = FlowAnswer::Ok as u32;
                    let new_key = self.flow().key_of(new_id);
                    let (tk, tr) = match &tomb {
                        Some(Write::Tombstone { key, record, deadline }) => {
                            bits |= FlowBit::Tombstone as u32;
                            nums[0] = *deadline as f64;
                            (Some(key.as_str()), Some(record.as_str()))
                        }
                        _ => (None, None),
                    };
                    Io::answer(output, nums, [tk, tr, Some(destroy.key()), Some(new_key.as_ref())]);
                    bits
                }
                Err(e) => error(output, nums, &e),
            }
        })
    }

    /// The store key of the id at the front of the input buffer (the id, or with `hashIds` its
    /// hash), the answer's first string.
    #[wasm_bindgen(js_name = keyOf)]
    pub fn key_of(&self, id: i32) -> Result<(), JsValue> {
        IO.with(|cell| {
            let Io { input, output, nums } = &mut *cell.borrow_mut();
            let Some([Some(id)]) = strings(input, [id]) else { return Err(bad_call()) };
            let key = self.flow().key_of(id);
            Io::answer(output, nums, [Some(key.as_ref())]);
            Ok(())
        })
    }
}

/// [`FlowBit::Failed`]: the bit of an answer of `respond` and `flowSave` that says it is an error.
const ERROR_BIT: u32 = FlowBit::Failed as u32;
