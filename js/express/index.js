'use strict'
/**
 * session-core/express: a drop-in for express-session. Same options, same `req.session` API, same
 * Store interface, same cookies and records. The decisions (is this cookie valid, must this session
 * be saved, which Set-Cookie bytes, when does it expire) are the Rust core's: one call when the
 * session loads, one when the response goes out. This file is Express glue and I/O only.
 */

const { SessionCore, checkExpressOptions } = require('../wasm/session_core.js')
const { describeOptions } = require('../options')
const api = require('../index.js')
const debug = require('../debug')('session-core:express')
const Cookie = require('./cookie')
const Session = require('./session')
const Store = require('./store')
const MemoryStore = require('./memory')
const flash = require('./flash')
const { applyWriteHeadHeaders } = require('../headers')
const { kState, RequestState, EMPTY_RECORD, setLoaded } = require('./state')
const { kGetRecord, kNative } = require('./symbols')
const { callStore, takesRecord, writeSession } = require('./call-store')
const { unsaveable } = Session

const { createSession } = Store
const defer = typeof setImmediate === 'function' ? setImmediate : (fn, ...args) => process.nextTick(fn, ...args)

const PRODUCTION_WARNING = 'Warning: session-core MemoryStore keeps sessions in this process only: they are lost on ' +
  'restart and not shared between processes. Use a persistent store (such as connect-redis) in production.'
let warnedProduction = false

function session (options) {
  const opts = options || {}
  // Every option is checked by the core, in one place for both session kinds: a TypeError naming
  // the option (`code`, `field`), unknown names refused with a "did you mean".
  const coreOptions = checkExpressOptions(describeOptions(opts))

  const cookieOptions = opts.cookie || {}
  const generateId = opts.genid || api.generateSessionId
  const name = opts.name || opts.key || 'connect.sid'
  const store = opts.store || new MemoryStore()
  const trustProxy = opts.proxy == null ? undefined : opts.proxy
  if (opts.resave === undefined) debug('undefined resave option; provide resave option (defaults to true)')
  if (opts.saveUninitialized === undefined) debug('undefined saveUninitialized option; provide saveUninitialized option (defaults to true)')
  const secret = opts.secret == null ? null : [].concat(opts.secret)
  if (!secret) debug('no secret option: using req.secret (from cookie-parser)')

  const cores = new Map() // secret list (by identity of req.secret) -> SessionCore
  const fixedCore = secret ? new SessionCore(coreOptions, secret) : null

  if (process.env.NODE_ENV === 'production' && store instanceof MemoryStore && !warnedProduction) {
    warnedProduction = true
    console.warn(PRODUCTION_WARNING)
  }

  function coreFor (req) {
    if (fixedCore) return fixedCore
    if (!req.secret) return null
    let c = cores.get(req.secret)
    if (!c) {
      c = new SessionCore(coreOptions, [req.secret])
      if (cores.size > 16) cores.clear()
      cores.set(req.secret, c)
    }
    return c
  }

  // store.generate is what express-session's Store#regenerate calls: a new session on req.
  store.generate = function generate (req) {
    const id = generateId(req)
    if (id && typeof id.then === 'function') return id.then((value) => setup(req, value))
    setup(req, id)
  }

  function setup (req, id) {
    req.sessionID = id
    req.session = new Session(req)
    const resolved = typeof cookieOptions === 'function' ? cookieOptions(req) : cookieOptions
    req.session.cookie = new Cookie(resolved)
    // 'auto' is read from the resolved options, so it also works when `cookie` is a function
    // (express-session reads it from the function object and never resolves it).
    if (resolved && (resolved.secure === 'auto' || resolved.sameSite === 'auto')) {
      const isSecure = issecure(req, trustProxy)
      if (resolved.secure === 'auto') req.session.cookie.secure = isSecure
      if (resolved.sameSite === 'auto') req.session.cookie.sameSite = isSecure ? 'none' : 'lax'
    }
  }

  const mw = {
    store,
    trustProxy,
    resaveOff: opts.resave === false,
    hasTimeouts: opts.idleTimeout != null || opts.absoluteTimeout != null,
    storeTouch: typeof store.touch === 'function'
  }
  let storeReady = true
  if (typeof store.on === 'function') {
    store.on('disconnect', () => { storeReady = false })
    store.on('connect', () => { storeReady = true })
  }

  return function session (req, res, next) {
    if (req.session) return next()
    if (!storeReady) {
      debug('store is disconnected')
      return next()
    }
    const resolved = typeof cookieOptions === 'function' ? cookieOptions(req) : cookieOptions
    if (originalPathname(req).indexOf((resolved && resolved.path) || '/') !== 0) {
      debug('pathname mismatch')
      return next()
    }
    const sc = coreFor(req)
    if (!sc) return next(new Error('secret option required for sessions'))

    req.sessionStore = store
    req.flash = flash
    const state = new RequestState(mw, sc, req, res, next)
    req[kState] = state

    // The one call when the session loads: which id does the cookie carry, under which secret?
    const header = req.headers.cookie
    let hit = header ? sc.cookieId(header) : undefined // "<secretIndex>|<id>"
    if (!hit && req.signedCookies && typeof req.signedCookies[name] === 'string' && req.signedCookies[name]) {
      // verified by cookie-parser, but not by the secret the session signs with (cookie-parser exposes
      // only its first secret as req.secret): an older secret, so the cookie is re-signed
      hit = '1|' + req.signedCookies[name]
    }
    if (!hit && req.cookies && typeof req.cookies[name] === 'string') hit = sc.unsignValue(req.cookies[name])
    if (hit) {
      const bar = hit.indexOf('|')
      state.secretIndex = +hit.slice(0, bar)
      state.cookieId = hit.slice(bar + 1)
    } else if (header) {
      debug('no valid session cookie')
    }
    req.sessionID = state.cookieId

    // Hook the response: the cookie when headers go out, the store write before the body ends.
    // The hooks are shared functions that find this request's state on `res`: no closures per request.
    state._writeHead = res.writeHead
    state._end = res.end
    res[kState] = state
    res.writeHead = writeHead
    res.end = end

    if (!req.sessionID) {
      debug('no SID sent, generating session')
      return generate(state)
    }
    debug('fetching %s', req.sessionID)
    if (givesRecord(store)) {
      // our MemoryStore also hands over the record's text: no need to serialise it again
      store[kGetRecord](req.sessionID, state.loaded)
    } else {
      callStore(store, 'get', [req.sessionID], state.loaded)
    }
  }
  return session
}

/** A new session on the request, then on to the app (genid may be async). */
function generate (state) {
  const pending = state.mw.store.generate(state.req)
  if (pending && typeof pending.then === 'function') pending.then(() => generated(state), state.next)
  else generated(state)
}

function generated (state) {
  state.originalId = state.req.sessionID
  state.next()
}

/** The store's answer to get(): inflate the record, or start a new session. */
function loaded (state, err, sess, json) {
  const { req, mw } = state
  if (err && err.code !== 'ENOENT') {
    debug('error %j', err)
    return state.next(err)
  }
  try {
    if (err || !sess) {
      debug('no session found')
      return generate(state)
    }
    createSession(req, sess)
    state.fromStore = true
    state.originalId = req.sessionID
    state.original = typeof json === 'string' ? json : JSON.stringify(req.session)
    if (mw.hasTimeouts) {
      const why = state.sc.ended(state.original, Date.now())
      if (why) {
        debug('session %s ended: %s', req.sessionID, why)
        state.endedReason = why
        callStore(mw.store, 'destroy', [req.sessionID], (e) => e && debug('destroy failed: %s', e.message))
        state.original = EMPTY_RECORD
        return generate(state)
      }
    }
    if (mw.resaveOff) state.saved = state.original
  } catch (e) {
    return state.next(e)
  }
  state.next()
}

/** One call into the core as the response goes out: cookie, save/touch/destroy, the record. */
function decide (state, phase) {
  const { req, res, mw } = state
  const sess = req.session
  const json = sess ? JSON.stringify(sess) : undefined
  const sid = typeof req.sessionID === 'string' ? req.sessionID : null
  if (req.sessionID !== undefined && sid === null) debug('session ignored because of bogus req.sessionID %o', req.sessionID)
  const input = '{"phase":"' + phase + '","now":' + Date.now() + ',"secure":' + issecure(req, mw.trustProxy) +
    ',"cookieId":' + str(state.cookieId) + ',"cookieSecretIndex":' + (state.secretIndex === null ? 'null' : state.secretIndex) +
    ',"sessionId":' + str(sid) + ',"id":' + str(sess ? sess.id : undefined) + ',"originalId":' + str(state.originalId) +
    ',"original":' + state.original + ',"saved":' + (state.saved || 'null') + ',"session":' + (json === undefined ? 'null' : json) +
    ',"destroyed":' + state.destroyed + ',"touched":' + state.touched + ',"storeTouch":' + mw.storeTouch +
    ',"wantRecord":' + takesRecord(mw.store) + '}'
  const out = JSON.parse(state.sc.decide(Buffer.from(input)))
  if (sess && sess.cookie) {
    if (out.expires !== undefined) sess.cookie._expires = out.expires === null ? null : new Date(out.expires)
    if (out.createdAt !== undefined) sess.cookie.createdAt = out.createdAt
    if (out.lastSeen !== undefined) sess.cookie.lastSeen = out.lastSeen
  }
  if (out.touched) state.touched = true
  if (out.cookieSkipped) debug('not secured: cookie not set')
  if (out.setCookie) appendSetCookie(res, out.setCookie)
  return out
}

/** Our MemoryStore hands over the record's text too, unless someone replaced its get(). */
function givesRecord (store) {
  return typeof store[kGetRecord] === 'function' && store.get && store.get[kNative] === true
}

/** The store write the decision asks for, as a function of a callback; null for none. */
function storeOp (state, out) {
  const { req, mw } = state
  const store = mw.store
  const sess = req.session
  if (out.destroy) {
    debug('destroying')
    return (cb) => callStore(store, 'destroy', [req.sessionID], cb)
  }
  if (out.save) {
    debug('saving %s', sess.id)
    state.saved = out.record
    // a session loaded under this id is only updated: a save racing a destroy() is dropped
    const existing = state.fromStore && state.originalId === sess.id
    return (cb) => writeSession(store, sess, out.record, existing, cb, out.deadline)
  }
  if (out.touch) {
    debug('touching')
    return (cb) => callStore(store, 'touch', [req.sessionID, sess], cb)
  }
  return null
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
      defer(state.next, unsaveable(err))
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
  let op = null
  try {
    op = storeOp(state, decide(state, phase))
  } catch (err) {
    if (phase === 'both' && !this.headersSent) {
      // Nothing has gone out yet: fail the request with the error, not a response that lost the session.
      this.writeHead = state._writeHead
      this.end = state._end
      // the headers that described the body that now does not go out
      for (const h of ['Content-Type', 'Content-Length', 'ETag', 'Content-Encoding']) this.removeHeader(h)
      defer(state.next, unsaveable(err))
      return this
    }
    defer(state.next, unsaveable(err))
  }
  if (!op) return state._end.call(this, chunk, encoding, callback)
  // Freeze the headers (nothing reaches the socket yet) and hold the whole response until the
  // store has the session: the next request never reads a stale one (express-session sends the
  // headers first, hence the redirect-before-save race).
  if (!this._header) this._implicitHeader()
  const res = this
  op((err) => {
    if (err) defer(state.next, err)
    state._end.call(res, chunk, encoding, callback)
  })
  return this
}

function str (v) {
  return typeof v === 'string' ? JSON.stringify(v) : 'null'
}

/** Is the request secure: TLS socket, else `X-Forwarded-Proto` (proxy: true) or `req.secure`. */
function issecure (req, trustProxy) {
  if (req.connection && req.connection.encrypted) return true
  if (trustProxy === false) return false
  if (trustProxy !== true) return req.secure === true
  const header = req.headers['x-forwarded-proto'] || ''
  const index = header.indexOf(',')
  const proto = index !== -1 ? header.slice(0, index) : header
  return proto.toLowerCase().trim() === 'https'
}

/** The path of the original request URL (before any mount point). */
function originalPathname (req) {
  const url = req.originalUrl || req.url || ''
  if (url[0] === '/') {
    const cut = url.search(/[?#]/)
    return cut === -1 ? url : url.slice(0, cut)
  }
  try {
    return new URL(url).pathname
  } catch (e) {
    return url.split(/[?#]/)[0] || '/'
  }
}

function appendSetCookie (res, value) {
  const prev = res.getHeader('Set-Cookie') || []
  res.setHeader('Set-Cookie', Array.isArray(prev) ? prev.concat(value) : [prev, value])
}

setLoaded(loaded)

session.Store = Store
session.MemoryStore = MemoryStore
session.Session = Session
session.Cookie = Cookie
session.session = session
session.default = session

module.exports = session
