//! `notBefore`: revocable client-side sessions. A signed or sealed cookie cannot be deleted from the
//! server, but it can carry the time it was issued (the frame's `i`, see [`super::frame`]): the app
//! says, per session, the time before which no cookie counts (the user's last password change, a
//! "sign out everywhere"), and a cookie issued before it is treated as absent.
//!
//! The issue time is set when a session is first written and kept on every rewrite, so a request in
//! flight during a revocation cannot renew a revoked cookie. A cookie without one (written before
//! the option was on, or by cookie-session) counts as issued at 0: it is refused as soon as the app
//! gives any cut-off for it.

/// Whether a cookie issued at `issued_at` (ms; `None`: counts as 0) is revoked by the cut-off
/// `not_before` (ms; `None`: the app gave none, nothing is revoked). A cut-off that is not a finite
/// number (a bad return from the app's function) revokes: it fails closed. Issued exactly at the
/// cut-off is kept.
///
/// ```
/// use session_core::client::revoked;
/// assert!(revoked(Some(1_000), Some(2_000.0)));
/// assert!(!revoked(Some(2_000), Some(2_000.0)));
/// assert!(revoked(None, Some(1.0)));
/// assert!(!revoked(None, None));
/// assert!(revoked(Some(5), Some(f64::NAN)));
/// ```
pub fn revoked(issued_at: Option<i64>, not_before: Option<f64>) -> bool {
    match not_before {
        None => false,
        Some(t) if !t.is_finite() => true,
        Some(t) => (issued_at.unwrap_or(0) as f64) < t,
    }
}
