'use strict'
/**
 * session-core: the public JS API over the wasm core (loaded synchronously).
 * Names and option objects follow `cookie@0.7` (parse/serialize) and `cookie-signature`
 * (sign/unsign), so code written for those packages keeps working.
 */

const native = require('./native')

// the build the helpers use (see js/native.js): the first one this process loaded
const core = { sign: (v, s) => native.helpers().sign(v, s), unsign: (v, s) => native.helpers().unsign(v, s), generateSessionId: () => native.helpers().generateSessionId() }

/**
 * Signs `val` with `secret`: `val + '.' + base64(HMAC-SHA256(secret, val))`, padding removed.
 * @param {string} val
 * @param {string|Buffer|Uint8Array} secret
 * @returns {string}
 */
function sign (val, secret) {
  if (typeof val !== 'string') throw new TypeError('Cookie value must be provided as a string.')
  if (secret == null) throw new TypeError('Secret key must be provided.')
  const slot = typeof secret === 'string' ? native.slotForOne(secret) : -1
  return slot >= 0 ? native.signSlot(slot, val) : core.sign(val, secret)
}

/**
 * Verifies `input` against a secret or a list of secrets (tried in order).
 * @param {string} input
 * @param {string|Buffer|Array<string|Buffer>} secretOrSecrets
 * @returns {{ value: string, secretIndex: number } | false}
 */
function verify (input, secretOrSecrets) {
  if (typeof input !== 'string') throw new TypeError('Signed cookie string must be provided.')
  if (secretOrSecrets == null) throw new TypeError('Secret key must be provided.')
  const secrets = Array.isArray(secretOrSecrets) ? secretOrSecrets : [secretOrSecrets]
  const slot = secrets.length === 1 && typeof secrets[0] === 'string' ? native.slotForOne(secrets[0]) : native.slotFor(secrets)
  if (slot >= 0) {
    const index = native.unsignSlot(slot, input)
    return index < 0 ? false : { value: native.out(0, true), secretIndex: index }
  }
  const hit = core.unsign(input, secrets)
  return hit === undefined ? false : { value: hit[0], secretIndex: hit[1] }
}

/**
 * `cookie-signature`'s unsign: the value, or `false` when no secret verifies it.
 * @param {string} input
 * @param {string|Buffer|Array<string|Buffer>} secretOrSecrets
 * @returns {string|false}
 */
function unsign (input, secretOrSecrets) {
  const hit = verify(input, secretOrSecrets)
  return hit && hit.value
}

/**
 * `cookie@0.7`'s parse: a `Cookie` header to an object. Never throws on a string.
 * @param {string} str
 * @param {{ decode?: (s: string) => string }} [options]
 * @returns {Record<string, string>}
 */
function parseCookie (str, options) {
  if (typeof str !== 'string') throw new TypeError('argument str must be a string')
  const decode = options && options.decode
  if (!decode) return native.parseCookie(str, true)
  const obj = native.parseCookie(str, false)
  for (const key of Object.keys(obj)) {
    const raw = obj[key]
    try { obj[key] = decode(raw) } catch (e) { obj[key] = raw }
  }
  return obj
}

const isDate = (v) => Object.prototype.toString.call(v) === '[object Date]'

/**
 * `cookie@0.7`'s serialize: a `Set-Cookie` header value.
 * @param {string} name
 * @param {string} val
 * @param {import('./index').SerializeOptions} [opt]
 * @returns {string}
 */
function serializeCookie (name, val, opt) {
  const o = opt || {}
  let raw = false
  let value = val
  if (o.encode !== undefined && o.encode !== null) {
    if (typeof o.encode !== 'function') throw new TypeError('option encode is invalid')
    value = o.encode(val)
    raw = true
  }
  value = String(value)
  const str = (x) => (x ? String(x) : null)
  const S = native.SERIALIZE
  let flags = raw ? S.RAW : 0
  if (o.httpOnly) flags |= S.HTTP_ONLY
  if (o.secure) flags |= S.SECURE
  if (o.partitioned) flags |= S.PARTITIONED
  if (o.maxAge != null) flags |= S.MAX_AGE
  if (o.expires) flags |= S.EXPIRES
  const sameSite = !o.sameSite ? null : typeof o.sameSite === 'string' ? o.sameSite : o.sameSite === true ? 'strict' : '!'
  return native.serializeCookie(
    flags,
    o.maxAge == null ? 0 : +o.maxAge,
    !o.expires ? 0 : isDate(o.expires) ? o.expires.valueOf() : NaN,
    String(name),
    value,
    str(o.domain),
    str(o.path),
    o.priority ? (typeof o.priority === 'string' ? o.priority : '!') : null,
    sameSite
  )
}

/**
 * A new session id: 24 random bytes (crypto.getRandomValues), base64url, 32 characters.
 * @returns {string}
 */
function generateSessionId () {
  return core.generateSessionId()
}

/** A bad argument, shaped as the core's errors: a TypeError naming the option, with `code` and `field`. */
function invalid (field, reason) {
  const err = new TypeError(`option ${field} is invalid: ${reason}`)
  err.code = 'ERR_SESSION_CORE_INVALID_' + field.toUpperCase()
  err.field = field
  return err
}

/** Bytes (a Buffer or any typed array) in the core's JSON form: an array of integers 0-255. */
const bytes = (v) => Array.from(new Uint8Array(v.buffer, v.byteOffset, v.byteLength))
/** A secret, or a list of them, each a string or bytes. The core checks the shapes. */
const secretList = (v) => ArrayBuffer.isView(v) ? [bytes(v)] : Array.isArray(v) ? v.map((s) => ArrayBuffer.isView(s) ? bytes(s) : s) : v

/** The options of inspect and audit as the core reads them (JSON text); `now` defaults to the clock. */
function reportOptions (options) {
  if (options != null && (typeof options !== 'object' || Array.isArray(options))) throw invalid('options', 'expected an object')
  const o = Object.assign({}, options)
  if (o.now == null) o.now = Date.now()
  else if (isDate(o.now)) o.now = o.now.valueOf()
  if (typeof o.now === 'number' && !Number.isFinite(o.now)) throw invalid('now', 'expected milliseconds since the epoch (an integer)')
  if (o.secrets != null) o.secrets = secretList(o.secrets)
  if (o.keys != null) o.keys = secretList(o.keys)
  return JSON.stringify(o)
}

/** A header argument must be a string (the Node API; the CLI reads text). */
function headerText (header) {
  if (typeof header === 'string') return header
  const err = new TypeError('header must be a string (a Cookie or Set-Cookie header)')
  err.code = 'ERR_SESSION_CORE_INVALID_HEADER'
  err.field = 'header'
  throw err
}

/**
 * What each cookie in a Cookie (or, with `as: 'set-cookie'`, Set-Cookie) header is: decoded and,
 * given `secrets`/`keys`, verified. JSON text, the same bytes as the CLI and the browser build.
 * `secrets` and `keys` each take a string, a Buffer or a list of them. Bad options throw a
 * TypeError naming the option (`code`, `field`), never repeating its value.
 * @param {string} header
 * @param {object} [options] `as`, `names`, `secrets`, `keys`, `now`
 * @returns {string}
 */
function inspectJSON (header, options) {
  return native.tools().inspectJson(headerText(header), reportOptions(options))
}

/**
 * What a browser would do with Set-Cookie values (one per line): findings with a code, a severity
 * and an explanation. JSON text.
 * @param {string} setCookie
 * @param {{ url?: string, now?: number }} [options]
 * @returns {string}
 */
function auditJSON (setCookie, options) {
  return native.tools().auditJson(headerText(setCookie), reportOptions(options))
}

/** A session's tag: the first 8 characters of base64url(SHA-256(id)): names a session in logs and pages, never the id. */
function tag (id) {
  return native.tag(id)
}

module.exports = {
  tag,
  inspect: (header, options) => JSON.parse(inspectJSON(header, options)),
  inspectJSON,
  audit: (setCookie, options) => JSON.parse(auditJSON(setCookie, options)),
  auditJSON,
  sign,
  unsign,
  verify,
  parseCookie,
  serializeCookie,
  generateSessionId,
  // the names `cookie` users know
  parse: parseCookie,
  serialize: serializeCookie
}
