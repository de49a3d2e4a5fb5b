'use strict'
/**
 * The store calls of the Store base class and of code outside the middleware: the guarded path of
 * ../flow/call-store.js (callback or Promise, exactly once, errors given their code), and
 * express-session's Store#regenerate.
 */

const { callStore, timeoutError } = require('../flow/call-store')

/**
 * Destroys `req`'s record and generates a new session on `req` (`store.generate`, which the
 * middleware sets; it may return a Promise). `cb(err)` gets the destroy's error, or generate's.
 */
function regenerate (store, req, cb, timeout) {
  callStore(store, 'destroy', [req.sessionID], (err) => {
    let pending
    try {
      pending = store.generate(req)
    } catch (e) {
      return cb(e)
    }
    if (pending && typeof pending.then === 'function') pending.then(() => cb(err), cb)
    else cb(err)
  }, timeout)
}

/** True when a session holds nothing but its cookie: the app never put anything in it. */
function isEmpty (sess) {
  if (!sess || typeof sess !== 'object') return false
  for (const key in sess) {
    if (key !== 'cookie' && Object.prototype.hasOwnProperty.call(sess, key)) return false
  }
  return true
}

module.exports = { callStore, regenerate, timeoutError, isEmpty }
