'use strict'
/**
 * The response hooks: `res.writeHead` decides the cookie, `res.end` decides the store write and
 * holds the response until the store has the session. Both are shared functions that find the
 * request's state on `res` (no closures per request), and both ask the core through one lean call
 * (js/native.js): flags and lengths in, flags, numbers and text out.
 */

const native = require('../native')
const debug = require('../debug')('session-core:express')
const { tag } = require('../debug')
const { applyWriteHeadHeaders } = require('../headers')
const { kState } = require('./state')
const { callStore, takesRecord, writeSession, merges, mergeSession } = require('./call-store')
const { Delta, opsText } = require('./delta')
const { unsaveable } = require('./session')
const { issecure } = require('./request')
const events = require('./events')
const users = require('./users')
const { cacheHeaders, varyOn } = require('../cache')
const checks = require('../checks')

const { IN, OUT } = native
const defer = typeof setImmediate === 'function' ? setImmediate : (fn, ...args) => process.nextTick(fn, ...args)
const PHASE = { headers: 0, end: 1, both: 2 }
const idText = (v) => (typeof v === 'string' ? v : null)

/** One call into the core as the response goes out: cookie, save/touch/destroy, the record. */
function decide (state, phase) {
  const { req, res, mw } = state
  const sess = req.session
  // a regenerated id inside the grace window (served read-only, or refused): no cookie, no store write
  if (state.readOnly && (sess === undefined || sess === state.readOnlySession)) return 0
  // a store call of req.session's failed, and the app has that error: no second write, no cookie
  if (state.storeFailed) return 0
  const json = sess ? JSON.stringify(sess) : null
  const sid = idText(req.sessionID)
  if (req.sessionID !== undefined && sid === null) debug('session ignored because of bogus req.sessionID (%s)', typeof req.sessionID)
  let flags = 0
  if (issecure(req, mw.trustProxy)) flags |= IN.SECURE
  if (state.cookieId !== undefined) {
    flags |= IN.COOKIE_PRESENT
    if (state.cookieId === sid) flags |= IN.COOKIE_MATCHES
    if (state.secretIndex > 0) flags |= IN.COOKIE_OLD_SECRET
  }
  if (idText(state.originalId) === idText(sess ? sess.id : undefined)) flags |= IN.SAME_ORIGINAL_ID
  if (state.saved !== null && state.saved === state.original) flags |= IN.SAVED_IS_ORIGINAL
  if (state.destroyed) flags |= IN.DESTROYED
  if (state.touched) flags |= IN.TOUCHED
  if (mw.storeTouch) flags |= IN.STORE_TOUCH
  if (takesRecord(mw.store)) flags |= IN.WANT_RECORD
  // a session loaded from a store that merges is written as a delta (with its increments and pushes)
  let ops = NO_OPS
  if (phase !== 'headers' && sess && merges(mw.store, state, sess)) {
    flags |= IN.WANT_DELTA
    ops = opsText(sess)
  }
  const bits = native.decide(state.sc, PHASE[phase], Date.now(), flags, sid, state.original, state.saved, json, ops[0], ops[1])
  if (sess && sess.cookie) {
    if (bits & OUT.EXPIRES) sess.cookie._expires = bits & OUT.EXPIRES_NULL ? null : new Date(native.num(0))
    if (bits & OUT.CREATED_AT) sess.cookie.createdAt = native.num(1)
    if (bits & OUT.LAST_SEEN) sess.cookie.lastSeen = native.num(2)
  }
  if (bits & OUT.TOUCHED) state.touched = true
  if (bits & OUT.COOKIE_SKIPPED) {
    debug('not secured: cookie not set')
    checks.atRequest(mw, 'SECURE_ON_HTTP_REQUEST', 'cookie.secure')
  }
  const setCookie = bits & OUT.SET_COOKIE ? native.outA() : null
  state.record = bits & OUT.RECORD ? native.outB() : undefined
  state.deadline = bits & OUT.DEADLINE ? native.num(3) : undefined
  state.delta = bits & OUT.DELTA ? native.outC() : undefined
  if (state.idHeader !== null) {
    if (phase !== 'end' || setCookie !== null) sendIdHeader(state, setCookie)
    return bits
  }
  if (setCookie !== null) appendSetCookie(res, setCookie)
  if (phase !== 'end' && mw.cacheHeaders) cacheHeaders(res, setCookie !== null)
  return bits
}

const NO_OPS = [null, null]

/** A decision's error as the app gets it: the core's own (with its code), or JSON.stringify's, wrapped. */
function failure (err) {
  return err && typeof err.code === 'string' && err.code.startsWith('ERR_SESSION_CORE_') ? err : unsaveable(err)
}

/** Does the decision ask for a store write (save, touch or destroy)? */
const STORE_WRITE = OUT.SAVE | OUT.TOUCH | OUT.DESTROY

/** The store write the decision asks for (`bits & STORE_WRITE` is non-zero); `cb` when done. */
function storeWrite (state, bits, cb) {
  const { req, mw } = state
  const store = mw.store
  const sess = req.session
  const timeout = mw.storeTimeout
  if (bits & OUT.DESTROY) {
    debug('destroying')
    events.sessionEvent('destroy', req.sessionID)
    return callStore(store, 'destroy', [req.sessionID], cb, timeout)
  }
  if (bits & OUT.SAVE) {
    if (debug.enabled) debug('saving %s', tag(sess.id))
    const base = state.saved !== null ? state.saved : state.original
    state.saved = state.record === undefined ? JSON.stringify(sess) : state.record
    if (mw.sizeWarning > 0 && state.saved.length * 3 > mw.sizeWarning) warnIfLarge(state.saved, mw.sizeWarning)
    if (events.channels.save.hasSubscribers) events.sessionEvent('save', sess.id, { size: Buffer.byteLength(state.saved) })
    if (state.delta !== undefined) {
      // only what this request changed, merged into the record as the store has it now
      const delta = new Delta(state.delta, state.saved, state.deadline === undefined ? null : state.deadline, sess, base)
      return mergeSession(store, sess, delta, cb, timeout)
    }
    // a session loaded under this id is only updated: a save racing a destroy() is dropped
    const existing = state.fromStore && state.originalId === sess.id
    return writeSession(store, sess, state.saved, existing, cb, state.deadline, timeout)
  }
  debug('touching')
  events.sessionEvent('touch', req.sessionID)
  callStore(store, 'touch', [req.sessionID, sess], cb, timeout)
}

let warnedLarge = false
/** Warns once per process when a record passes `limit` bytes: sessions should stay lightweight. */
function warnIfLarge (text, limit) {
  if (warnedLarge) return
  const bytes = Buffer.byteLength(text)
  if (bytes <= limit) return
  warnedLarge = true
  process.emitWarning(`a session record of ${bytes} bytes was saved (over recordSizeWarning, ${limit}): keep sessions ` +
    'lightweight (ids and small flags; load the rest per request)', { type: 'SessionCoreWarning', code: 'SESSION_CORE_LARGE_RECORD' })
}

/** res.writeHead while a session is attached: the cookie decision happens here. */
function writeHead (statusCode) {
  const state = this[kState]
  let args
  if (arguments.length === 1) {
    this.statusCode = statusCode
    args = [statusCode]
  } else {
    args = applyWriteHeadHeaders(this, arguments)
  }
  if (!state.headersDone) {
    state.headersDone = true
    try {
      decide(state, 'headers')
    } catch (err) {
      defer(state.next, failure(err))
    }
    if (typeof args[0] === 'number' && this.statusCode !== args[0]) {
      args[0] = this.statusCode
      args.length = 1
    }
  }
  return state._writeHead.apply(this, args)
}

/** res.end while a session is attached: decide, write the store, then let the response go. */
function end (chunk, encoding, callback) {
  const state = this[kState]
  if (state.ended) return false
  state.ended = true
  const phase = state.headersDone ? 'end' : 'both'
  state.headersDone = true
  let bits = 0
  try {
    bits = decide(state, phase)
  } catch (err) {
    if (phase === 'both' && !this.headersSent) {
      // Nothing has gone out yet: fail the request with the error, not a response that lost the session.
      this.writeHead = state._writeHead
      this.end = state._end
      // the headers that described the body that now does not go out
      for (const h of ['Content-Type', 'Content-Length', 'ETag', 'Content-Encoding']) this.removeHeader(h)
      defer(state.next, failure(err))
      return this
    }
    defer(state.next, failure(err))
  }
  if (!(bits & STORE_WRITE)) return state._end.call(this, chunk, encoding, callback)
  // Freeze the headers (nothing reaches the socket yet) and hold the whole response until the
  // store has the session: the next request never reads a stale one (express-session sends the
  // headers first, hence the redirect-before-save race).
  if (!this._header) this._implicitHeader()
  const res = this
  storeWrite(state, bits, (err) => {
    if (err) defer(state.next, err)
    else if (state.mw.user !== null && bits & (OUT.SAVE | OUT.TOUCH)) {
      return users.indexSaved(state, () => state._end.call(res, chunk, encoding, callback))
    }
    state._end.call(res, chunk, encoding, callback)
  })
  return this
}

/**
 * A header request's answer (the header option): the signed id in the id header when the core
 * decided a cookie, never a Set-Cookie; Cache-Control and Vary as the core says
 * (src/session/transport.rs).
 */
function sendIdHeader (state, setCookie) {
  const { res, mw } = state
  const t = native.respond(true, setCookie, mw.name, mw.cacheHeaders)
  if (res.headersSent) return
  if (t.idHeader !== null) res.setHeader(state.idHeader, t.idHeader)
  if (t.noStore) res.setHeader('Cache-Control', 'private, no-store')
  if (t.vary) varyOn(res, state.idHeader)
}

function appendSetCookie (res, value) {
  const prev = res.getHeader('Set-Cookie')
  res.setHeader('Set-Cookie', prev === undefined ? [value] : Array.isArray(prev) ? prev.concat(value) : [prev, value])
}

/** Hooks the response of a request whose state is `state`. */
function hook (res, state) {
  state._writeHead = res.writeHead
  state._end = res.end
  res[kState] = state
  res.writeHead = writeHead
  res.end = end
}

module.exports = { hook }
