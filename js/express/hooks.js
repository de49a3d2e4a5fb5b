'use strict'
/**
 * The response hooks: `res.writeHead` runs the flow's response step for the headers (the cookie,
 * the id header, Vary, Cache-Control), `res.end` for the store write, and holds the response until
 * the store has the session. Both are shared functions that find the request's state on `res` (no
 * closures per request). What goes out is the core's answer (../flow/server.js respond).
 */

const debug = require('../debug')('session-core:express')
const { applyWriteHeadHeaders, headerText } = require('../headers')
const { kState } = require('./state')
const { Delta, opsText } = require('./delta')
const { unsaveable } = require('./session')
const { issecure } = require('./request')
const { isEmpty } = require('./call-store')
const events = require('./events')
const users = require('./users')
const checks = require('../checks')
const flow = require('../flow/server')
const native = require('../native')

const A = native.enums()
const I = A.RespondIn
const O = A.RespondOut
const defer = typeof setImmediate === 'function' ? setImmediate : (fn, ...args) => process.nextTick(fn, ...args)
const PHASE = { headers: 0, end: 1, both: 2 }
const idText = (v) => (typeof v === 'string' ? v : null)
const NO_OPS = [null, null]
/** Does an answer ask for a store write? */
const STORE_WRITE = O.Save | O.Merge | O.Touch | O.Destroy

/** The flow's response step for `phase`: the headers it gives are set; returns its answer's bits. */
function decide (state, phase) {
  const { req, res, mw } = state
  const sess = req.session
  // a regenerated id inside the grace window, read-only: the session object the app got
  const readOnly = state.readOnly && (sess === undefined || sess === state.readOnlySession)
  let flags = I.WantRecord
  if (readOnly) flags |= I.ReadOnly
  if (state.storeFailed) flags |= I.StoreFailed
  const json = sess && !readOnly && !state.storeFailed ? JSON.stringify(sess) : null
  const sid = idText(req.sessionID)
  if (req.sessionID !== undefined && sid === null) debug('session ignored because of bogus req.sessionID (%s)', typeof req.sessionID)
  if (issecure(req, mw.trustProxy)) flags |= I.Secure
  if (state.cookieId !== undefined) {
    flags |= I.CookiePresent
    if (state.cookieId === sid) flags |= I.CookieMatches
    if (state.secretIndex > 0) flags |= I.CookieOldSecret
  }
  if (idText(state.originalId) === idText(sess ? sess.id : undefined)) flags |= I.SameOriginalId
  if (state.saved !== null && state.saved === state.original) flags |= I.SavedIsOriginal
  if (state.destroyed) flags |= I.Destroyed
  if (state.touched) flags |= I.Touched
  if (mw.adapter.touches) flags |= I.StoreTouch
  if (state.fromStore) flags |= I.FromStore
  if (state.idHeader !== null) flags |= I.ByHeader
  // a session loaded from a store that merges is written as a delta (with its increments and pushes)
  let ops = NO_OPS
  if (mw.adapter.merges) {
    // a merge's delta text is made when the store asks for it (ours do only when someone wrote
    // meanwhile: they write the record as it is otherwise)
    flags |= I.Merges | I.LazyDelta
    if (phase !== 'headers' && sess && json !== null) ops = opsText(sess)
  }
  state.ops = ops
  const headers = phase !== 'end' && !res.headersSent
  const bits = flow.respond(state.d, state, PHASE[phase], flags, sid, state.original, state.saved, json, ops[0], ops[1],
    state.idHeader, headers ? headerText(res, 'Vary') : null, headers ? headerText(res, 'Cache-Control') : null)
  if (sess && sess.cookie) {
    if (bits & O.Expires) sess.cookie._expires = bits & O.ExpiresNull ? null : new Date(native.num(0))
    if (bits & O.CreatedAt) sess.cookie.createdAt = native.num(1)
    if (bits & O.LastSeen) sess.cookie.lastSeen = native.num(2)
  }
  if (bits & O.Touched) state.touched = true
  if (bits & O.CookieSkipped) {
    debug('not secured: cookie not set')
    checks.atRequest(mw, 'SECURE_ON_HTTP_REQUEST', 'cookie.secure')
  }
  if (headers) {
    if (bits & O.SetCookie) appendSetCookie(res, state.setCookie)
    if (bits & O.IdHeader) res.setHeader(state.idHeader, state.setCookie)
    if (state.vary !== null) res.setHeader('Vary', state.vary)
    if (state.cacheControl !== null) res.setHeader('Cache-Control', state.cacheControl)
  }
  return bits
}

/** The store write the answer asks for (`bits & STORE_WRITE` is non-zero); `cb(err)` when done. */
function storeWrite (state, bits, cb) {
  const { req, mw } = state
  const sess = req.session
  if (bits & (O.Save | O.Merge)) {
    const base = state.saved !== null ? state.saved : state.original
    state.saved = state.record
    if (mw.sizeWarning > 0 && state.saved.length * 3 > mw.sizeWarning) warnIfLarge(state.saved, mw.sizeWarning)
    if (events.channels.save.hasSubscribers) events.sessionEvent('save', sess.id, { size: Buffer.byteLength(state.saved) })
    const ops = state.ops
    const delta = (text, record, deadline, b) => new Delta(text, record, deadline === undefined ? null : deadline, sess, b, ops[0], ops[1])
    // (the request is over: its operations need no settling)
    return flow.write(state.d, state, bits, sess, base, isEmpty(sess), delta, (err) => gone(mw, err, req), cb)
  }
  flow.write(state.d, state, bits, sess, null, false, null, null, cb)
}

/** A merge whose session was gone at write time: the store's 'gone' event (err, req), as before. */
function gone (mw, err, req) {
  const store = mw.rawStore
  if (typeof store.emit === 'function') process.nextTick(() => store.emit('gone', err, req))
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

/** A decision's error as the app gets it: the core's own (with its code), or JSON.stringify's, wrapped. */
function failure (err) {
  return err && typeof err.code === 'string' && (err.code.startsWith('ERR_SESSION_CORE_') || err.code.startsWith('ESESSION')) ? err : unsaveable(err)
}

/** res.writeHead while a session is attached: the headers' step happens here. */
function writeHead (statusCode) {
  const state = this.req[kState]
  if (state.headersDone) return state._writeHead.apply(this, arguments)
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

/** res.end while a session is attached: the flow's step, the store write, then the response goes. */
function end (chunk, encoding, callback) {
  const state = this.req[kState]
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
  if (!this._header && typeof this._implicitHeader === 'function') this._implicitHeader()
  const res = this
  storeWrite(state, bits, (err) => {
    // a failed write reaches next(err), and the response still goes (as express-session does)
    if (err) defer(state.next, err)
    else if (state.mw.user !== null && bits & O.Index) return index(state, () => state._end.call(res, chunk, encoding, callback))
    state._end.call(res, chunk, encoding, callback)
  })
  return this
}

/** The session indexed under its user (the `user` option), when it has one and the store keeps the index. */
function index (state, cb) {
  const { mw, req } = state
  if (!mw.adapter.indexes) return cb()
  let user
  try {
    user = users.userKeyOf(mw, req)
  } catch (e) {
    debug('the user option threw: %s', e && (e.code || e.name))
    return cb()
  }
  if (user === null) return cb()
  flow.index(state.d, state, user, state.startedAt, req.headers['user-agent'], cb)
}

function appendSetCookie (res, value) {
  const prev = res.getHeader('Set-Cookie')
  res.setHeader('Set-Cookie', prev === undefined ? [value] : Array.isArray(prev) ? prev.concat(value) : [prev, value])
}

/** Hooks the response of a request whose state is `state` (found again through `res.req`). */
function hook (res, state) {
  // (Node's responses have res.req; a response built by hand, as some test tools do, gets it
  // here, and one whose req is another object gets the state on that one too)
  if (res.req === undefined || res.req === null) res.req = state.req
  else if (res.req !== state.req) res.req[kState] = state
  state._writeHead = res.writeHead
  state._end = res.end
  res.writeHead = writeHead
  res.end = end
}

module.exports = { hook, storeWrite }
