'use strict'
/**
 * session-core/cookie-parser: a drop-in for cookie-parser. `req.cookies`, `req.signedCookies`
 * (`s:` values verified against the secrets; a bad signature gives `false`), `j:` JSON cookies and
 * `req.secret` (so Express's `res.cookie(name, value, { signed: true })` signs with it). Parsing,
 * verification and the JSON-cookie rule are the Rust core's.
 */

const core = require('../native').client()
const api = require('../index.js')

/** cookie-parser's secret argument: a string, a Buffer, or a list of them (none: no signed cookies). */
function secretList (secret) {
  const secrets = !secret || Array.isArray(secret) ? (secret || []) : [secret]
  for (const s of secrets) {
    if (typeof s !== 'string' && !(s instanceof Uint8Array)) {
      const err = new TypeError('option secret is invalid: expected a string, a Buffer or a list of them')
      throw Object.assign(err, { code: 'ERR_SESSION_CORE_INVALID_SECRET', field: 'secret' })
    }
  }
  return secrets
}

function cookieParser (secret, options) {
  const secrets = secretList(secret)
  return function cookieParser (req, res, next) {
    if (req.cookies) return next()
    const header = req.headers.cookie
    req.secret = secrets[0]
    req.cookies = Object.create(null)
    req.signedCookies = Object.create(null)
    if (!header) return next()
    const pairs = options && options.decode ? JSON.stringify(Object.entries(api.parseCookie(header, options))) : undefined
    const out = JSON.parse(core.readCookies(header, pairs, secrets))
    req.cookies = out.cookies
    if (secrets.length !== 0) req.signedCookies = Object.assign(Object.create(null), out.signed)
    materialize(req.cookies, out.json)
    materialize(req.signedCookies, out.signedJson)
    next()
  }
}

/** Turns the `j:` cookies the core picked out into their JSON values. */
function materialize (obj, names) {
  for (const name of names) {
    try {
      obj[name] = JSON.parse(obj[name].slice(2))
    } catch (e) {
      // the core and JSON.parse disagree only on exotic input: keep the string
    }
  }
}

/** Parses a `j:` cookie value: its JSON value, or undefined. */
function JSONCookie (str) {
  if (typeof str !== 'string' || str.slice(0, 2) !== 'j:') return undefined
  try {
    return JSON.parse(str.slice(2))
  } catch (err) {
    return undefined
  }
}

/** Replaces every `j:` value of `obj` whose JSON is truthy (as cookie-parser's JSONCookies). */
function JSONCookies (obj) {
  for (const key of Object.keys(obj)) {
    if (typeof obj[key] === 'string' && core.isJsonCookie(obj[key])) {
      const val = JSONCookie(obj[key])
      if (val) obj[key] = val
    }
  }
  return obj
}

/** Verifies one `s:` value: the value, `false` for a bad signature, the input when not signed. */
function signedCookie (str, secret) {
  if (typeof str !== 'string') return undefined
  if (str.slice(0, 2) !== 's:') return str
  const secrets = !secret || Array.isArray(secret) ? (secret || []) : [secret]
  if (secrets.length === 0) return false
  return api.unsign(str.slice(2), secrets)
}

/** Moves the signed values of `obj` into a new object, verified (cookie-parser's signedCookies). */
function signedCookies (obj, secret) {
  const ret = Object.create(null)
  for (const key of Object.keys(obj)) {
    const val = obj[key]
    const dec = signedCookie(val, secret)
    if (val !== dec) {
      ret[key] = dec
      delete obj[key]
    }
  }
  return ret
}

module.exports = cookieParser
module.exports.JSONCookie = JSONCookie
module.exports.JSONCookies = JSONCookies
module.exports.signedCookie = signedCookie
module.exports.signedCookies = signedCookies
