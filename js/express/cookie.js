'use strict'
/**
 * `req.session.cookie`: express-session's Cookie, same fields and getters. `maxAge` reads the time
 * left; setting it (or `expires`) moves the expiry; `toJSON()` is the record's `cookie` object in
 * express-session's key order, plus session-core's `createdAt`/`lastSeen` when timeouts are on.
 */

const core = require('../index.js')

// Date -> { t, iso }: the ISO text of a Date whose time value has not changed since, so that a
// record loaded from a store is written back without formatting its date again.
const isoCache = new WeakMap()
const CANONICAL_ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/

function isoText (d) {
  if (!(d instanceof Date)) return d
  const t = d.getTime()
  const hit = isoCache.get(d)
  if (hit && hit.t === t) return hit.iso
  const iso = Number.isNaN(t) ? null : d.toISOString()
  isoCache.set(d, { t, iso })
  return iso
}

/** A Date for an ISO text read from a record, remembering the text when it is toISOString's own. */
function dateFromIso (text) {
  const d = new Date(text)
  if (CANONICAL_ISO.test(text) && !Number.isNaN(d.getTime())) isoCache.set(d, { t: d.getTime(), iso: text })
  return d
}

class Cookie {
  constructor (options) {
    this.path = '/'
    this.maxAge = null
    this.httpOnly = true
    if (options) {
      if (typeof options !== 'object') throw new TypeError('argument options must be a object')
      for (const key in options) {
        if (key !== 'data') this[key] = options[key]
      }
    }
    if (this.originalMaxAge === undefined || this.originalMaxAge === null) {
      this.originalMaxAge = this.maxAge
    }
  }

  set expires (date) {
    this._expires = date
    this.originalMaxAge = this.maxAge
  }

  get expires () {
    // a record's ISO text becomes a Date only when someone asks (see Cookie.fromRecord)
    if (typeof this._expires === 'string') this._expires = dateFromIso(this._expires)
    return this._expires
  }

  /** Milliseconds, or a Date (deprecated in express-session); null for a browser-session cookie. */
  set maxAge (ms) {
    if (ms && typeof ms !== 'number' && !(ms instanceof Date)) {
      throw new TypeError('maxAge must be a number or Date')
    }
    if (typeof ms !== 'number') {
      this.expires = ms
      return
    }
    // express-session reads the clock again for originalMaxAge, which can come out a millisecond
    // short (999 for 1000) when the clock ticks between the two readings: the record keeps what
    // was asked for instead
    this._expires = new Date(Date.now() + ms)
    this.originalMaxAge = ms
  }

  /** The time left, in milliseconds. */
  get maxAge () {
    return this.expires instanceof Date ? this.expires.valueOf() - Date.now() : this.expires
  }

  get data () {
    return this._fields(this.expires)
  }

  /** The fields of the record's `cookie`, in express-session's order, with `expires` as given. */
  _fields (expires) {
    return {
      originalMaxAge: this.originalMaxAge,
      partitioned: this.partitioned,
      priority: this.priority,
      expires,
      secure: this.secure,
      httpOnly: this.httpOnly,
      domain: this.domain,
      path: this.path,
      sameSite: this.sameSite,
      createdAt: this.createdAt,
      lastSeen: this.lastSeen
    }
  }

  /** A `Set-Cookie` value for `name=val` with this cookie's attributes. */
  serialize (name, val) {
    const d = this.data
    return core.serializeCookie(name, val, {
      expires: d.expires,
      domain: d.domain,
      path: d.path,
      httpOnly: d.httpOnly,
      secure: d.secure,
      partitioned: d.partitioned,
      priority: d.priority,
      sameSite: d.sameSite
    })
  }

  /** The record's `cookie`: `data`, with `expires` as the ISO text `JSON.stringify` writes. */
  toJSON () {
    const e = this._expires
    return this._fields(typeof e === 'string' ? e : isoText(e))
  }

  /**
   * A Cookie for a stored record's `cookie` object. Its `expires`, when it is the ISO text
   * `toISOString` writes, stays text until read as a Date: a request that never looks at it writes
   * the same text back without making a Date.
   */
  static fromRecord (c) {
    // what the constructor makes of it, without its setters turning `expires` into a Date
    const cookie = Object.create(Cookie.prototype)
    cookie.path = '/'
    cookie._expires = null
    cookie.originalMaxAge = null
    cookie.httpOnly = true
    for (const key in c) {
      if (key !== 'data' && key !== 'expires') cookie[key] = c[key]
    }
    const expires = c.expires
    cookie._expires = typeof expires !== 'string' ? (expires === undefined ? null : expires) : CANONICAL_ISO.test(expires) ? expires : dateFromIso(expires)
    cookie.originalMaxAge = c.originalMaxAge // kept as is, as express-session does
    return cookie
  }
}

// Accessors are non-enumerable on the prototype, as in express-session (a class does this already);
// `createdAt`/`lastSeen` are own properties only when a record carries them.
module.exports = Cookie
module.exports.dateFromIso = dateFromIso
