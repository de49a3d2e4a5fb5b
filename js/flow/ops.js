'use strict'
/**
 * `req.session.increment` / `push` (and session-core/web's, from this one source): each session
 * records, per top-level key, the operations of this request, so a store that merges applies them
 * relative to the value it holds at write time (src/session/delta.rs). No Node built-ins.
 */

// Bookkeeping under a non-enumerable symbol: never in JSON.stringify, for-in, Object.keys or a
// spread of the session.
const kOps = Symbol('session-core.ops')
const MIXED = { kind: 'mixed' } // a key changed by more than one kind of operation: sent as its value

// the data each session was loaded with: beside the session, never on it (no bookkeeping shows
// in a spread of it either)
const loadedData = new WeakMap()

function hidden (obj, key, value) {
  Object.defineProperty(obj, key, { configurable: true, enumerable: false, writable: true, value })
}

/** Remembers the data a session was loaded with (by reference: a key assigned since is seen). */
function setLoaded (sess, data) {
  loadedData.set(sess, data)
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
  const loaded = loadedData.get(sess)
  if (loaded === undefined || loaded === null) return false
  const had = Object.prototype.hasOwnProperty.call(loaded, key) ? loaded[key] : undefined
  return sess[key] !== had
}

function checkKey (key) {
  if (typeof key !== 'string') throw argError('key', 'must be a string')
  if (key === 'cookie') throw argError('key', 'must not be "cookie"')
}

/** A TypeError for a bad argument, `code` ERR_SESSION_CORE_INVALID_<FIELD> (as the core's). */
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
  if (loadedData.has(sess)) {
    const data = {}
    for (const k of Object.keys(sess)) data[k] = sess[k]
    setLoaded(sess, data)
  }
}

module.exports = { increment, push, opsText, settled, setLoaded, argError }
