'use strict'
/**
 * session-core/express: a drop-in for express-session. Same options, same `req.session` API, same
 * Store interface, same cookies and records. The request's flow is the Rust core's
 * (src/flow/server.rs, driven by ../flow/server.js): which id the request carries, which key holds
 * its record, whether that record is a session, over, read-only or refused, and at the response
 * which cookie and headers go out and what the store writes. This file is Express glue and I/O:
 * it reads the request, asks the app what only the app knows (genid, cookie(req), header(req),
 * user(req), cookie-parser's req.secret), calls the store and hooks the response.
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
const { kState, RequestState } = require('./state')
const { hook } = require('./hooks')
const { issecure } = require('./request')
const events = require('./events')
const users = require('./users')
const checks = require('../checks')
const { hashing } = require('./hashed')
const { kCarrier } = require('./symbols')
const flow = require('../flow/server')
const { expressStore } = require('../flow/stores')

const { SessionCore, checkExpressOptions } = native.lean()
const A = native.enums()
const { createSession } = Session

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
  const rawStore = opts.store || new MemoryStore()
  // hashIds: the app's store calls (req.sessionStore) see base64url(SHA-256(id)) where they would
  // see an id (./hashed.js); the middleware's own calls get their keys from the core
  const hashIds = opts.hashIds === true
  const store = hashIds ? hashing(rawStore) : rawStore
  const trustProxy = opts.proxy == null ? undefined : opts.proxy
  if (opts.resave === undefined) debug('undefined resave option; provide resave option (defaults to true)')
  if (opts.saveUninitialized === undefined) debug('undefined saveUninitialized option; provide saveUninitialized option (defaults to true)')
  const secret = opts.secret == null ? null : [].concat(opts.secret)
  if (!secret) {
    debug('no secret option: using req.secret (from cookie-parser)')
    warnNoSecret()
  }

  // the production checks (src/checks.rs): warned once each, or thrown with checks: 'throw'
  checks.atConstruction('express', opts, described, secret || [], 'secret')

  const storeTimeout = opts.storeTimeout == null ? STORE_TIMEOUT : opts.storeTimeout
  const adapter = expressStore(rawStore, storeTimeout, events.timingHook())
  const doors = new Map() // secret list (by identity of req.secret) -> the door of that SessionCore
  const door = (sc) => ({ x: native, A, sc, store: adapter, emit: events.sessionEvent, debug, tag })
  const fixedDoor = secret ? door(new SessionCore(coreOptions, secret)) : null

  function doorFor (req) {
    if (fixedDoor) return fixedDoor
    if (!req.secret) return null
    let d = doors.get(req.secret)
    if (!d) {
      d = door(new SessionCore(coreOptions, [req.secret]))
      if (doors.size > 16) doors.clear()
      doors.set(req.secret, d)
    }
    return d
  }

  // store.generate is what express-session's Store#regenerate calls: a new session on req.
  // `id`: one made already (a regenerate makes it first, for its tombstone).
  rawStore.generate = function generate (req, id) {
    if (arguments.length < 2) id = generateId(req)
    if (id && typeof id.then === 'function') return id.then((value) => setup(req, value))
    setup(req, id)
  }

  function setup (req, id) {
    const state = req[kState]
    // refused by the core: too short for hashIds, too long for any cookie
    if (state && typeof id === 'string') flow.generated(state.d, id)
    else if (hashIds) flow.generated(doorFor(req) || fixedDoor, id)
    req.sessionID = id
    req.session = new Session(req)
    const resolved = typeof cookieOptions === 'function' ? cookieOptions(req) : cookieOptions
    req.session.cookie = new Cookie(resolved)
    // 'auto' is read from the resolved options, so it also works when `cookie` is a function
    // (express-session reads it from the function object and never resolves it).
    if (resolved && (resolved.secure === 'auto' || resolved.sameSite === 'auto')) {
      const isSecure = issecure(req, trustProxy)
      if (resolved.secure === 'auto') {
        req.session.cookie.secure = isSecure
        // Express's trust proxy decides (proxy unset): a TLS proxy it does not trust means no Secure
        if (!isSecure && trustProxy === undefined) checks.autoSecureOverHttp(opts, req, 'cookie.secure')
      }
      if (resolved.sameSite === 'auto') req.session.cookie.sameSite = isSecure ? 'none' : 'lax'
    }
  }

  const mw = {
    store,
    rawStore,
    adapter,
    trustProxy,
    newId: generateId,
    resaveOff: opts.resave === false,
    // every store call of the middleware and of req.session is bounded (checked by the core)
    storeTimeout,
    // the per-user index (js/express/users.js)
    user: typeof opts.user === 'function' ? opts.user : null,
    // a record over this many bytes warns once per process ("keep sessions lightweight")
    sizeWarning: opts.recordSizeWarning == null ? RECORD_SIZE_WARNING : Number(opts.recordSizeWarning) || 0,
    checks: opts.checks,
    name,
    header: opts.header || null,
    Delta
  }
  // regenerateGrace holds only on a store whose writes to a loaded session are conditional (written
  // only while its record is there): ours. On any other a request still in flight with the old id
  // writes the old record back with set(), and the old id is writable again after the window.
  if (opts.regenerateGrace > 0 && !adapter.takesRecord) {
    process.emitWarning(`regenerateGrace is on with a store (${storeName(rawStore)}) whose set() writes unconditionally: a request ` +
      'still in flight with the pre-login id can write the old session back, and that id stays usable; use the MemoryStore or ' +
      'session-core/redis (conditional writes), or leave regenerateGrace off', { type: 'SessionCoreWarning', code: 'SESSION_CORE_GRACE_STORE' })
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
    const cookiePath = (resolved && resolved.path) || '/'
    // the request's target as sent (before any mount point): the core reads its path
    const target = req.originalUrl || req.url || '/'
    const d = doorFor(req)
    if (!d) {
      // off the cookie's path no secret is needed: express-session checks the path first
      if (!native.pathMatches(target, cookiePath)) {
        debug('pathname mismatch')
        return next()
      }
      return next(noSecretError())
    }

    const state = new RequestState(mw, d, req, res, next)
    // The first step: which id the request carries (cookie, or the id header), under which secret.
    const header = req.headers.cookie
    // with the header option: a request that sent no session cookie and the id header is a header request
    const idHeader = mw.header === null ? null : headerOf(mw.header, req)
    const kind = flow.begin(d, state, typeof header === 'string' ? header : null, idHeader === null ? null : headerValue(req, idHeader),
      parsed(req.signedCookies, name), parsed(req.cookies, name), target, cookiePath)
    if (kind === flow.SKIP) return next()

    req.sessionStore = store
    req.flash = flash
    req[kState] = state
    if (state.byHeader) {
      state.idHeader = idHeader
      req[kCarrier] = 'header'
    }
    req.sessionID = kind === flow.LOAD ? state.id : undefined
    state.cookieId = req.sessionID

    // Hook the response: the cookie when headers go out, the store write before the body ends.
    hook(res, state)

    if (kind === flow.NEW) {
      debug('no SID sent, generating session')
      return generate(state)
    }
    flow.load(d, state, req.method, loaded)
  }
}

/** cookie-parser's value of the session cookie, when it parsed one (a string), else null. */
function parsed (jar, name) {
  if (!jar) return null
  const v = jar[name]
  return typeof v === 'string' ? v : null
}

/** The id header's name for this request (the option, or its function's answer), or null. */
function headerOf (option, req) {
  const h = typeof option === 'function' ? option(req) : option
  return typeof h === 'string' && h !== '' ? h.toLowerCase() : null
}

/** The id header's value as sent (null: not sent; a repeated header counts as not sent). */
function headerValue (req, name) {
  const v = req.headers[name]
  return typeof v === 'string' ? v : null
}

/** A new session on the request, then on to the app (genid may be async). */
function generate (state) {
  let pending
  try {
    pending = state.mw.rawStore.generate(state.req)
  } catch (e) {
    return state.next(e)
  }
  if (pending && typeof pending.then === 'function') pending.then(() => generated(state), state.next)
  else generated(state)
}

function generated (state) {
  state.originalId = state.req.sessionID
  state.original = EMPTY_RECORD
  events.sessionEvent('create', state.req.sessionID)
  state.next()
}

const EMPTY_RECORD = '{}'

/** The flow's answer to the session's load (see ../flow/server.js load): one function for every request. */
function loaded (state, err, kind) {
  const { req, mw } = state
  if (err) return state.next(err)
  if (kind === flow.NEW) {
    state.original = EMPTY_RECORD
    state.saved = null
    state.fromStore = false
    return generate(state)
  }
  try {
    createSession(req, state.obj !== null ? state.obj : JSON.parse(state.text))
  } catch (e) {
    // A record that loads but cannot be read back (e.g. data nested deeper than JSON.stringify
    // goes): the session leaves this request and its response, so the app's error handler answers.
    req.session = undefined
    state.unhook()
    const error = new Error(`session record is unreadable: ${e && e.message}`)
    error.code = 'ERR_SESSION_CORE_BAD_RECORD'
    error.status = 500
    return state.next(error)
  }
  state.originalId = req.sessionID
  state.original = state.text
  state.obj = null
  if (kind === flow.READ_ONLY) {
    state.readOnlySession = req.session
    return state.next()
  }
  state.fromStore = true
  if (mw.resaveOff) state.saved = state.original
  events.sessionEvent('load', req.sessionID)
  if (mw.user === null || !mw.adapter.indexes) return state.next()
  // a session of a user: not ended by a sign-out everywhere?
  let user
  try {
    user = users.userKeyOf(mw, req)
  } catch (e) {
    return state.next(e)
  }
  if (user === null) return state.next()
  flow.checkUser(state.d, state, user, (state, e, k) => {
    if (e) return state.next(e)
    if (k === flow.NEW) {
      state.original = EMPTY_RECORD
      state.saved = null
      state.fromStore = false
      return generate(state)
    }
    state.next()
  })
}

let warnedNoSecret = false
/** Once per process: a middleware made without `secret` (an unset environment variable, often). */
function warnNoSecret () {
  if (warnedNoSecret) return
  warnedNoSecret = true
  process.emitWarning('session() was made without a secret option: every request then needs req.secret from cookie-parser ' +
    '(app.use(cookieParser(secret)) before it), and fails with ERR_SESSION_CORE_NO_SECRET without one; if the secret comes ' +
    'from the environment (secret: process.env.SESSION_SECRET), the variable is unset', { type: 'SessionCoreWarning', code: 'SESSION_CORE_NO_SECRET' })
}

/** A request with neither a `secret` option nor cookie-parser's `req.secret` (express-session's wording). */
function noSecretError () {
  const err = new Error('secret option required for sessions')
  err.code = 'ERR_SESSION_CORE_NO_SECRET'
  err.status = 500
  return err
}

/** A store's name for a message: its class, never its contents. */
function storeName (store) {
  const c = store && store.constructor
  return c && typeof c.name === 'string' && c.name !== '' && c !== Object ? c.name : 'a plain object'
}

session.Store = Store
session.MemoryStore = MemoryStore
session.Session = Session
session.Cookie = Cookie
session.Delta = Delta
session.csrf = require('./csrf')
session.session = session
session.default = session

module.exports = session
