'use strict'
/**
 * session-core/express: a drop-in for express-session. Same options, same `req.session` API, same
 * Store interface, same cookies and records. The decisions (is this cookie valid, must this session
 * be saved, which Set-Cookie bytes, when does it expire) are the Rust core's: one call when the
 * session loads, one when the response goes out. This file is Express glue and I/O only.
 */

const native = require('../native')
const api = require('../index.js')
const debug = require('../debug')('session-core:express')
const { tag } = require('../debug')
const { describeOptions } = require('../options')
const Cookie = require('./cookie')
const Session = require('./session')
const Store = require('./store')
const MemoryStore = require('./memory')
const flash = require('./flash')
const { Delta } = require('./delta')
const { kState, RequestState, EMPTY_RECORD, setLoaded } = require('./state')
const { kGetRecord, kNative } = require('./symbols')
const { callStore } = require('./call-store')
const { hook } = require('./hooks')
const { issecure, originalPathname } = require('./request')
const events = require('./events')
const users = require('./users')
const checks = require('../checks')

const { SessionCore, checkExpressOptions } = native.lean()
const { createSession } = Store

/** The default bound of a store call, in ms (the storeTimeout option). */
const STORE_TIMEOUT = 5000
/** The default recordSizeWarning, in bytes. */
const RECORD_SIZE_WARNING = 4096

function session (options) {
  const opts = options || {}
  // Every option is checked by the core, in one place for both session kinds: a TypeError naming
  // the option (`code`, `field`), unknown names refused with a "did you mean".
  const described = describeOptions(opts)
  const coreOptions = checkExpressOptions(described)

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

  // the production checks (src/checks.rs): warned once each, or thrown with checks: 'throw'
  checks.atConstruction('express', opts, described, secret || [], 'secret')

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
    storeTouch: typeof store.touch === 'function',
    // every store call of the middleware and of req.session is bounded (checked by the core)
    storeTimeout: opts.storeTimeout == null ? STORE_TIMEOUT : opts.storeTimeout,
    // the per-user index (js/express/users.js)
    user: typeof opts.user === 'function' ? opts.user : null,
    // a record over this many bytes warns once per process ("keep sessions lightweight")
    sizeWarning: opts.recordSizeWarning == null ? RECORD_SIZE_WARNING : Number(opts.recordSizeWarning) || 0,
    checks: opts.checks,
    cacheHeaders: opts.cacheHeaders !== false
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
    let index = typeof header === 'string' ? native.cookieId(sc, header, false) : -1
    if (index >= 0) {
      state.cookieId = native.outA()
    } else if (req.signedCookies && typeof req.signedCookies[name] === 'string' && req.signedCookies[name]) {
      // verified by cookie-parser, but not by the secret the session signs with (cookie-parser exposes
      // only its first secret as req.secret): an older secret, so the cookie is re-signed
      index = 1
      state.cookieId = req.signedCookies[name]
    } else if (req.cookies && typeof req.cookies[name] === 'string') {
      index = native.cookieId(sc, req.cookies[name], true)
      if (index >= 0) state.cookieId = native.outA()
    }
    if (index >= 0) state.secretIndex = index
    else if (header) {
      debug('no valid session cookie')
      if (events.channels.reject.hasSubscribers && header.indexOf(name + '=') !== -1) events.publish('reject', () => ({ reason: 'bad-signature' }))
    }
    req.sessionID = state.cookieId

    // Hook the response: the cookie when headers go out, the store write before the body ends.
    hook(res, state)

    if (!req.sessionID) {
      debug('no SID sent, generating session')
      return generate(state)
    }
    if (debug.enabled) debug('fetching %s', tag(req.sessionID))
    if (givesRecord(store)) {
      // our MemoryStore also hands over the record's text: no need to serialise it again
      store[kGetRecord](req.sessionID, events.timed('get', state.loaded))
    } else {
      callStore(store, 'get', [req.sessionID], state.loaded, mw.storeTimeout)
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
  events.sessionEvent('create', state.req.sessionID)
  state.next()
}

/** A loaded session that is over (`why`): destroyed in the store, and a new one in its place. */
function discard (state, why) {
  const { req, mw } = state
  debug('session %s ended: %s', events.tagOf(req.sessionID), why)
  events.sessionEvent('reject', req.sessionID, { reason: why })
  state.endedReason = why
  callStore(mw.store, 'destroy', [req.sessionID], (e) => e && debug('destroy failed: %s', e.message), mw.storeTimeout)
  state.original = EMPTY_RECORD
  state.saved = null
  state.fromStore = false
  generate(state)
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
      events.sessionEvent('reject', req.sessionID, { reason: 'not-found' })
      return generate(state)
    }
    if (typeof sess !== 'object' || sess.cookie === null || typeof sess.cookie !== 'object') {
      // Not a session record (a store bug, or a key shared with something else). express-session
      // fails here with a bare TypeError, and its own suite expects that error at next(); this one
      // keeps its wording and says what is wrong, with a code.
      const e = new TypeError("Cannot read properties of the stored session (reading 'cookie'): the store's answer for this id is not a session record (no cookie object)")
      e.code = 'ERR_SESSION_CORE_BAD_RECORD'
      e.status = 500
      return state.next(e)
    }
    createSession(req, sess)
    state.fromStore = true
    state.originalId = req.sessionID
    state.original = typeof json === 'string' ? json : JSON.stringify(req.session)
    if (mw.hasTimeouts) {
      const why = native.ended(state.sc, state.original, Date.now())
      if (why) return discard(state, why)
    }
    if (mw.resaveOff) state.saved = state.original
  } catch (e) {
    // A record that loads but cannot be read back (e.g. data nested deeper than JSON.stringify
    // goes): the session leaves this request and its response, so the app's error handler answers.
    req.session = undefined
    state.res.writeHead = state._writeHead
    state.res.end = state._end
    const err = new Error(`session record is unreadable: ${e && e.message}`)
    err.code = 'ERR_SESSION_CORE_BAD_RECORD'
    err.status = 500
    return state.next(err)
  }
  events.sessionEvent('load', req.sessionID)
  if (mw.user === null) return state.next()
  // a session of a user: not ended by a sign-out everywhere?
  users.checkLoaded(state, (err, signedOut) => {
    if (err) return state.next(err)
    if (signedOut) return discard(state, 'signed-out')
    state.next()
  })
}

/** Our MemoryStore hands over the record's text too, unless someone replaced its get(). */
function givesRecord (store) {
  return typeof store[kGetRecord] === 'function' && store.get && store.get[kNative] === true
}

setLoaded(loaded)

session.Store = Store
session.MemoryStore = MemoryStore
session.Session = Session
session.Cookie = Cookie
session.Delta = Delta
session.csrf = require('./csrf')
session.session = session
session.default = session

module.exports = session
