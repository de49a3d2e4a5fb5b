'use strict'
/**
 * session-core/cookie-session: a drop-in for cookie-session 2.x (the whole session in a signed
 * cookie, same options, same cookies both ways), plus an encrypted mode (`encrypt: true`: the
 * session sealed with XChaCha20-Poly1305, idle/absolute timeouts inside the seal), a size budget
 * that never loses a session silently, revocable sessions (`notBefore`) and big ones (`compress`,
 * `chunk`). Reading, signing, sealing, the revocation rule and the write decision are the Rust
 * core's; this file is the request/response glue.
 */

const native = require('../native')
const dc = require('node:diagnostics_channel')
const { describeOptions } = require('../options')
const debug = require('../debug')('session-core:cookie-session')
const { onHeaders, headerText } = require('../headers')
const checks = require('../checks')
const { unprotected } = require('./state')
const csrf = require('./csrf')
const redact = require('../redact')
const { commitFields, tooLargeError } = require('../flow/client')

const defer = typeof setImmediate === 'function' ? setImmediate : (fn, ...args) => process.nextTick(fn, ...args)

const { ClientSessionCore, checkCookieSessionOptions } = native.client()
const { LOADED, COMMIT, COMMITTED } = native
// A cookie not taken, published as the Express drop-in publishes its own (docs/stores-and-redis.md: monitoring):
// { reason } in kebab case, the core's reason (`bad signature` -> `bad-signature`).
const rejected = dc.channel('session-core:reject')
const SIGNED_NOT_MIGRATING = 'signed cookie (encrypt is on; set migrateSigned to read it)' // src/client/migrate.rs
let warnedSigned = false
/**
 * encrypt: true without migrateSigned refuses every signed cookie (documented): the first refused in
 * this process is said once, naming the option that reads them (docs/client-sessions.md: moving to encrypted cookies).
 */
function warnSignedRefused () {
  if (warnedSigned) return
  warnedSigned = true
  process.emitWarning('session-core/cookie-session: a signed session cookie was refused and its user given a fresh ' +
    'session: with encrypt: true only sealed cookies are read, so every user holding a signed cookie (from ' +
    'cookie-session, or from this middleware without encrypt) is signed out. To keep them, set migrateSigned: true ' +
    '(or migrateSigned: { keys } with the signing keys) while they move over; this is said once per process',
  { type: 'SessionCoreWarning', code: 'SESSION_CORE_SIGNED_COOKIE_REFUSED' })
}
function publishReject (reason) {
  if (!rejected.hasSubscribers) return
  rejected.publish({ reason: reason === SIGNED_NOT_MIGRATING ? 'signed-not-migrating' : reason.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') })
}

function cookieSession (options) {
  const opts = options || {}
  // Every option is checked by the core, in one place for both session kinds: a TypeError naming
  // the option (`code`, `field`), unknown names refused with a "did you mean".
  const described = describeOptions(opts)
  const coreOptions = checkCookieSessionOptions(described)
  const name = opts.name || 'session'
  const keys = opts.keys != null ? [].concat(opts.keys) : opts.secret != null ? [opts.secret] : []
  // The defaults live on an object the per-request options inherit from (cookie-session writes
  // them onto your options object instead).
  const base = Object.create(opts)
  base.overwrite = opts.overwrite == null ? true : opts.overwrite
  base.httpOnly = opts.httpOnly == null ? true : opts.httpOnly
  base.signed = opts.signed == null ? true : opts.signed
  // util.inspect of req.sessionOptions: the options, keys and secret redacted (js/redact.js)
  redact.define(base, function inspect (depth, options, inspect) {
    const all = {}
    for (const k in this) all[k] = this[k]
    return redact.show('SessionOptions', all, depth, options, inspect)
  })
  // migrateSigned: true | { keys, algorithm } (docs/client-sessions.md: moving to encrypted cookies). Its keys cross
  // beside the options, as the sealing keys do.
  const migrate = opts.migrateSigned
  const migrateKeys = migrate && typeof migrate === 'object' && migrate.keys != null ? [].concat(migrate.keys) : undefined
  const core = new ClientSessionCore(coreOptions, keys, migrateKeys)
  const encrypt = Boolean(opts.encrypt)
  const notBefore = typeof opts.notBefore === 'function' ? opts.notBefore : null
  const chunk = Boolean(opts.chunk)
  if (!base.signed && !encrypt) unprotected.count++ // csrf() refuses such a cookie (./csrf.js)
  // the production checks (src/checks.rs): warned once each, or thrown with checks: 'throw'
  checks.atConstruction('cookie-session', opts, described, keys, opts.keys != null ? 'keys' : 'secret')
  debug('session options %j', { name, signed: base.signed, encrypt })

  return function _cookieSession (req, res, next) {
    let sess // undefined: not accessed; false: unset; else the Session
    let clearSig = false // the request's signature cookie is to be cleared (the core says when)
    let present = 0 // chunk: the session's cookies in the request (the core expires the unused ones)
    let pre // notBefore: the session read (and checked) before next()
    req.sessionOptions = Object.create(base)

    Object.defineProperty(req, 'session', {
      configurable: true,
      enumerable: true,
      get () {
        if (sess) return sess
        if (sess === false) return null
        return (sess = pre || load())
      },
      set (val) {
        if (val == null) {
          if (sess === undefined && !pre) load() // learns whether a left-over .sig is to be expired too
          sess = false
          return val
        }
        if (typeof val === 'object') {
          if (chunk && sess === undefined && !pre) load() // learns which chunk cookies to expire
          sess = Session.create(val, core)
          return sess
        }
        throw new Error('req.session can only be set as null or an object.')
      }
    })

    function load () {
      const header = req.headers.cookie
      const bits = native.clientLoad(core, typeof header === 'string' ? header : '', Date.now())
      clearSig = Boolean(bits & LOADED.CLEAR_SIG)
      present = bits & LOADED.PRESENT ? native.num(4) : 0
      let reason = bits & LOADED.REASON ? native.out(2, false) : undefined
      if (bits & LOADED.MIGRATED) debug('signed session read (migrateSigned): it will be sealed, and %s.sig cleared', name)
      if (bits & LOADED.BODY) {
        const body = native.out(0, true)
        const loaded = {
          body,
          raw: bits & LOADED.RAW ? native.out(1, true) : undefined,
          keyIndex: bits & LOADED.KEY_INDEX ? native.num(0) : undefined,
          createdAt: bits & LOADED.CREATED_AT ? native.num(1) : undefined,
          lastSeen: bits & LOADED.LAST_SEEN ? native.num(2) : undefined,
          issuedAt: bits & LOADED.ISSUED_AT ? native.num(3) : undefined,
          migrated: Boolean(bits & LOADED.MIGRATED)
        }
        try {
          return Session.fromCookie(JSON.parse(body), loaded, core)
        } catch (e) {
          reason = 'not json'
        }
      }
      if (reason !== 'no cookie') {
        debug('new session (%s)', reason)
        publishReject(reason)
        if (reason === SIGNED_NOT_MIGRATING) warnSignedRefused()
      } else debug('new session')
      const fresh = Session.create(undefined, core)
      fresh._ctx.reason = reason
      return fresh
    }

    let committed = false
    const cache = opts.cacheHeaders !== false
    let failed = null // the size error, on its way to next(err) (without onError)
    let held = false // the route's own writes are dropped until next(err) has run

    function commit () {
      if (committed) return
      committed = true
      if (sess === undefined) return cacheHeaders(false) // never accessed
      const ctx = sess ? sess._ctx : {}
      const so = req.sessionOptions
      let bits
      const secureRequest = isSecure(req)
      try {
        const c = commitFields(so, COMMIT)
        let flags = c.flags | COMMIT.ACCESSED
        if (secureRequest) flags |= COMMIT.SECURE
        if (sess === false) flags |= COMMIT.UNSET
        if (sess && ctx._new) flags |= COMMIT.IS_NEW
        if (clearSig) flags |= COMMIT.CLEAR_SIG
        if (ctx.migrated) flags |= COMMIT.MIGRATED
        if (ctx.keyIndex != null) flags |= COMMIT.KEY_INDEX
        if (ctx.createdAt != null) flags |= COMMIT.CREATED_AT
        if (ctx.lastSeen != null) flags |= COMMIT.LAST_SEEN
        if (ctx.issuedAt != null) flags |= COMMIT.ISSUED_AT
        if (present) flags |= COMMIT.PRESENT
        c.now = Date.now()
        c.issuedAt = ctx.issuedAt
        c.present = present
        c.keyIndex = ctx.keyIndex
        c.createdAt = ctx.createdAt
        c.lastSeen = ctx.lastSeen
        c.raw = ctx._val === undefined ? null : ctx._val
        c.original = ctx._json === undefined ? null : ctx._json
        c.session = sess ? JSON.stringify(sess) : null
        bits = native.clientCommit(core, flags, c)
      } catch (e) {
        debug('error saving session %s', e.message)
        return cacheHeaders(false)
      }
      if (bits & COMMITTED.SKIPPED_INSECURE) {
        debug('not secure: the session cookie was not set (secure: true on an insecure request)')
        checks.atRequest(opts, 'SECURE_ON_HTTP_REQUEST', 'secure')
        return cacheHeaders(false)
      }
      if (bits & COMMITTED.TOO_LARGE) {
        const big = [native.out(0, true), native.num(1), native.num(2)]
        cacheHeaders(false)
        return tooLarge(big)
      }
      if (bits & COMMITTED.WROTE) debug('save %s', name)
      const n = native.num(0) // each cookie's name and Set-Cookie value, in turn
      for (let i = 0; i < n; i++) pushCookie(res, native.out(2 * i, true), native.out(2 * i + 1, true), so.overwrite)
      // secure unset is 'auto': behind a TLS proxy Express does not trust, the cookies just sent lack Secure
      if (n > 0 && so.secure === undefined && !secureRequest) checks.autoSecureOverHttp(opts, req, 'secure')
      cacheHeaders(n > 0)
    }

    /** The cache headers, as the core gives them (Vary: Cookie; no-cache="Set-Cookie" with a cookie). */
    function cacheHeaders (setsCookie) {
      if (!cache || res.headersSent) return
      const h = native.cacheHeaders(headerText(res, 'Vary'), headerText(res, 'Cache-Control'), setsCookie)
      if (h.vary !== null) res.setHeader('Vary', h.vary)
      if (h.cacheControl !== null) res.setHeader('Cache-Control', h.cacheControl)
    }

    function tooLarge ([cookieName, size, limit]) {
      const err = tooLargeError(cookieName, size, limit, chunk, Boolean(opts.compress))
      debug(err.message)
      if (opts.onError) {
        opts.onError(err, req, res)
        return
      }
      failed = err
    }

    /**
     * The session did not fit and nothing has gone out: the route's response is dropped (the headers
     * that described its body or redirect with it) and the error goes to next(err), whose handler
     * answers, as for every other error. Writes before that runs are dropped.
     */
    function fail (r) {
      const err = failed
      failed = null
      held = true
      for (const h of ['Content-Type', 'Content-Length', 'ETag', 'Content-Encoding', 'Location']) r.removeHeader(h)
      r.statusCode = err.status
      defer(() => {
        held = false
        next(err)
      })
    }
    const done = (cb) => { if (typeof cb === 'function') process.nextTick(cb) }

    onHeaders(res, function () {
      commit()
      if (failed !== null) {
        // writeHead called by the route: its headers go out now, without the session cookie, and
        // the error still reaches the app (as the Express drop-in does)
        const err = failed
        failed = null
        defer(next, err)
      }
    })
    const _end = res.end
    const _write = res.write
    res.end = function end (chunk, encoding, callback) {
      if (held) {
        done(typeof chunk === 'function' ? chunk : typeof encoding === 'function' ? encoding : callback)
        return this
      }
      if (!this.headersSent) commit()
      if (failed !== null) {
        fail(this)
        return this
      }
      return _end.apply(this, arguments)
    }
    res.write = function write (chunk, encoding, callback) {
      if (held) {
        done(typeof encoding === 'function' ? encoding : callback)
        return true
      }
      if (!this.headersSent) commit()
      if (failed !== null) {
        fail(this)
        done(typeof encoding === 'function' ? encoding : callback)
        return true
      }
      return _write.apply(this, arguments)
    }

    if (notBefore === null) return next()
    // notBefore: the session is read now, and the app's cut-off for it looked up before the app
    // runs (a Promise is awaited; a plain value or a Date keeps the request synchronous).
    const loaded = load()
    if (loaded.isNew) {
      pre = loaded
      return next()
    }
    let cut
    try {
      cut = notBefore(loaded, req)
    } catch (err) {
      return next(err)
    }
    if (cut !== null && typeof cut === 'object' && typeof cut.then === 'function') {
      cut.then((c) => { pre = checked(loaded, c); next() }, (err) => next(err || new Error('notBefore rejected')))
      return
    }
    pre = checked(loaded, cut)
    next()
  }

  /** The session read, or a new one when the core's rule says notBefore revoked it. */
  function checked (loaded, cut) {
    const ms = cut instanceof Date ? cut.getTime() : typeof cut === 'number' ? cut : cut == null ? undefined : NaN
    if (!ClientSessionCore.revoked(loaded._ctx.issuedAt, ms)) return loaded
    debug('new session (revoked: issued at %s, notBefore %s)', loaded._ctx.issuedAt ?? 'no time', ms)
    publishReject('revoked')
    const fresh = Session.create(undefined, core)
    fresh._ctx.reason = 'revoked'
    return fresh
  }
}

/** https, as the `cookies` package sees it: Express's req.protocol, or a TLS socket. */
function isSecure (req) {
  return req.protocol === 'https' || Boolean(req.socket ? req.socket.encrypted : req.connection && req.connection.encrypted)
}

/** Appends a Set-Cookie, first removing earlier ones for the same cookie when `overwrite` is on. */
function pushCookie (res, cookieName, header, overwrite) {
  let headers = res.getHeader('Set-Cookie') || []
  if (typeof headers === 'string') headers = [headers]
  if (overwrite) headers = headers.filter((h) => h.indexOf(cookieName + '=') !== 0)
  headers.push(header)
  res.setHeader('Set-Cookie', headers)
}

/** `req.session`: the data as own properties; isNew, isChanged, isPopulated as cookie-session's. */
function Session (ctx, obj) {
  Object.defineProperty(this, '_ctx', { value: ctx })
  if (obj && typeof obj === 'object') {
    for (const key in obj) {
      if (!(key in this)) this[key] = obj[key]
    }
  }
}

Session.create = function create (obj, core) {
  return new Session({ _new: true, _val: undefined, _json: undefined, core }, obj)
}

Session.fromCookie = function fromCookie (obj, loaded, core) {
  return new Session({
    _new: false,
    _val: loaded.raw,
    _json: loaded.body,
    core,
    keyIndex: loaded.keyIndex,
    migrated: loaded.migrated,
    createdAt: loaded.createdAt,
    lastSeen: loaded.lastSeen,
    issuedAt: loaded.issuedAt
  }, obj)
}

// util.inspect / console.log: the data, csrfSecret redacted; never the cookie's value (js/redact.js)
redact.define(Session.prototype, function inspect (depth, options, inspect) {
  return redact.show('Session', Object.assign({}, this), depth, options, inspect)
})

Object.defineProperty(Session.prototype, 'isChanged', {
  get () {
    const ctx = this._ctx
    return ctx.core.isChanged(ctx._new, ctx._val, ctx._json, JSON.stringify(this))
  }
})

Object.defineProperty(Session.prototype, 'isNew', {
  get () { return this._ctx._new }
})

Object.defineProperty(Session.prototype, 'isPopulated', {
  get () { return Object.keys(this).length > 0 }
})

module.exports = cookieSession
module.exports.cookieSession = cookieSession
module.exports.csrf = csrf
module.exports.default = cookieSession
