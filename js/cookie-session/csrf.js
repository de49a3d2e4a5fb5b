'use strict'
/**
 * `require('session-core/cookie-session').csrf(options)`: CSRF tokens bound to the client-side
 * session (see ../csrf.js). The secret is kept inside the session cookie, so that cookie must be
 * signed or encrypted: otherwise it is readable and forgeable, and csrf() refuses it (at setup for
 * a cookie-session middleware made before it, at the request for one whose `req.sessionOptions`
 * turned signing off).
 */
const { makeCsrf } = require('../csrf')
const { unprotected } = require('./state')

function misconfigured () {
  const err = new Error('csrf(): the session cookie is neither signed nor encrypted, so its CSRF secret could be read and forged: remove signed: false (or use encrypt: true)')
  err.code = 'ERR_SESSION_CORE_CSRF_UNSIGNED'
  err.status = 500
  return err
}

function guard (req) {
  const so = req.sessionOptions
  if (so && so.signed === false && !so.encrypt) return misconfigured()
}

module.exports = function csrf (options) {
  if (unprotected.count > 0) throw misconfigured()
  return makeCsrf(options, guard)
}
