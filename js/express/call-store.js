'use strict'
/**
 * The one guarded path to a store: every store call of the middleware, of `req.session`'s methods and
 * of the Store base class goes through `callStore`. A store may answer through the callback, through
 * a returned Promise, or both; the callback runs exactly once, a throw or a rejection reaches it as
 * an error, and a rejected Promise is always handled (it never becomes an unhandled rejection).
 */

const { kSetRecord, kNative } = require('./symbols')

/**
 * @param {object} store
 * @param {string} method
 * @param {Array} args the arguments before the callback
 * @param {(err?: Error|null, value?: any) => void} cb
 */
function callStore (store, method, args, cb) {
  let done = false
  const once = (err, value) => {
    if (done) return
    done = true
    cb(err, value)
  }
  let result
  try {
    result = store[method](...args, once)
  } catch (err) {
    return once(err)
  }
  if (result && typeof result.then === 'function') {
    result.then((value) => once(null, value), (err) => once(err || new Error('store ' + method + ' failed')))
  }
}

/**
 * Destroys `req`'s record and generates a new session on `req` (`store.generate`, which the
 * middleware sets; it may return a Promise). `cb(err)` gets the destroy's error, or generate's.
 */
function regenerate (store, req, cb) {
  callStore(store, 'destroy', [req.sessionID], (err) => {
    let pending
    try {
      pending = store.generate(req)
    } catch (e) {
      return cb(e)
    }
    if (pending && typeof pending.then === 'function') pending.then(() => cb(err), cb)
    else cb(err)
  })
}

module.exports = { callStore, regenerate }

/** Our MemoryStore takes the record as text, unless someone replaced its set(). */
function takesRecord (store) {
  return typeof store[kSetRecord] === 'function' && store.set && store.set[kNative] === true
}

/**
 * Writes a session: as text to our MemoryStore (with `existing`: only if its record is still there,
 * so a save racing a logout cannot bring the session back), else through the store's `set`.
 * @param {object} store
 * @param {object} sess the Session
 * @param {string} json its record text
 * @param {boolean} existing it was loaded from the store under this id
 * @param {number|undefined|null} deadline when the store may forget it, if known (else read from `json`)
 */
function writeSession (store, sess, json, existing, cb, deadline) {
  if (takesRecord(store)) return store[kSetRecord](sess.id, json, deadline, { existing, empty: isEmpty(sess) }, cb)
  callStore(store, 'set', [sess.id, sess], cb)
}

/** True when a session holds nothing but its cookie: the app never put anything in it. */
function isEmpty (sess) {
  if (!sess || typeof sess !== 'object') return false
  for (const key in sess) {
    if (key !== 'cookie' && Object.prototype.hasOwnProperty.call(sess, key)) return false
  }
  return true
}

module.exports.takesRecord = takesRecord
module.exports.writeSession = writeSession
module.exports.isEmpty = isEmpty
