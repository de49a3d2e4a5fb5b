'use strict'
/**
 * The Store base class, as express-session's: an EventEmitter (`connect`/`disconnect` gate the
 * middleware) with `regenerate`, `load` and `createSession`. Subclasses implement `get`, `set`,
 * `destroy` and optionally `touch`, `all`, `length`, `clear`.
 */

const { EventEmitter } = require('node:events')
const { inherits } = require('node:util')
const { createSession } = require('./session')
const { callStore, regenerate: regenerateOn } = require('./call-store')

// A plain constructor function, not a class: stores written for express-session call
// `Store.call(this)` from their own constructors (and use util.inherits), which a class refuses.
function Store () {
  EventEmitter.call(this)
}
inherits(Store, EventEmitter)

/** Destroys the current record and generates a new session on `req`. */
Store.prototype.regenerate = function regenerate (req, fn) {
  regenerateOn(this, req, fn)
}

/** Loads a session by id, as a Session on a stand-in request. */
Store.prototype.load = function load (sid, fn) {
  callStore(this, 'get', [sid], (err, sess) => {
    if (err) return fn(err)
    if (!sess) return fn()
    const req = { sessionID: sid, sessionStore: this }
    let session
    try {
      session = this.createSession(req, sess)
    } catch (e) {
      return fn(e)
    }
    fn(null, session)
  })
}

/** Turns a stored record into `req.session` (reviving `cookie.expires` as a Date). */
Store.prototype.createSession = function (req, sess) {
  return createSession(req, sess)
}

module.exports = Store
module.exports.createSession = createSession
