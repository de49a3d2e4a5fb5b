'use strict'
/**
 * `req.session.cookie`: express-session's Cookie, same fields and getters. `maxAge` reads the time
 * left; setting it (or `expires`) moves the expiry; `toJSON()` is the record's `cookie` object in
 * express-session's key order, plus session-core's `createdAt`/`lastSeen` when timeouts are on.
 */

const core = require('../index.js')

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
    return this._expires
  }

  /** Milliseconds, or a Date (deprecated in express-session); null for a browser-session cookie. */
  set maxAge (ms) {
    if (ms && typeof ms !== 'number' && !(ms instanceof Date)) {
      throw new TypeError('maxAge must be a number or Date')
    }
    this.expires = typeof ms === 'number' ? new Date(Date.now() + ms) : ms
  }

  /** The time left, in milliseconds. */
  get maxAge () {
    return this.expires instanceof Date ? this.expires.valueOf() - Date.now() : this.expires
  }

  get data () {
    return {
      originalMaxAge: this.originalMaxAge,
      partitioned: this.partitioned,
      priority: this.priority,
      expires: this._expires,
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

  toJSON () {
    return this.data
  }
}

// Accessors are non-enumerable on the prototype, as in express-session (a class does this already);
// `createdAt`/`lastSeen` are own properties only when a record carries them.
module.exports = Cookie
