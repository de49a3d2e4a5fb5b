//! The Express middleware's core: one per middleware, made once with its checked options and keyed
//! secrets. A request makes one call when the session loads ([`SessionCore::cookie_id`]) and one
//! when the response goes out ([`SessionCore::decide`]), both over the lean crossing of
//! [`super::io`]: integers in, numbers and text in wasm memory out.

use super::io::{bad_call, strings, Io, IO};
use super::{secret_bytes, to_js};
use crate::error::Error;
use crate::session::{Facts, Phase};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

/// Input flags of [`SessionCore::decide`].
pub mod flag {
    pub const SECURE: u32 = 1;
    pub const COOKIE_PRESENT: u32 = 1 << 1;
    pub const COOKIE_MATCHES: u32 = 1 << 2;
    pub const COOKIE_OLD_SECRET: u32 = 1 << 3;
    pub const SAME_ORIGINAL_ID: u32 = 1 << 4;
    pub const SAVED_IS_ORIGINAL: u32 = 1 << 5;
    pub const DESTROYED: u32 = 1 << 6;
    pub const TOUCHED: u32 = 1 << 7;
    pub const STORE_TOUCH: u32 = 1 << 8;
    pub const WANT_RECORD: u32 = 1 << 9;
    /// A save also gives the delta (a store that merges).
    pub const WANT_DELTA: u32 = 1 << 10;
}

/// Answer flags of [`SessionCore::decide`]; the numbers go to the numbers array's slots
/// 0 (`expires`), 1 (`createdAt`), 2 (`lastSeen`), 3 (`deadline`); the strings are the
/// `Set-Cookie` value (first), the record (second) and the delta (third).
pub mod out {
    pub const SAVE: u32 = 1;
    pub const TOUCH: u32 = 1 << 1;
    pub const DESTROY: u32 = 1 << 2;
    pub const TOUCHED: u32 = 1 << 3;
    pub const COOKIE_SKIPPED: u32 = 1 << 4;
    pub const EXPIRES: u32 = 1 << 5;
    pub const EXPIRES_NULL: u32 = 1 << 6;
    pub const CREATED_AT: u32 = 1 << 7;
    pub const LAST_SEEN: u32 = 1 << 8;
    pub const DEADLINE: u32 = 1 << 9;
    pub const SET_COOKIE: u32 = 1 << 10;
    pub const RECORD: u32 = 1 << 11;
    pub const DELTA: u32 = 1 << 12;
}

/// One Express middleware's core: its validated options and keyed secrets.
#[wasm_bindgen]
#[derive(Debug)]
pub struct SessionCore {
    flow: crate::flow::ServerFlow,
    /// The last few ids whose cookie verified under the newest secret, with that cookie value
    /// (`s:id.signature`): the response re-sends it without computing the HMAC again.
    recent: RefCell<Vec<(String, String)>>,
}

impl SessionCore {
    /// The request flow (options, keyed secrets).
    pub(super) fn flow(&self) -> &crate::flow::ServerFlow {
        &self.flow
    }
}

/// How many verified cookie values [`SessionCore`] remembers (requests in flight at once).
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
                recent: RefCell::new(Vec::with_capacity(RECENT)),
            })
            .map_err(to_js)
    }

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
                    secure: has(flag::SECURE),
                    cookie_present: has(flag::COOKIE_PRESENT),
                    cookie_matches: has(flag::COOKIE_MATCHES),
                    cookie_old_secret: has(flag::COOKIE_OLD_SECRET),
                    session_id,
                    same_original_id: has(flag::SAME_ORIGINAL_ID),
                    original,
                    saved,
                    saved_is_original: has(flag::SAVED_IS_ORIGINAL),
                    session,
                    destroyed: has(flag::DESTROYED),
                    touched: has(flag::TOUCHED),
                    store_touch: has(flag::STORE_TOUCH),
                    want_record: has(flag::WANT_RECORD),
                    want_delta: has(flag::WANT_DELTA),
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
                    (o.save, out::SAVE),
                    (o.touch, out::TOUCH),
                    (o.destroy, out::DESTROY),
                    (o.touched, out::TOUCHED),
                    (o.cookie_skipped.is_some(), out::COOKIE_SKIPPED),
                    (o.set_cookie.is_some(), out::SET_COOKIE),
                    (o.record.is_some(), out::RECORD),
                    (o.delta.is_some(), out::DELTA),
                ] {
                    if on {
                        bits |= bit;
                    }
                }
                match o.expires {
                    Some(Some(e)) => {
                        bits |= out::EXPIRES;
                        nums[0] = e as f64;
                    }
                    Some(None) => bits |= out::EXPIRES | out::EXPIRES_NULL,
                    None => {}
                }
                for (v, bit, slot) in [
                    (o.created_at, out::CREATED_AT, 1),
                    (o.last_seen, out::LAST_SEEN, 2),
                    (o.deadline, out::DEADLINE, 3),
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
