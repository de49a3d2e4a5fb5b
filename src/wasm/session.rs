//! The Express middleware's core: one per middleware, made once with its checked options and keyed
//! secrets. A request makes one call when the session loads ([`SessionCore::cookie_id`]) and one
//! when the response goes out ([`SessionCore::decide`]), both over the lean crossing of
//! [`super::io`]: integers in, numbers and text in wasm memory out.

#[cfg(feature = "client")]
use super::io::{bad_call, strings, Io, IO};
use super::{secret_bytes, to_js};
use crate::error::Error;
#[cfg(feature = "client")]
use crate::session::{Facts, Phase};
#[cfg(feature = "client")]
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

/// Input flags of [`SessionCore::decide`].
#[cfg(feature = "client")]
#[wasm_bindgen]
#[allow(non_camel_case_types, clippy::upper_case_acronyms)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecideIn {
    SECURE = 1,
    COOKIE_PRESENT = 0x2,
    COOKIE_MATCHES = 0x4,
    COOKIE_OLD_SECRET = 0x8,
    SAME_ORIGINAL_ID = 0x10,
    SAVED_IS_ORIGINAL = 0x20,
    DESTROYED = 0x40,
    TOUCHED = 0x80,
    STORE_TOUCH = 0x100,
    WANT_RECORD = 0x200,
    /// A save also gives the delta (a store that merges).
    WANT_DELTA = 0x400,
}

/// Answer flags of [`SessionCore::decide`]; the numbers go to the numbers array's slots
/// 0 (`expires`), 1 (`createdAt`), 2 (`lastSeen`), 3 (`deadline`); the strings are the
/// `Set-Cookie` value (first), the record (second) and the delta (third).
#[cfg(feature = "client")]
#[wasm_bindgen]
#[allow(non_camel_case_types, clippy::upper_case_acronyms)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecideOut {
    SAVE = 1,
    TOUCH = 0x2,
    DESTROY = 0x4,
    TOUCHED = 0x8,
    COOKIE_SKIPPED = 0x10,
    EXPIRES = 0x20,
    EXPIRES_NULL = 0x40,
    CREATED_AT = 0x80,
    LAST_SEEN = 0x100,
    DEADLINE = 0x200,
    SET_COOKIE = 0x400,
    RECORD = 0x800,
    DELTA = 0x1000,
}

/// One Express middleware's core: its validated options and keyed secrets.
#[wasm_bindgen]
#[derive(Debug)]
pub struct SessionCore {
    flow: crate::flow::ServerFlow,
    /// The last few ids whose cookie verified under the newest secret, with that cookie value
    /// (`s:id.signature`): the response re-sends it without computing the HMAC again (the
    /// per-decision calls only: the flow hands the verified value back instead).
    #[cfg(feature = "client")]
    recent: RefCell<Vec<(String, String)>>,
}

impl SessionCore {
    /// The request flow (options, keyed secrets).
    pub(super) fn flow(&self) -> &crate::flow::ServerFlow {
        &self.flow
    }
}

/// How many verified cookie values [`SessionCore`] remembers (requests in flight at once).
#[cfg(feature = "client")]
const RECENT: usize = 16;

#[wasm_bindgen]
impl SessionCore {
    /// `options` is JSON text of [`crate::session::SessionOptions`] (as `checkExpressOptions`
    /// returns it); `secrets` strings or bytes.
    #[wasm_bindgen(constructor)]
    pub fn new(options: &str, secrets: Vec<JsValue>) -> Result<SessionCore, JsValue> {
        let opts: crate::session::SessionOptions =
            serde_json::from_str(options).map_err(|e| to_js(Error::json("options", &e)))?;
        let secrets = secret_bytes("secret", &secrets)?;
        crate::session::Session::new(opts, &secrets)
            .map(|inner| SessionCore {
                flow: crate::flow::ServerFlow::new(inner),
                #[cfg(feature = "client")]
                recent: RefCell::new(Vec::with_capacity(RECENT)),
            })
            .map_err(to_js)
    }
}

// The per-decision calls of before the request flow (src/wasm/flow.rs): the vector runners and
// session-core/web's tests use them; the Express build leaves them out (it drives the flow).
#[cfg(feature = "client")]
#[wasm_bindgen]
impl SessionCore {
    /// The session id in the `Cookie` header at the front of the input buffer (`len` bytes), when
    /// its signature verifies: the id goes to the output (first string) and the index of the secret
    /// that verified it is returned; `-1` when there is none. With `value` true the input is one
    /// cookie value (`req.cookies[name]` from cookie-parser) rather than a header.
    #[wasm_bindgen(js_name = cookieId)]
    pub fn cookie_id(&self, len: i32, value: bool) -> i32 {
        IO.with(|cell| {
            let io = &mut *cell.borrow_mut();
            let Some([Some(text)]) = strings(&io.input, [len]) else { return -1 };
            let raw = if value {
                std::borrow::Cow::Borrowed(text)
            } else {
                match crate::cookie::get_cookie(text, &self.flow.session().options.name) {
                    Some(v) => std::borrow::Cow::Owned(v),
                    None => return -1,
                }
            };
            match self.flow.session().unsign_value(&raw) {
                Some(c) => {
                    if c.secret_index == 0 {
                        let mut recent = self.recent.borrow_mut();
                        if !recent.iter().any(|(id, _)| *id == c.id) {
                            if recent.len() == RECENT {
                                recent.remove(0);
                            }
                            // verified under the newest secret: exactly what signing the id gives
                            recent.push((c.id.clone(), raw.into_owned()));
                        }
                    }
                    Io::answer(&mut io.output, &mut io.nums, [Some(c.id.as_str())]);
                    c.secret_index.min(i32::MAX as usize) as i32
                }
                None => -1,
            }
        })
    }

    /// Why the record at the front of the input buffer is over: 0 not over, 1 expired, 2 idle,
    /// 3 absolute (unreadable records count as expired).
    pub fn ended(&self, len: i32, now: f64) -> u32 {
        IO.with(|cell| {
            let io = cell.borrow();
            match strings(&io.input, [len]) {
                Some([Some(record)]) => match self.flow.session().ended(record, now as i64) {
                    None => 0,
                    Some(crate::session::Ended::Expired) => 1,
                    Some(crate::session::Ended::Idle) => 2,
                    Some(crate::session::Ended::Absolute) => 3,
                    Some(crate::session::Ended::SignedOut) => 4,
                },
                _ => 1,
            }
        })
    }

    /// Whether the options turn on the idle or absolute timeout.
    #[wasm_bindgen(getter, js_name = hasTimeouts)]
    pub fn has_timeouts(&self) -> bool {
        self.flow.session().options.timeouts.enabled()
    }

    /// The per-request decision ([`crate::session::Session::decide_facts`]). The input buffer holds
    /// `req.sessionID`, the record as loaded, as last saved, `req.session` now, and the request's
    /// increments and pushes (JSON text, for the delta), back to back (lengths given, -1 absent; a
    /// saved length of -2 says the saved record is the loaded one); `phase` is 0 headers, 1 end,
    /// 2 both; `flags` are [`flag`]s.
    /// Returns [`out`] flags. (Integer arguments are the point: each is a plain wasm parameter.)
    #[allow(clippy::too_many_arguments)]
    pub fn decide(
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
    ) -> Result<u32, JsValue> {
        IO.with(|cell| {
            let Io { input, output, nums } = &mut *cell.borrow_mut();
            // a saved length of -2: the saved record is the loaded one (not written twice)
            let [session_id, original, written_saved, session, inc, push] =
                strings(input, [session_id, original, saved, session, inc, push]).ok_or_else(bad_call)?;
            let saved = if saved == -2 { original } else { written_saved };
            {
                let has = |f: u32| flags & f != 0;
                let facts = Facts {
                    phase: match phase {
                        0 => Phase::Headers,
                        1 => Phase::End,
                        _ => Phase::Both,
                    },
                    now: now as i64,
                    secure: has(DecideIn::SECURE as u32),
                    cookie_present: has(DecideIn::COOKIE_PRESENT as u32),
                    cookie_matches: has(DecideIn::COOKIE_MATCHES as u32),
                    cookie_old_secret: has(DecideIn::COOKIE_OLD_SECRET as u32),
                    session_id,
                    same_original_id: has(DecideIn::SAME_ORIGINAL_ID as u32),
                    original,
                    saved,
                    saved_is_original: has(DecideIn::SAVED_IS_ORIGINAL as u32),
                    session,
                    destroyed: has(DecideIn::DESTROYED as u32),
                    touched: has(DecideIn::TOUCHED as u32),
                    store_touch: has(DecideIn::STORE_TOUCH as u32),
                    want_record: has(DecideIn::WANT_RECORD as u32),
                    want_delta: has(DecideIn::WANT_DELTA as u32),
                    ops: crate::session::Ops { inc, push },
                    signed: None,
                };
                let recent = self.recent.borrow();
                let signed =
                    session_id.and_then(|sid| recent.iter().find(|(id, _)| id == sid)).map(|(_, v)| v.as_str());
                let o = self.flow.session().decide_facts(&Facts { signed, ..facts }).map_err(to_js)?;
                drop(recent);
                let mut bits = 0;
                for (on, bit) in [
                    (o.save, (DecideOut::SAVE as u32)),
                    (o.touch, (DecideOut::TOUCH as u32)),
                    (o.destroy, (DecideOut::DESTROY as u32)),
                    (o.touched, (DecideOut::TOUCHED as u32)),
                    (o.cookie_skipped.is_some(), (DecideOut::COOKIE_SKIPPED as u32)),
                    (o.set_cookie.is_some(), (DecideOut::SET_COOKIE as u32)),
                    (o.record.is_some(), (DecideOut::RECORD as u32)),
                    (o.delta.is_some(), (DecideOut::DELTA as u32)),
                ] {
                    if on {
                        bits |= bit;
                    }
                }
                match o.expires {
                    Some(Some(e)) => {
                        bits |= DecideOut::EXPIRES as u32;
                        nums[0] = e as f64;
                    }
                    Some(None) => bits |= (DecideOut::EXPIRES as u32) | (DecideOut::EXPIRES_NULL as u32),
                    None => {}
                }
                for (v, bit, slot) in [
                    (o.created_at, (DecideOut::CREATED_AT as u32), 1),
                    (o.last_seen, (DecideOut::LAST_SEEN as u32), 2),
                    (o.deadline, (DecideOut::DEADLINE as u32), 3),
                ] {
                    if let Some(v) = v {
                        bits |= bit;
                        nums[slot] = v as f64;
                    }
                }
                Io::answer(output, nums, [o.set_cookie.as_deref(), o.record.as_deref(), o.delta.as_deref()]);
                Ok(bits)
            }
        })
    }
}
