'use strict'
/**
 * What `util.inspect` and `console.log` show of session-core's objects: never a secret, a key, a
 * full session id or a cookie value (also with `showHidden: true`). A session shows its tag (the
 * first 8 characters of base64url(SHA-256(id))) and its data with `csrfSecret` redacted; options
 * show `secret`/`keys` as redacted; a store shows how many sessions it holds.
 */
const custom = Symbol.for('nodejs.util.inspect.custom')
const REDACTED = '[redacted]'
const SECRET_FIELDS = new Set(['secret', 'keys', 'csrfSecret'])

/** `name { …fields }` through `inspect`, with the secret fields of `fields` redacted. */
function show (name, fields, depth, options, inspect) {
  const shown = {}
  for (const k of Object.keys(fields)) shown[k] = SECRET_FIELDS.has(k) && fields[k] != null ? REDACTED : fields[k]
  const o = Object.assign({}, options, { depth: options.depth == null ? null : options.depth - 1 })
  if (depth < 0) return `[${name}]`
  return `${name} ${inspect(shown, o)}`
}

/** Defines a non-enumerable inspect on `target` (a prototype or an object). */
function define (target, fn) {
  Object.defineProperty(target, custom, { configurable: true, enumerable: false, writable: true, value: fn })
}

module.exports = { show, define, custom, REDACTED }
