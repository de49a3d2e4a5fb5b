'use strict'
/**
 * `req.session`: the app's data as own enumerable properties (and `cookie`), with express-session's
 * methods on the prototype, not enumerable. `regenerate`, `destroy`, `reload` and `save` take a
 * callback, or return a Promise when called without one; `touch` stays synchronous. `increment`
 * and `push` change a key relative to the stored value (see ./delta.js).
 */

const { kState } = require('./state')
const { callStore, regenerate: regenerateOn, isEmpty } = require('./call-store')
const { isStoreFailure } = require('../flow/call-store')
const flow = require('../flow/server')
const events = require('./events')
const delta = require('./delta')
const redact = require('../redact')
const Cookie = require('./cookie')

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
  return redact.show('Session', Object.assign({ tag: typeof this.id === 'string' ? events.tagOf(this.id) : undefined }, this), depth, options, inspect)
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
  if (!state) {
    // outside the middleware (Store#load's sessions): the store's own set
    const result = callbackOrPromise(fn, (done) => callStore(req.sessionStore, 'set', [sess.id, sess], (err) => done(err)))
    return result === undefined ? this : result
  }
  const { mw } = state
  const existing = state.fromStore && state.originalId === sess.id
  const base = state.saved !== null ? state.saved : state.original
  let bits
  try {
    const json = state.markSaved(this)
    const ops = mw.adapter.merges && existing ? delta.opsText(sess) : NO_OPS
    // the core's answer: a save (conditional for a loaded session), a merge, or refused (read-only)
    const readOnly = state.readOnly && state.readOnlySession === this
    bits = flow.save(state.d, state, (existing ? 1 : 0) | (mw.adapter.merges ? 2 : 0) | (readOnly ? 4 : 0), sess.id, json, base, ops[0], ops[1])
  } catch (err) {
    return settle(fn, err.code === 'ESESSIONREGENERATED' ? err : unsaveable(err), this)
  }
  const result = callbackOrPromise(fn, (answer) => {
    const done = track(state, answer)
    const make = (text, record, deadline, b) => new delta.Delta(text, record, deadline === undefined ? null : deadline, sess, b)
    flow.write(state.d, state, bits, sess, base, isEmpty(sess), make, (err) => gone(mw, err, req), (err, merged) => {
      if (merged) delta.settled(sess)
      done(err)
    })
  })
  return result === undefined ? this : result
})

defineMethod(Session.prototype, 'reload', function reload (fn) {
  const req = this.req
  const store = req.sessionStore
  const id = this.id
  const state = req[kState]
  const result = callbackOrPromise(fn, (answer) => {
    const done = track(state, answer)
    const got = (err, sess) => {
      if (err) return done(err)
      if (!sess) return done(new Error('failed to load session'))
      try {
        // a duck-typed store has no createSession of its own: use the Store base class's
        if (typeof store.createSession === 'function') store.createSession(req, sess)
        else createSession(req, sess)
      } catch (e) {
        return done(e)
      }
      done()
    }
    if (state) state.mw.adapter.get(flow.keyOf(state.d, id), (err, sess) => got(err, sess))
    else callStore(store, 'get', [id], got)
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
  events.sessionEvent('destroy', id)
  const result = callbackOrPromise(fn, (answer) => {
    if (!state) return callStore(req.sessionStore, 'destroy', [id], (err) => answer(err))
    // no grace after destroy(): the record goes, and no tombstone is left
    state.mw.adapter.destroy(flow.keyOf(state.d, id), track(state, answer))
  })
  return result === undefined ? this : result
})

/**
 * A new session under a new id; the old record is destroyed. `{ keep: true }` carries the data
 * over (the fix for session fixation that keeps the cart). With regenerateGrace, the new id comes
 * first: the old record's tombstone (leading to the new session) is written before it goes.
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
    if (!state) return regenerateOn(store, req, after)
    let made
    try {
      made = state.mw.newId(req)
    } catch (e) {
      return done(e)
    }
    Promise.resolve(made).then((id) => {
      const loaded = state.fromStore && state.originalId === old.id && !state.readOnly
      const stored = loaded ? (state.saved !== null ? state.saved : state.original) : null
      const readOnly = state.readOnly && state.readOnlySession === old
      flow.regenerate(state.d, state, old.id, stored, typeof id === 'string' ? id : '', readOnly, null, (err, newKey) => {
        // refused (a read-only session, an id the core will not take): nothing happened
        if (newKey === undefined) return done(err)
        let pending
        try {
          pending = state.mw.rawStore.generate(req, id)
        } catch (e) {
          return done(e)
        }
        if (pending && typeof pending.then === 'function') pending.then(() => after(err), done)
        else after(err)
      })
    }, done)
  })
  return result === undefined ? this : result
})

/** A merge whose session was gone at write time: the store's 'gone' event (err, req). */
function gone (mw, err, req) {
  const store = mw.rawStore
  if (typeof store.emit === 'function') process.nextTick(() => store.emit('gone', err, req))
}

const NO_OPS = [null, null]

/**
 * `done`, noting on the request's state when a store call failed (a store error's code): the
 * failure has reached the app, so the response writes no session and sets no cookie for it (one
 * failure, one error; the response is not held for another store call).
 */
function track (state, done) {
  if (!state) return (err, value) => done(err, value)
  return (err, value) => {
    if (isStoreFailure(err)) state.storeFailed = true
    done(err, value)
  }
}

/** The error of a write to a regenerated session inside the grace window (409). */
function regeneratedError () {
  const err = new Error('this session was regenerated (a sign-in): it is read-only here; retry with the new session')
  err.code = 'ESESSIONREGENERATED'
  err.status = 409
  err.statusCode = 409
  err.expose = true
  return err
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

/**
 * Turns a stored record into `req.session` (reviving `cookie.expires` as a Date): what the Store
 * base class's `createSession` does, and what the middleware does with every loaded record.
 */
function createSession (req, sess) {
  sess.cookie = Cookie.fromRecord(sess.cookie)
  req.session = new Session(req, sess)
  delta.setLoaded(req.session, sess) // what increment/push count from
  return req.session
}

module.exports = Session
module.exports.createSession = createSession
module.exports.callbackOrPromise = callbackOrPromise
module.exports.unsaveable = unsaveable
module.exports.regeneratedError = regeneratedError
