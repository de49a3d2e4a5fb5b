'use strict'
/**
 * The per-user index (the `user` option, a function of `req` naming the session's user): which
 * sessions a user has, so an app can list them ("your devices"), end one, or end them all ("sign
 * out everywhere", e.g. every other device after a password change). The store keeps the index —
 * MemoryStore and RedisStore implement `indexUser`, `userState`, `sessionsOf`, `destroySession` and
 * `destroyUser` — and the middleware keeps it current (the flow says when: ../flow/server.js):
 *   - after a session of a user is saved or touched, it is (re)indexed under the user, with when it
 *     was first seen signed in as that user, when it was last seen, and its User-Agent;
 *   - every load of a session of a user asks the store for the user's "signed out before" time and
 *     the core's rule (src/session/users.rs) says whether the session is over: so a login that
 *     raced a sign-out everywhere (indexed after it ran) cannot survive it.
 * Stores without the index (third-party ones) are used as before; the option then does nothing.
 */

/** The request's user key (the `user` option's answer, as a string), or null. Throws what it throws. */
function userKeyOf (mw, req) {
  if (mw.user === null || !req.session) return null
  const k = mw.user(req)
  if (k === undefined || k === null || k === '' || k === false) return null
  return String(k)
}

/** Does the store keep the per-user index? */
const indexes = (store) => typeof store.indexUser === 'function' && typeof store.userState === 'function'

module.exports = { userKeyOf, indexes }
