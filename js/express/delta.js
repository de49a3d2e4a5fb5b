'use strict'
/**
 * What a request changed in its session, per top-level key, for a store that merges
 * (`store.merge(sid, delta, callback)`): two overlapping requests that set different keys both
 * land, and `req.session.increment`/`push` apply relative to the stored value. The core makes the
 * delta and applies it (src/session/delta.rs); this file is the object a store receives and the
 * per-key operations a session records.
 */

const native = require('../native')

/**
 * The delta a store's `merge` receives.
 * - `text`: the wire text (JSON, opaque to stores):
 *   `{"set":{…},"unset":[…],"inc":{…},"push":{…},"cookie":{…}}`, members left out when empty;
 * - `apply(storedText)`: the stored record with the delta applied (throws ERR_SESSION_CORE_BAD_RECORD
 *   when the stored text is not a record);
 * - `record`: the whole record as this request sees it (what a whole-record `set` would write);
 * - `expires`: when the new record may be forgotten (ms since the epoch), or null;
 * - `session`: the Session (for stores that only know `set`);
 * - `base`: the record text the delta was taken against (as loaded or last saved): when the store
 *   still holds exactly this text, `record` is the merged result (no `apply` needed).
 */
class Delta {
  constructor (text, record, expires, session, base) {
    this.text = text
    this.record = record
    this.expires = expires === undefined ? null : expires
    this.session = session
    this.base = base
  }

  apply (storedText) {
    return native.applyDelta(storedText, this.text)
  }
}

/** The error a store answers when the session's record is gone at write time (nothing written). */
function goneError () {
  const err = new Error('session-core: the session was destroyed or expired before this write; nothing was written')
  err.code = 'ESESSION_GONE'
  return err
}

// ---- the per-key operations of req.session.increment / push ----
// (session-core/web uses this block as it is: scripts/build-pkg.sh writes it out as web/ops.js)
// ---- ops: begin ----

// Bookkeeping under symbols, defined non-enumerable: never in JSON.stringify, for-in, Object.keys
// or a spread of the session.
const kOps = Symbol('session-core.ops')
const kLoaded = Symbol('session-core.loaded')
const MIXED = { kind: 'mixed' } // a key changed by more than one kind of operation: sent as its value

function hidden (obj, key, value) {
  Object.defineProperty(obj, key, { configurable: true, enumerable: false, writable: true, value })
}

/** Remembers the data a session was loaded with (by reference: a key assigned since is seen). */
function setLoaded (sess, data) {
  hidden(sess, kLoaded, data)
}

function opsOf (sess) {
  let ops = sess[kOps]
  if (ops === undefined) {
    ops = new Map()
    hidden(sess, kOps, ops)
  }
  return ops
}

/** Was `key` assigned in this request before its first operation? Then the ops cannot be relative. */
function reassigned (sess, key) {
  const loaded = sess[kLoaded]
  if (loaded === undefined || loaded === null) return false
  const had = Object.prototype.hasOwnProperty.call(loaded, key) ? loaded[key] : undefined
  return sess[key] !== had
}

function checkKey (key) {
  if (typeof key !== 'string') throw argError('key', 'must be a string')
  if (key === 'cookie') throw argError('key', 'must not be "cookie"')
}

function argError (field, reason) {
  const err = new TypeError(`argument ${field} ${reason}`)
  err.code = 'ERR_SESSION_CORE_INVALID_' + field.toUpperCase()
  return err
}

/** `req.session.increment(key, by = 1)`: the new local value. */
function increment (sess, key, by) {
  checkKey(key)
  if (by === undefined) by = 1
  if (typeof by !== 'number' || !Number.isFinite(by)) throw argError('by', 'must be a finite number')
  const ops = opsOf(sess)
  const op = ops.get(key)
  const cur = sess[key]
  const value = (typeof cur === 'number' ? cur : 0) + by
  if (op === undefined) {
    ops.set(key, reassigned(sess, key) ? MIXED : { kind: 'inc', n: by, value })
  } else if (op.kind === 'inc' && cur === op.value) {
    op.n += by
    op.value = value
  } else {
    ops.set(key, MIXED)
  }
  sess[key] = value
  return value
}

/** `req.session.push(key, ...items)`: the array's new length. */
function push (sess, key, items) {
  checkKey(key)
  const ops = opsOf(sess)
  const op = ops.get(key)
  let arr = sess[key]
  const fresh = !Array.isArray(arr)
  if (fresh) arr = []
  if (op === undefined) {
    ops.set(key, reassigned(sess, key) ? MIXED : { kind: 'push', arr, from: arr.length, to: 0 })
  } else if (!(op.kind === 'push' && op.arr === arr && arr.length === op.to)) {
    ops.set(key, MIXED)
  }
  for (const item of items) arr.push(item)
  const now = ops.get(key)
  if (now.kind === 'push') now.to = arr.length
  if (fresh) sess[key] = arr
  return arr.length
}

const NONE = [null, null]

/**
 * The session's operations as JSON text for the core: `[inc, push]` (`{"key":n}`,
 * `{"key":[items]}`, or null). An operation whose key was assigned since is left out: that key
 * goes as its value.
 */
function opsText (sess) {
  const ops = sess[kOps]
  if (ops === undefined || ops.size === 0) return NONE
  let inc = ''
  let pushed = ''
  for (const [key, op] of ops) {
    if (op.kind === 'inc' && sess[key] === op.value && Number.isFinite(op.n)) {
      inc += (inc ? ',' : '') + JSON.stringify(key) + ':' + JSON.stringify(op.n)
    } else if (op.kind === 'push' && sess[key] === op.arr && op.arr.length === op.to) {
      pushed += (pushed ? ',' : '') + JSON.stringify(key) + ':' + JSON.stringify(op.arr.slice(op.from))
    }
  }
  return [inc ? '{' + inc + '}' : null, pushed ? '{' + pushed + '}' : null]
}

/** After a write that carried them: the operations are done; later ones count from here. */
function settled (sess) {
  const ops = sess[kOps]
  if (ops !== undefined) ops.clear()
  if (sess[kLoaded] !== undefined) setLoaded(sess, { ...sess })
}
// ---- ops: end ----

module.exports = { Delta, goneError, increment, push, opsText, settled, setLoaded }
