'use strict'
/**
 * The one guarded path to a store, for every door: a store may answer through the callback, through
 * a returned Promise, or both; the callback runs exactly once, a throw or a rejection reaches it as
 * an error, and a rejected Promise is always handled (it never becomes an unhandled rejection).
 * With a timeout (the `storeTimeout` option), a store that has not answered in time gets the
 * callback an `ESESSIONSTORE_TIMEOUT` error (status 503) and its late answer is ignored.
 * No Node built-ins: session-core/web runs this too.
 */

/** Marks a store's own methods that always answer soon on their own (the MemoryStore: no timer needed for them). */
const kNative = Symbol.for('session-core.native')

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

/** Is `err` a store's failure (a code the store paths give)? */
function isStoreFailure (err) {
  return Boolean(err) && typeof err.code === 'string' && err.code.startsWith('ESESSIONSTORE')
}

/**
 * Calls `store[method](...args, cb)`. `timed`: when given and `timed.on()` says somebody listens,
 * called with (method, ms, error code or null) after each call (the Node doors publish it on
 * diagnostics_channel).
 * @param {object} store
 * @param {string} method
 * @param {Array} args the arguments before the callback
 * @param {(err?: Error|null, value?: any) => void} cb
 * @param {number} [timeout] ms (0 or undefined: none)
 * @param {(method: string, ms: number, code: string|null) => void} [timed]
 */
function callStore (store, method, args, cb, timeout, timed) {
  let done = false
  let timer = null
  const t0 = timed && timed.on() ? performance.now() : 0
  const once = (err, value) => {
    if (done) return
    done = true
    if (timer !== null) clearTimeout(timer)
    err = storeError(err)
    if (t0 !== 0) timed(method, performance.now() - t0, err ? err.code : null)
    cb(err, value)
  }
  // a store's own methods that answer on the next tick, always: no timer for them
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
  } else if (result !== undefined && store[method].length <= args.length) {
    // a synchronous store (it takes no callback and answered with a value)
    once(null, result)
  }
}

module.exports = { callStore, timeoutError, storeError, isStoreFailure, kNative }
