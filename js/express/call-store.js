'use strict'
/**
 * The one guarded path to a store: every store call of the middleware, of `req.session`'s methods and
 * of the Store base class goes through `callStore`. A store may answer through the callback, through
 * a returned Promise, or both; the callback runs exactly once, a throw or a rejection reaches it as
 * an error, and a rejected Promise is always handled (it never becomes an unhandled rejection).
 * With a timeout (the middleware's `storeTimeout`), a store that has not answered in time gets the
 * callback an `ESESSIONSTORE_TIMEOUT` error (status 503) and its late answer is ignored.
 */

const { kSetRecord, kNative } = require('./symbols')
const { settled } = require('./delta')
const debug = require('../debug')('session-core:express')
const events = require('./events')
const { tag } = require('../debug')

/** The error of a store call that did not answer within `ms`. */
function timeoutError (method, ms) {
  const err = new Error(`session store did not answer ${method}() within ${ms} ms (storeTimeout)`)
  err.code = 'ESESSIONSTORE_TIMEOUT'
  err.status = 503
  return err
}

/**
 * A store's own error, given the documented code when it has none: `ESESSIONSTORE_UNAVAILABLE`
 * (the store threw, rejected or called back with an error). Its message and status stay the store's.
 */
function storeError (err) {
  if (err && typeof err === 'object' && err.code === undefined) {
    try {
      err.code = 'ESESSIONSTORE_UNAVAILABLE'
    } catch (e) {} // a frozen error keeps what it has
  }
  return err
}

/**
 * @param {object} store
 * @param {string} method
 * @param {Array} args the arguments before the callback
 * @param {(err?: Error|null, value?: any) => void} cb
 */
function callStore (store, method, args, cb, timeout) {
  let done = false
  let timer = null
  const t0 = events.timingStore() ? performance.now() : 0
  const once = (err, value) => {
    if (done) return
    done = true
    if (timer !== null) clearTimeout(timer)
    err = storeError(err)
    if (t0 !== 0) events.publish('store', () => ({ method, duration: performance.now() - t0, error: err ? err.code : null }))
    cb(err, value)
  }
  // our MemoryStore answers on the next tick, always: no timer for it
  if (timeout > 0 && !(store[method] && store[method][kNative] === true)) {
    timer = setTimeout(() => once(timeoutError(method, timeout)), timeout)
    if (typeof timer.unref === 'function') timer.unref()
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
 * middleware sets; it may return a Promise), under `id` when one was made already. `cb(err)` gets
 * the destroy's error, or generate's.
 */
function regenerate (store, req, cb, timeout, id) {
  callStore(store, 'destroy', [req.sessionID], (err) => {
    let pending
    try {
      pending = id === undefined ? store.generate(req) : store.generate(req, id)
    } catch (e) {
      return cb(e)
    }
    if (pending && typeof pending.then === 'function') pending.then(() => cb(err), cb)
    else cb(err)
  }, timeout)
}

module.exports = { callStore, regenerate, timeoutError }

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
function writeSession (store, sess, json, existing, cb, deadline, timeout) {
  if (takesRecord(store)) return store[kSetRecord](sess.id, json, deadline, { existing, empty: isEmpty(sess) }, events.timed('set', cb))
  callStore(store, 'set', [sess.id, sess], cb, timeout)
}

/**
 * Can this session be written as a delta? Loaded from a store that merges, under the same id. Our
 * MemoryStore's own merge is used only while its own set is in place: code that replaced set (to
 * watch or redirect the writes, as express-session's tests do) gets its set called, as before.
 */
function merges (store, state, sess) {
  if (!(state && state.fromStore && state.originalId === sess.id)) return false
  const merge = store.merge
  if (typeof merge !== 'function') return false
  return merge[kNative] !== true || (typeof store.set === 'function' && store.set[kNative] === true)
}

/**
 * Writes a delta through `store.merge`. A session gone at write time (`ESESSION_GONE`: a logout or
 * an expiry won) is not an error of the request: nothing is revived, `cb()` gets no error, and the
 * store emits `'gone'` (err, req) for whoever wants to know. On success the session's operations
 * are done.
 */
function mergeSession (store, sess, delta, cb, timeout) {
  callStore(store, 'merge', [sess.id, delta], (err) => {
    if (err && err.code === 'ESESSION_GONE') {
      if (debug.enabled) debug('session %s was destroyed or expired meanwhile: not written back', tag(sess.id))
      cb()
      if (typeof store.emit === 'function') process.nextTick(() => store.emit('gone', err, sess.req))
      return
    }
    if (!err) settled(sess)
    cb(err)
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

module.exports.takesRecord = takesRecord
module.exports.writeSession = writeSession
module.exports.merges = merges
module.exports.mergeSession = mergeSession
module.exports.isEmpty = isEmpty
