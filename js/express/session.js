'use strict'
/**
 * `req.session`: the app's data as own enumerable properties (and `cookie`), with express-session's
 * methods on the prototype, not enumerable. `regenerate`, `destroy`, `reload` and `save` take a
 * callback, or return a Promise when called without one; `touch` stays synchronous.
 */

const { kState } = require('./state')

function defineMethod (obj, name, fn) {
  Object.defineProperty(obj, name, { configurable: true, enumerable: false, value: fn, writable: true })
}

/**
 * Calls `run(done)`; with a callback, passes the result on; without one, returns a Promise. The
 * Promise is marked handled, so one that rejects while nobody awaits it never crashes the process.
 */
function callbackOrPromise (fn, run) {
  if (typeof fn === 'function') {
    run(fn)
    return undefined
  }
  const p = new Promise((resolve, reject) => run((err, value) => (err ? reject(err) : resolve(value))))
  p.catch(() => {})
  return p
}

function Session (req, data) {
  Object.defineProperty(this, 'req', { value: req })
  Object.defineProperty(this, 'id', { value: req.sessionID })
  if (typeof data === 'object' && data !== null) {
    for (const prop in data) {
      if (!(prop in this)) this[prop] = data[prop]
    }
  }
}

defineMethod(Session.prototype, 'touch', function touch () {
  return this.resetMaxAge()
})

defineMethod(Session.prototype, 'resetMaxAge', function resetMaxAge () {
  this.cookie.maxAge = this.cookie.originalMaxAge
  return this
})

defineMethod(Session.prototype, 'save', function save (fn) {
  const sess = this
  const state = this.req[kState]
  if (state) state.markSaved(this)
  const result = callbackOrPromise(fn, (done) => sess.req.sessionStore.set(sess.id, sess, (err) => done(err)))
  return result === undefined ? this : result
})

defineMethod(Session.prototype, 'reload', function reload (fn) {
  const req = this.req
  const store = req.sessionStore
  const id = this.id
  const result = callbackOrPromise(fn, (done) => {
    store.get(id, (err, sess) => {
      if (err) return done(err)
      if (!sess) return done(new Error('failed to load session'))
      store.createSession(req, sess)
      done()
    })
  })
  return result === undefined ? this : result
})

defineMethod(Session.prototype, 'destroy', function destroy (fn) {
  const req = this.req
  const state = req[kState]
  if (state) {
    state.destroyed = true
    state.original = JSON.stringify(this) // its cookie's attributes, to expire the browser's copy
  }
  delete req.session
  const id = this.id
  const result = callbackOrPromise(fn, (done) => req.sessionStore.destroy(id, (err) => done(err)))
  return result === undefined ? this : result
})

/**
 * A new session under a new id; the old record is destroyed. `{ keep: true }` carries the data
 * over (the fix for session fixation that keeps the cart).
 */
defineMethod(Session.prototype, 'regenerate', function regenerate (options, fn) {
  if (typeof options === 'function') {
    fn = options
    options = undefined
  }
  const keep = Boolean(options && options.keep)
  const old = this
  const req = this.req
  const store = req.sessionStore
  const result = callbackOrPromise(fn, (done) => {
    const after = (err) => {
      if (keep && req.session && req.session !== old) {
        for (const prop of Object.keys(old)) {
          if (prop !== 'cookie') req.session[prop] = old[prop]
        }
      }
      done(err)
    }
    store.destroy(req.sessionID, (err) => {
      let pending
      try {
        pending = store.generate(req)
      } catch (e) {
        return done(e)
      }
      if (pending && typeof pending.then === 'function') pending.then(() => after(err), done)
      else after(err)
    })
  })
  return result === undefined ? this : result
})

module.exports = Session
module.exports.callbackOrPromise = callbackOrPromise
