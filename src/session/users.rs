//! The per-user index's one rule (sign out everywhere). A store keeps, per user, when each session
//! was first seen signed in as that user (`since`), and the user's "signed out before" time, set by
//! `destroyUser` together with the one session it kept (if any). Every load of a session that
//! belongs to a user asks this: a session signed in before the sign-out, and not the kept one, is
//! over, even one the sign-out did not see (a login racing it, indexed after it ran, in another
//! Redis Cluster slot). A session with no `since` while the user has a sign-out time was never
//! indexed (or its index entry went with the sign-out): it is over too.

/// Is a session of a user signed out? `since` and `before` in ms since the epoch; `kept` when it
/// is the session the sign-out kept.
///
/// ```
/// use session_core::session::signed_out;
/// assert!(!signed_out(Some(5), None, false));   // the user never signed out everywhere
/// assert!(signed_out(Some(5), Some(10), false)); // signed in before the sign-out
/// assert!(!signed_out(Some(5), Some(10), true)); // ... but kept ("every other device")
/// assert!(!signed_out(Some(10), Some(10), false)); // signed in at or after it
/// assert!(signed_out(None, Some(10), false));
/// ```
pub fn signed_out(since: Option<i64>, before: Option<i64>, kept: bool) -> bool {
    match (since, before) {
        (_, None) => false,
        _ if kept => false,
        (Some(s), Some(b)) => s < b,
        (None, Some(_)) => true,
    }
}
