'use strict'
/**
 * CSRF protection for both session kinds: session-bound synchronizer tokens in csurf's format (the
 * core's src/csrf.rs makes and verifies them). `req.csrfToken()` is defined on every request and
 * returns a fresh masked token of the session's one secret (`req.session.csrfSecret`, made on
 * first use); unsafe methods must carry one, read where csurf reads it. A cross-site request
 * (`Sec-Fetch-Site: cross-site`) is refused before the token is looked at, and with `origins` an
 * `Origin` outside the list is too. Every refusal is `next(err)` with `status` 403 and `code`
 * 'EBADCSRFTOKEN' (csurf's), so existing error handlers keep working.
 */
const native = require('./native')
const { describeOptions } = require('./options')
const debug = require('./debug')('session-core:csrf')

const DEFAULT_IGNORE = ['GET', 'HEAD', 'OPTIONS']
/** Set on req by the Express middleware: 'header' for a request whose session id came in the id header. */
const kCarrier = Symbol.for('session-core.carrier')

/** A 403 with csurf's code. */
function refused (message) {
  const err = new Error(message)
  err.status = 403
  err.statusCode = 403
  err.expose = true
  err.code = 'EBADCSRFTOKEN'
  return err
}

/** Where csurf reads the token, in its order. */
function defaultValue (req) {
  return (req.body && req.body._csrf) ||
    (req.query && req.query._csrf) ||
    req.headers['csrf-token'] ||
    req.headers['xsrf-token'] ||
    req.headers['x-csrf-token'] ||
    req.headers['x-xsrf-token']
}

/** `req.csrfToken()`: a fresh token of the session's secret (made and kept on first use). */
function csrfToken () {
  const sess = this.session
  if (!sess || typeof sess !== 'object') {
    const err = new Error('req.csrfToken() needs a session: put the session middleware before csrf()')
    err.code = 'ERR_SESSION_CORE_NO_SESSION'
    throw err
  }
  let secret = sess.csrfSecret
  if (typeof secret !== 'string' || secret === '') secret = sess.csrfSecret = native.csrfSecret()
  return native.csrfToken(secret)
}

/**
 * The middleware. `guard(req)` returns an Error when the request's session cannot hold a secret
 * safely (a client-side session that is neither signed nor encrypted), else undefined.
 */
function makeCsrf (options, guard) {
  const opts = options || {}
  // checked by the core (src/options/csrf.rs): a TypeError naming the option
  native.client().checkCsrfOptions(describeOptions(opts))
  const ignore = new Set((opts.ignoreMethods || DEFAULT_IGNORE).map((m) => m.toUpperCase()))
  const value = opts.value || defaultValue
  const secFetchSite = opts.secFetchSite !== false
  const origins = opts.origins ? new Set(opts.origins.map((o) => o.replace(/\/+$/, '').toLowerCase())) : null

  return function csrf (req, res, next) {
    req.csrfToken = csrfToken
    const bad = guard && guard(req)
    if (bad) return next(bad)
    if (ignore.has(req.method)) return next()
    // the header option: a request that sent the id header and no session cookie carries no ambient
    // credential (the core's carrier rule is its CSRF exemption, src/csrf.rs exempt)
    if (req[kCarrier] === 'header') {
      debug('exempt: the session id came in its header, no session cookie was sent')
      return next()
    }
    if (secFetchSite && req.headers['sec-fetch-site'] === 'cross-site') {
      debug('refused: Sec-Fetch-Site: cross-site')
      return next(refused('cross-site request refused (Sec-Fetch-Site: cross-site)'))
    }
    if (origins !== null) {
      const origin = req.headers.origin
      if (origin !== undefined && !origins.has(String(origin).toLowerCase())) {
        debug('refused: an Origin not in the origins option')
        return next(refused('cross-origin request refused (Origin not allowed)'))
      }
    }
    const sess = req.session
    const secret = sess && typeof sess.csrfSecret === 'string' ? sess.csrfSecret : ''
    const token = value(req)
    if (secret === '' || typeof token !== 'string' || !native.csrfVerify(secret, token)) {
      debug(secret === '' ? 'refused: no session or no secret in it' : typeof token === 'string' ? 'refused: the token does not verify' : 'refused: no token')
      return next(refused('invalid csrf token'))
    }
    next()
  }
}

module.exports = { makeCsrf, refused, defaultValue }
