//! The expiry rules, as pure functions of (record times, now, timeouts): used by both session kinds
//! (server-side [`crate::session`] and client-side [`crate::client`]) and by every front door (the
//! Express middleware, cookie-session, the Rust tower layer), so they sit beside both, not in one.
//!
//! - **Cookie expiry** (express-session's): a record whose `cookie.expires` is at or before `now` is
//!   over. Touching sets `expires = now + originalMaxAge` (no expiry when `originalMaxAge` is null).
//! - **Idle timeout** (`idleTimeout`, ms; beyond express-session): a session with no request for that
//!   long is over, whatever its cookie says. The last request's time is kept in the record
//!   (`cookie.lastSeen`), refreshed by a store write at most once per `touchAfter` (default: a tenth
//!   of the idle timeout, at most one minute), so reading a session does not write it every time; the
//!   timeout is therefore exact to within `touchAfter`.
//! - **Absolute timeout** (`absoluteTimeout`, ms): a session older than that is over even if it stays
//!   active. Its start is kept in the record (`cookie.createdAt`).
//!
//! Both are enforced on the server from these timestamps; a record without them (written by
//! express-session, or before the timeouts were turned on) starts both clocks at the request that
//! first reads it.

use serde::{Deserialize, Serialize};

/// The times of a session the rules read, in milliseconds: its cookie's `expires` and
/// `originalMaxAge`, and session-core's `createdAt` and `lastSeen` (a server-side record's
/// `cookie` object, [`crate::session::Record::times`], or what a client-side cookie carries).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct CookieTimes {
    pub expires: Option<i64>,
    pub original_max_age: Option<f64>,
    pub created_at: Option<i64>,
    pub last_seen: Option<i64>,
}

/// Why a session is over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Ended {
    /// `cookie.expires` has passed.
    Expired,
    /// No request for `idleTimeout`.
    Idle,
    /// Older than `absoluteTimeout`.
    Absolute,
    /// Its user signed out everywhere after it signed in (the per-user index's rule,
    /// [`crate::session::signed_out`]).
    SignedOut,
}

impl Ended {
    /// `expired`, `idle`, `absolute` or `signed-out`: the reason as reports and logs give it.
    pub fn as_str(self) -> &'static str {
        match self {
            Ended::Expired => "expired",
            Ended::Idle => "idle",
            Ended::Absolute => "absolute",
            Ended::SignedOut => "signed-out",
        }
    }
}

/// The server-side timeouts, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Timeouts {
    pub idle_timeout: Option<f64>,
    pub absolute_timeout: Option<f64>,
    /// How stale `lastSeen` may get before a request refreshes it with a store write.
    pub touch_after: Option<f64>,
}

impl Timeouts {
    /// True when either timeout is on (and records carry `createdAt`/`lastSeen`).
    pub fn enabled(&self) -> bool {
        self.idle_timeout.is_some() || self.absolute_timeout.is_some()
    }

    /// `touchAfter`, or its default: a tenth of the idle timeout, at most 60 s.
    pub fn touch_after(&self) -> Option<f64> {
        self.idle_timeout.map(|idle| self.touch_after.unwrap_or((idle / 10.0).min(60_000.0)))
    }

    /// Must a request refresh the last-seen time (`seen`, or the start when never seen)? Only
    /// with an idle timeout, and at most once per `touchAfter`.
    pub fn seen_due(&self, seen: Option<i64>, now: i64) -> bool {
        self.touch_after().is_some_and(|after| seen.is_none_or(|s| now as f64 - s as f64 >= after))
    }

    /// Each given timeout is a positive, finite number of milliseconds; the error names it.
    pub fn validate(&self) -> Result<(), crate::error::Error> {
        for (field, v) in [
            ("idleTimeout", self.idle_timeout),
            ("absoluteTimeout", self.absolute_timeout),
            ("touchAfter", self.touch_after),
        ] {
            if let Some(ms) = v {
                crate::rules::positive_ms(field, ms)?;
            }
        }
        Ok(())
    }
}

/// Is the session over at `now`, and why. Expiry is checked first, then idle, then absolute.
///
/// ```
/// use session_core::session::{ended, CookieTimes, Ended, Timeouts};
/// let t = Timeouts { idle_timeout: Some(1000.0), ..Default::default() };
/// let times = CookieTimes { last_seen: Some(0), ..Default::default() };
/// assert_eq!(ended(&times, 999, &t), None);
/// assert_eq!(ended(&times, 1000, &t), Some(Ended::Idle));
/// ```
pub fn ended(times: &CookieTimes, now: i64, t: &Timeouts) -> Option<Ended> {
    let past = |start: Option<i64>, span: Option<f64>| match (start, span) {
        (Some(s), Some(d)) => (now as f64) - (s as f64) >= d,
        _ => false,
    };
    if times.expires.is_some_and(|e| e <= now) {
        Some(Ended::Expired)
    } else if past(times.last_seen.or(times.created_at), t.idle_timeout) {
        Some(Ended::Idle)
    } else if past(times.created_at, t.absolute_timeout) {
        Some(Ended::Absolute)
    } else {
        None
    }
}

/// The new `expires` when a session is touched: `now + originalMaxAge`, truncated to whole
/// milliseconds as `new Date()` does; `None` (a browser-session cookie) when there is no max age.
pub fn touched_expires(original_max_age: Option<f64>, now: i64) -> Option<i64> {
    original_max_age.and_then(|m| crate::date::js_time(now as f64 + m))
}

/// When a store should forget the record: the earliest of the cookie's expiry and the idle and
/// absolute deadlines. `None`: no deadline is known (the store applies its own default).
///
/// ```
/// use session_core::session::{deadline, CookieTimes, Timeouts};
/// let t = Timeouts { absolute_timeout: Some(500.0), ..Default::default() };
/// let times = CookieTimes { expires: Some(2000), created_at: Some(1000), ..Default::default() };
/// assert_eq!(deadline(&times, &t), Some(1500));
/// ```
pub fn deadline(times: &CookieTimes, t: &Timeouts) -> Option<i64> {
    let plus = |start: Option<i64>, span: Option<f64>| Some(start?.saturating_add(span? as i64));
    [
        times.expires,
        plus(times.last_seen.or(times.created_at), t.idle_timeout),
        plus(times.created_at, t.absolute_timeout),
    ]
    .into_iter()
    .flatten()
    .min()
}
