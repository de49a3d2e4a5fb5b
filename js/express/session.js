'use strict'
/**
 * `req.session`: the app's data as own enumerable properties (and `cookie`), with express-session's
 * methods on the prototype, not enumerable. `regenerate`, `destroy`, `reload` and `save` take a
 * callback, or return a Promise when called without one; `touch` stays synchronous. `increment`
 * and `push` change a key relative to the stored value (see ./delta.js).
 */

const native = require('../native')
const { kState } = require('./state')
const { callStore, writeSession, merges, mergeSession, regenerate: regenerateOn } = require('./call-store')
const events = require('./events')
const delta = require('./delta')
const redact = require('../redact')

/** The middleware's storeTimeout for this request's store calls (none outside the middleware). */
function timeoutOf (req) {
  const state = req && req[kState]
  return state ? state.mw.storeTimeout : undefined
}

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

// `req` and `id` are kept under symbols (JSON.stringify and for-in skip them) and read through
// getters on the prototype: cheaper than two defineProperty calls per request, and as read-only.
const kReq = Symbol('session-core.req')
const kId = Symbol('session-core.id')

function Session (req, data) {
  this[kReq] = req
  this[kId] = req.sessionID
  if (typeof data === 'object' && data !== null) {
    for (const prop in data) {
      if (!(prop in this)) this[prop] = data[prop]
    }
  }
}

Object.defineProperty(Session.prototype, 'req', { configurable: true, enumerable: false, get () { return this[kReq] } })
Object.defineProperty(Session.prototype, 'id', { configurable: true, enumerable: false, get () { return this[kId] } })

// util.inspect / console.log: the tag, never the id; data with csrfSecret redacted; no req (js/redact.js)
redact.define(Session.prototype, function inspect (depth, options, inspect) {
  return redact.show('Session', Object.assign({ tag: redact.tagOf(this.id) }, this), depth, options, inspect)
})

defineMethod(Session.prototype, 'touch', function touch () {
  return this.resetMaxAge()
})

defineMethod(Session.prototype, 'resetMaxAge', function resetMaxAge () {
  this.cookie.maxAge = this.cookie.originalMaxAge
  return this
})

/**
 * Adds `by` (default 1) to the number at `key` (absent or not a number: 0) and returns the new
 * value. With a store that merges, the write adds `by` to the value the store holds then, so
 * overlapping requests all count.
 */
defineMethod(Session.prototype, 'increment', function increment (key, by) {
  return delta.increment(this, key, by)
})

/**
 * Appends `items` to the array at `key` (absent or not an array: a new one) and returns its length.
 * With a store that merges, the write appends them to the array the store holds then.
 */
defineMethod(Session.prototype, 'push', function push (key, ...items) {
  return delta.push(this, key, items)
})

defineMethod(Session.prototype, 'save', function save (fn) {
  const sess = this
  const req = this.req
  const state = req[kState]
  // a regenerated id served read-only inside the grace window is never written
  if (state && state.readOnly && state.readOnlySession === this) return settle(fn, regeneratedError(), this)
  const store = req.sessionStore
  const timeout = timeoutOf(req)
  const merging = merges(store, state, sess)
  const base = state ? (state.saved !== null ? state.saved : state.original) : null
  let json
  let change
  try {
    json = state ? state.markSaved(this) : JSON.stringify(this)
    if (merging) {
      const [inc, push] = delta.opsText(sess)
      change = new delta.Delta(native.delta(base, json, inc, push), json, native.recordDeadline(json), sess, base)
    }
  } catch (err) {
    return settle(fn, unsaveable(err), this)
  }
  if (merging) {
    const result = callbackOrPromise(fn, (done) => mergeSession(store, sess, change, track(state, done), timeout))
    return result === undefined ? this : result
  }
  // a session loaded from the store under this id is only updated, never recreated (see MemoryStore)
  const existing = Boolean(state && state.fromStore && state.originalId === sess.id)
  const result = callbackOrPromise(fn, (done) => writeSession(store, sess, json, existing, track(state, done), undefined, timeout))
  return result === undefined ? this : result
})

defineMethod(Session.prototype, 'reload', function reload (fn) {
  const req = this.req
  const store = req.sessionStore
  const id = this.id
  const state = req[kState]
  const result = callbackOrPromise(fn, (answer) => {
    const done = track(state, answer)
    callStore(store, 'get', [id], (err, sess) => {
      if (err) return done(err)
      if (!sess) return done(new Error('failed to load session'))
      try {
        // a duck-typed store has no createSession of its own: use the Store base class's
        if (typeof store.createSession === 'function') store.createSession(req, sess)
        else require('./store').createSession(req, sess)
      } catch (e) {
        return done(e)
      }
      done()
    }, timeoutOf(req))
  })
  return result === undefined ? this : result
})

defineMethod(Session.prototype, 'destroy', function destroy (fn) {
  const req = this.req
  const state = req[kState]
  if (state) {
    state.destroyed = true
    try {
      state.original = JSON.stringify(this) // its cookie's attributes, to expire the browser's copy
    } catch (e) {
      state.original = JSON.stringify({ cookie: this.cookie })
    }
  }
  delete req.session
  const id = this.id
  const timeout = timeoutOf(req)
  events.sessionEvent('destroy', id)
  const result = callbackOrPromise(fn, (done) => callStore(req.sessionStore, 'destroy', [id], track(state, done), timeout))
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
  const previous = req.sessionID
  const state = req[kState]
  // a regenerated id served read-only inside the grace window: its new cookie would sign the user out
  if (state && state.readOnly && state.readOnlySession === this) return settle(fn, regeneratedError(), this)
  const result = callbackOrPromise(fn, (answer) => {
    const done = track(state, answer)
    const after = (err) => {
      if (!err) events.sessionEvent('regenerate', req.sessionID, { previous: events.tagOf(previous) })
      if (keep && req.session && req.session !== old) {
        for (const prop of Object.keys(old)) {
          // the CSRF secret is not carried over: tokens issued before are refused after (as csurf)
          if (prop !== 'cookie' && prop !== 'csrfSecret') req.session[prop] = old[prop]
        }
      }
      done(err)
    }
    if (!graced(state, old)) return regenerateOn(store, req, after, timeoutOf(req))
    // regenerateGrace: the new id first (the tombstone leads to its session), then the old
    // record's tombstone under its own key (requests in flight with the old id read it, read-only,
    // for the window), then the regenerate as always, with that id
    let made
    try {
      made = state.mw.newId(req)
    } catch (e) {
      return done(e)
    }
    Promise.resolve(made).then((id) => {
      const t = tombstoneOf(state, old, id)
      if (!t) return regenerateOn(store, req, after, timeoutOf(req), id)
      callStore(state.mw.rawStore, 'set', [t.key, t.record], (err) => {
        if (err) return done(err)
        regenerateOn(store, req, after, timeoutOf(req), id)
      }, timeoutOf(req))
    }, done)
  })
  return result === undefined ? this : result
})

/** Does a regenerate of `sess` keep a tombstone (regenerateGrace, a session loaded from the store)? */
function graced (state, sess) {
  return Boolean(state) && state.mw.grace > 0 && state.fromStore && state.originalId === sess.id && !state.readOnly
}

/**
 * The tombstone of a session loaded from the store, leading to the session `next` (the new id):
 * `{ key, record }` (the record as the store has it, made a tombstone by the core), or null.
 */
function tombstoneOf (state, sess, next) {
  const mw = state.mw
  const stored = state.saved !== null ? state.saved : state.original
  try {
    const keys = native.storeKeys(sess.id, mw.hashIds)
    const successor = typeof next === 'string' ? native.storeKeys(next, mw.hashIds).key : null
    return { key: keys.grace, record: JSON.parse(native.tombstone(stored, Date.now(), mw.grace, successor)) }
  } catch (e) {
    return null // a stored text that is no record: regenerated without grace
  }
}

// ---- regeneratedError: begin ----
/** The error of a write to a regenerated session inside the grace window (409; also session-core/web's, see scripts/build-pkg.sh). */
function regeneratedError () {
  const err = new Error('this session was regenerated (a sign-in): it is read-only here; retry with the new session')
  err.code = 'ESESSIONREGENERATED'
  err.status = 409
  err.statusCode = 409
  err.expose = true
  return err
}
// ---- regeneratedError: end ----

/**
 * `done`, noting on the request's state when a store call failed (a store error's code): the
 * failure has reached the app, so the response writes no session and sets no cookie for it (one
 * failure, one error; the response is not held for another store call).
 */
function track (state, done) {
  if (!state) return (err, value) => done(err, value)
  return (err, value) => {
    if (err && typeof err.code === 'string' && err.code.startsWith('ESESSIONSTORE')) state.storeFailed = true
    done(err, value)
  }
}

/** Reports an error the way the method was called: to the callback, or as a rejected Promise. */
function settle (fn, err, self) {
  const result = callbackOrPromise(fn, (done) => process.nextTick(done, err))
  return result === undefined ? self : result
}

/** The error for a session JSON.stringify cannot write (a cycle, a BigInt, nesting too deep). */
function unsaveable (cause) {
  const err = new Error('session-core: req.session cannot be saved: ' + cause.message)
  err.code = 'ERR_SESSION_CORE_UNSAVEABLE'
  err.status = 500
  err.cause = cause
  return err
}

module.exports = Session
module.exports.callbackOrPromise = callbackOrPromise
module.exports.unsaveable = unsaveable
module.exports.regeneratedError = regeneratedError
