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
const { callStore, takesRecord } = require('./call-store')
const { hook } = require('./hooks')
const { issecure, originalPathname } = require('./request')
const events = require('./events')
const users = require('./users')
const checks = require('../checks')
const { hashing } = require('./hashed')
const { kCarrier } = require('./symbols')

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
  // issue 16's options are checked by the build that decides them (the client build: loaded only then)
  if (opts.hashIds != null || opts.regenerateGrace != null || opts.header != null) native.client().checkServerOptions(described)

  const cookieOptions = opts.cookie || {}
  const generateId = opts.genid || api.generateSessionId
  const name = opts.name || opts.key || 'connect.sid'
  const rawStore = opts.store || new MemoryStore()
  // hashIds: the store sees base64url(SHA-256(id)) where it would see an id (./hashed.js)
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
  // `id`: one made already (a regenerate with regenerateGrace makes it first, for its tombstone).
  rawStore.generate = function generate (req, id) {
    if (arguments.length < 2) id = generateId(req)
    if (id && typeof id.then === 'function') return id.then((value) => setup(req, value))
    setup(req, id)
  }

  function setup (req, id) {
    if (hashIds && !(typeof id === 'string' && native.storeKeys(id, true).hashable)) {
      const err = new Error('hashIds needs session ids of at least 22 characters (128 random bits): genid gave a shorter one')
      err.code = 'ERR_SESSION_CORE_SHORT_ID'
      throw err
    }
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
    cacheHeaders: opts.cacheHeaders !== false,
    name,
    // issue 16's options (decided in the core: src/session/{hashed,grace,transport}.rs)
    rawStore,
    newId: generateId,
    hashIds,
    grace: opts.regenerateGrace > 0 ? opts.regenerateGrace : 0,
    header: opts.header || null
  }
  // regenerateGrace holds only on a store whose writes to a loaded session are conditional (written
  // only while its record is there): ours. On any other a request still in flight with the old id
  // writes the old record back with set(), and the old id is writable again after the window.
  if (mw.grace > 0 && !takesRecord(rawStore)) {
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
    if (originalPathname(req).indexOf((resolved && resolved.path) || '/') !== 0) {
      debug('pathname mismatch')
      return next()
    }
    const sc = coreFor(req)
    if (!sc) return next(noSecretError())

    req.sessionStore = store
    req.flash = flash
    const state = new RequestState(mw, sc, req, res, next)
    req[kState] = state

    // The one call when the session loads: which id does the cookie carry, under which secret?
    const header = req.headers.cookie
    // with the header option: a request that sent no session cookie and the id header is a header request
    const idHeader = mw.header === null ? null : headerOf(mw.header, req)
    const carried = idHeader === null ? null : native.carrier(typeof header === 'string' ? header : undefined, name, headerValue(req, idHeader))
    let index = -1
    if (carried !== null && carried.header) {
      state.idHeader = idHeader
      req[kCarrier] = 'header'
      if (carried.id !== null) index = native.cookieId(sc, carried.id, true)
      if (index >= 0) state.cookieId = native.outA()
    } else if ((index = typeof header === 'string' ? native.cookieId(sc, header, false) : -1) >= 0) {
      state.cookieId = native.outA()
    } else if (state.idHeader === null && req.signedCookies && typeof req.signedCookies[name] === 'string' && req.signedCookies[name]) {
      // verified by cookie-parser, but not by the secret the session signs with (cookie-parser exposes
      // only its first secret as req.secret): an older secret, so the cookie is re-signed
      index = 1
      state.cookieId = req.signedCookies[name]
    } else if (state.idHeader === null && req.cookies && typeof req.cookies[name] === 'string') {
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

/** The id header's name for this request (the option, or its function's answer), or null. */
function headerOf (option, req) {
  const h = typeof option === 'function' ? option(req) : option
  return typeof h === 'string' && h !== '' ? h.toLowerCase() : null
}

/** The id header's value as sent (undefined: not sent; a repeated header counts as not sent). */
function headerValue (req, name) {
  const v = req.headers[name]
  return typeof v === 'string' ? v : undefined
}

/** A new session on the request, then on to the app (genid may be async). */
function generate (state) {
  let pending
  try {
    pending = state.mw.store.generate(state.req)
  } catch (e) {
    return state.next(e)
  }
  if (pending && typeof pending.then === 'function') pending.then(() => generated(state), state.next)
  else generated(state)
}

/**
 * Not found under its key: with hashIds, the plain id is tried once (a record from before the option,
 * moved to its key); with regenerateGrace, the tombstone a regenerate left. True when a lookup is on its way.
 */
function lookFurther (state) {
  const { mw, req } = state
  if (state.lookup === 0 && (mw.hashIds || mw.grace > 0)) state.keys = native.storeKeys(req.sessionID, mw.hashIds)
  if (state.lookup === 0 && mw.hashIds && state.keys.legacy !== null) {
    state.lookup = 1
    callStore(mw.rawStore, 'get', [state.keys.legacy], (err, sess) => migrate(state, err, sess), mw.storeTimeout)
    return true
  }
  if (state.lookup <= 1 && mw.grace > 0) {
    state.lookup = 2
    callStore(mw.rawStore, 'get', [state.keys.grace], (err, tomb) => graced(state, err, tomb), mw.storeTimeout)
    return true
  }
  return false
}

/** A record under the plain id (written before hashIds): moved to its key, then loaded. */
function migrate (state, err, sess) {
  if (err || !sess || typeof sess !== 'object') return loaded(state, err, undefined)
  const { mw, req } = state
  debug('moving session %s to its hashed key', events.tagOf(req.sessionID))
  const legacy = state.keys.legacy
  let json
  try {
    json = JSON.stringify(sess)
  } catch (e) {
    return loaded(state, null, sess)
  }
  callStore(mw.rawStore, 'set', [state.keys.key, JSON.parse(json)], (e) => {
    if (e) return state.next(e)
    callStore(mw.rawStore, 'destroy', [legacy], (e2) => e2 && debug('the plain-id record was not removed: %s', e2.code), mw.storeTimeout)
    loaded(state, null, sess, json)
  }, mw.storeTimeout)
}

/** The tombstone of a regenerated id (or none): the core says read-only, conflict, or over. */
function graced (state, err, tomb) {
  if (err || !tomb || typeof tomb !== 'object') return loaded(state, err, undefined)
  const { req, mw } = state
  let json
  try {
    json = JSON.stringify(tomb)
  } catch (e) {
    return loaded(state, null, undefined)
  }
  const rule = native.grace(json, req.method, Date.now(), mw.grace)
  if (rule === 'over') return loaded(state, null, undefined)
  // the session the regenerate made: when it is over (a logout, a sign-out everywhere, a timeout),
  // so is this window (tombstones from before successors were kept end with their time only)
  const next = tomb.cookie && typeof tomb.cookie === 'object' ? tomb.cookie.successor : undefined
  if (typeof next !== 'string' || next === '') return graceHolds(state, tomb, rule)
  callStore(mw.rawStore, 'get', [next], (e, sess) => {
    if (e) return loaded(state, e, undefined)
    let text = null
    try {
      text = sess && typeof sess === 'object' && sess.cookie && typeof sess.cookie === 'object' ? JSON.stringify(sess) : null
    } catch (x) {}
    if (text === null || native.ended(state.sc, text, Date.now())) return loaded(state, null, undefined)
    graceHolds(state, tomb, rule)
  }, mw.storeTimeout)
}

/** A tombstone inside its window, its successor live: read-only, or refused (409). */
function graceHolds (state, tomb, rule) {
  const { req } = state
  // read-only or refused: nothing of this request reaches the cookie or the store
  state.readOnly = true
  if (rule === 'conflict') {
    debug('unsafe request with a regenerated session id: 409')
    events.sessionEvent('reject', req.sessionID, { reason: 'regenerated' })
    return state.next(Session.regeneratedError())
  }
  if (tomb.cookie && typeof tomb.cookie === 'object') {
    delete tomb.cookie.regenerated
    delete tomb.cookie.successor // the new session's key is never handed to the old id
  }
  try {
    createSession(req, tomb)
  } catch (e) {
    state.readOnly = false
    return loaded(state, null, undefined)
  }
  state.readOnlySession = req.session
  debug('regenerated session %s served read-only', events.tagOf(req.sessionID))
  state.next()
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
  callStore(mw.store, 'destroy', [req.sessionID], (e) => e && debug('destroy failed: %s', e.code), mw.storeTimeout)
  state.original = EMPTY_RECORD
  state.saved = null
  state.fromStore = false
  generate(state)
}

/** The store's answer to get(): inflate the record, or start a new session. */
function loaded (state, err, sess, json) {
  const { req, mw } = state
  if (err && err.code !== 'ENOENT') {
    debug('store error %s', err && err.code)
    return state.next(err)
  }
  try {
    // a tombstone (cookie.regenerated, src/session/grace.rs) is never a live session, whatever its key
    if (sess && sess.cookie && typeof sess.cookie === 'object' && sess.cookie.regenerated !== undefined && state.lookup !== 2) sess = undefined
    if (err || !sess) {
      if (lookFurther(state)) return
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

/** A store's name for a message: its class, never its contents. */
function storeName (store) {
  const c = store && store.constructor
  return c && typeof c.name === 'string' && c.name !== '' && c !== Object ? c.name : 'a plain object'
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
