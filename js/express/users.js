'use strict'
/**
 * The per-user index (the `user` option, a function of `req` naming the session's user): which
 * sessions a user has, so an app can list them ("your devices"), end one, or end them all ("sign
 * out everywhere", e.g. every other device after a password change). The store keeps the index —
 * MemoryStore and RedisStore implement `indexUser`, `userState`, `sessionsOf`, `destroySession` and
 * `destroyUser` — and the middleware keeps it current:
 *   - after a session of a user is saved or touched, it is (re)indexed under the user, with when it
 *     was first seen signed in as that user, when it was last seen, and its User-Agent;
 *   - every load of a session of a user asks the store for the user's "signed out before" time and
 *     the core's rule (src/session/users.rs) says whether the session is over: so a login that
 *     raced a sign-out everywhere (indexed after it ran) cannot survive it.
 * Stores without the index (third-party ones) are used as before; the option then does nothing.
 */

const native = require('../native')
const { callStore } = require('./call-store')
const debug = require('../debug')('session-core:express')

/** The request's user key (the `user` option's answer, as a string), or null. Throws what it throws. */
function userKeyOf (mw, req) {
  if (mw.user === null || !req.session) return null
  const k = mw.user(req)
  if (k === undefined || k === null || k === '' || k === false) return null
  return String(k)
}

/** Does the store keep the per-user index? */
const indexes = (store) => typeof store.indexUser === 'function' && typeof store.userState === 'function'

/** The request's user key when the store keeps the index, else null; `[err]` when `user` threw. */
function indexedKey (mw, req) {
  try {
    const key = userKeyOf(mw, req)
    return [null, key !== null && indexes(mw.store) ? key : null]
  } catch (e) {
    return [e, null]
  }
}

/** After a load: `cb(err, signedOut)`, whether a sign-out everywhere has ended this session. */
function checkLoaded (state, cb) {
  const { mw, req } = state
  const [err, key] = indexedKey(mw, req)
  if (err) return cb(err)
  if (key === null) return cb(null, false)
  callStore(mw.store, 'userState', [key, req.sessionID], (err, st) => {
    if (err) return cb(err)
    const s = st || {}
    cb(null, native.signedOut(s.since, s.before, Boolean(s.kept)))
  }, mw.storeTimeout)
}

/** After a save or touch: the session (re)indexed under its user, if it has one. `cb()` always. */
function indexSaved (state, cb) {
  const { mw, req } = state
  const [err, key] = indexedKey(mw, req)
  if (err) debug('the user option threw: %s', err && (err.code || err.name))
  if (key === null) return cb()
  const ua = req.headers['user-agent']
  const info = {
    since: state.startedAt,
    lastSeen: Date.now(),
    userAgent: typeof ua === 'string' ? ua.slice(0, 256) : '',
    expires: typeof state.deadline === 'number' ? state.deadline : null
  }
  // A failed index write is safe: a session missing from its user's index is ended by the next
  // sign-out everywhere (the rule's "never indexed" case). So it never fails the response.
  callStore(mw.store, 'indexUser', [key, req.sessionID, info], (err) => {
    if (err) debug('the user index was not updated: %s', err.code)
    cb()
  }, mw.storeTimeout)
}

module.exports = { userKeyOf, checkLoaded, indexSaved, indexes }
