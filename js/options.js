'use strict'
/**
 * Options cross to the core as JSON, with what JSON cannot say tagged (`{"$sc": …}`): functions,
 * Dates, Buffers, non-finite numbers, class instances (with the names of the methods a store or a
 * Keygrip would have). The core checks every option of both session kinds in one place
 * (src/options/, its rules in src/rules.rs) and throws a TypeError with `code` and `field`; this
 * file only describes.
 */

const METHODS = ['get', 'set', 'destroy', 'touch', 'merge', 'all', 'length', 'clear', 'on', 'sign', 'verify', 'index']

function describe (v, depth = 0) {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return v
    case 'number':
      return Number.isFinite(v) ? v : { $sc: 'nonfinite' }
    case 'function':
      return { $sc: 'function' }
    case 'undefined':
      return null
    case 'object':
      break
    default:
      return { $sc: 'other', type: typeof v }
  }
  if (v === null) return null
  if (v instanceof Date) {
    const ms = v.getTime()
    return { $sc: 'date', ms: Number.isNaN(ms) ? null : ms }
  }
  if (ArrayBuffer.isView(v)) return { $sc: 'bytes', length: v.byteLength }
  if (depth > 4) return { $sc: 'other', type: 'object' }
  if (Array.isArray(v)) return v.map((x) => describe(x, depth + 1))
  if (isPlain(v)) {
    // own and inherited enumerable names: an options object made with Object.create(defaults)
    // is read through its prototype, as the middleware reads it
    const out = {}
    for (const key in v) {
      if (v[key] !== undefined) out[key] = describe(v[key], depth + 1)
    }
    return out
  }
  const name = v.constructor && typeof v.constructor.name === 'string' ? v.constructor.name : ''
  return { $sc: 'instance', class: name, methods: METHODS.filter((m) => typeof v[m] === 'function') }
}

/** A plain object, or one whose prototypes are plain objects (none of them a class's prototype). */
function isPlain (v) {
  let p = Object.getPrototypeOf(v)
  while (p !== null && p !== Object.prototype) {
    if (Object.prototype.hasOwnProperty.call(p, 'constructor')) return false
    p = Object.getPrototypeOf(p)
  }
  return true
}

/** The options object as JSON text for the core's checks. */
function describeOptions (options) {
  if (options === undefined || options === null) return '{}'
  return JSON.stringify(describe(options))
}

module.exports = { describeOptions }
