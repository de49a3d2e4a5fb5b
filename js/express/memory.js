'use strict'
/**
 * The default store: sessions in this process's memory, for development and single-process apps.
 * Unlike express-session's MemoryStore it does not grow without bound, and a flood of anonymous
 * requests cannot sign anybody out. At most `maxEntries` records are kept; when a new one would pass
 * that, room is made in this order:
 *   1. expired records go first (a sweep, at most once a second while the store is full);
 *   2. then the least recently used *empty* session: one the app never put anything in (with
 *      `saveUninitialized: true` every cookie-less request makes one);
 *   3. only when no empty session is left, the least recently used session holding data.
 * An empty session never evicts one holding data: when the store is full of sessions with data, a new
 * empty one is not kept (its next request simply starts afresh).
 * Records are JSON text; when a record's deadline passes is the core's rule (`cookie.expires`, or the
 * idle/absolute deadline the middleware computed). A session the middleware loaded is only ever
 * updated, never recreated: a save that races a `destroy()` (a slow request that started before the
 * logout) is dropped, so a logged-out cookie stays logged out.
 *
 * @param {{ maxEntries?: number, pruneInterval?: number }} [options]
 *   maxEntries: default 10000; pruneInterval: ms between sweeps, default 60000 (0 turns it off).
 */

const Store = require('./store')
const native = require('../native')
const core = native.lean()
const { kSetRecord, kGetRecord, kNative } = require('./symbols')
const { isEmpty } = require('./call-store')
const { goneError } = require('./delta')
const debug = require('../debug')('session-core:memory')
const { tag } = require('../debug')

// Callbacks run in the event loop's check phase (setImmediate), as express-session's MemoryStore's
// do: the requests that arrived in one turn are handled together, and their responses (held until
// the store has the session) go out together. Under load that is far cheaper than answering each
// request on its own tick: 50 connections, Express 4, no maxAge, 6,200 -> 8,900 req/s
// (docs/performance.md).
const defer = typeof setImmediate === 'function' ? setImmediate : (fn, ...args) => process.nextTick(fn, ...args)
const NO_DEADLINE = Infinity
const SWEEP_EVERY = 1000

class MemoryStore extends Store {
  constructor (options) {
    super()
    const opts = options || {}
    const max = opts.maxEntries === undefined ? 10000 : opts.maxEntries
    if (!(Number.isInteger(max) && max > 0)) throw new TypeError('maxEntries option must be a positive integer')
    const every = opts.pruneInterval === undefined ? 60000 : opts.pruneInterval
    if (!(typeof every === 'number' && every >= 0)) throw new TypeError('pruneInterval option must be a number of milliseconds')
    this.maxEntries = max
    /** Sessions holding data: id -> { json, deadline }, least recently used first (Map keeps insertion order). */
    this.sessions = new Map()
    /** Empty sessions (nothing but a cookie), likewise; evicted before any session holding data. */
    this.empty = new Map()
    this._swept = 0
    /** The per-user index (the middleware's `user` option): user key -> { ids: Map(id -> info), before, kept }. */
    this.users = new Map()
    if (every > 0) {
      this._timer = setInterval(() => this.prune(), every)
      if (this._timer.unref) this._timer.unref()
    }
  }

  get size () {
    return this.sessions.size + this.empty.size
  }

  _live (id, now) {
    let map = this.sessions
    let entry = map.get(id)
    if (!entry) {
      map = this.empty
      entry = map.get(id)
      if (!entry) return undefined
    }
    if (entry.deadline <= now) {
      map.delete(id)
      return undefined
    }
    return entry
  }

  _put (id, json, deadline, empty) {
    this.sessions.delete(id)
    this.empty.delete(id)
    const entry = { json, deadline: deadline === undefined || deadline === null ? NO_DEADLINE : deadline }
    ;(empty ? this.empty : this.sessions).set(id, entry)
    if (this.size <= this.maxEntries) return
    const now = Date.now()
    if (now - this._swept >= SWEEP_EVERY) {
      this._swept = now
      this.prune()
    }
    while (this.size > this.maxEntries) {
      const map = this.empty.size !== 0 ? this.empty : this.sessions
      const oldest = map.keys().next().value
      if (debug.enabled) debug('full: evicting %s session %s', map === this.empty ? 'an empty' : 'the least recently used', tag(oldest))
      map.delete(oldest)
    }
  }

  /** Removes every expired record (and index entries of sessions gone); returns how many records. */
  prune () {
    const now = Date.now()
    let n = 0
    for (const map of [this.empty, this.sessions]) {
      for (const [id, entry] of map) {
        if (entry.deadline <= now) {
          map.delete(id)
          n++
        }
      }
    }
    for (const key of this.users.keys()) this._liveIds(key, now)
    return n
  }

  // ---- the per-user index (see js/express/users.js) ------------------------------------------

  /** The user's entry, its dead sessions dropped (and the entry itself when nothing is left). */
  _liveIds (key, now) {
    const u = this.users.get(key)
    if (!u) return undefined
    for (const [id, info] of u.ids) {
      if ((info.expires !== null && info.expires <= now) || this._live(id, now) === undefined) u.ids.delete(id)
    }
    if (u.ids.size === 0 && u.before === null) {
      // nothing left: the entry goes (a caller that writes to it makes a new one)
      this.users.delete(key)
      return undefined
    }
    return u
  }

  /** The middleware indexes a saved session of user `key` (`info`: since, lastSeen, userAgent, expires). */
  indexUser (key, id, info, callback) {
    let u = this._liveIds(key, Date.now())
    if (!u) {
      u = { ids: new Map(), before: null, kept: null }
      this.users.set(key, u)
    }
    const prev = u.ids.get(id)
    u.ids.set(id, {
      since: prev ? prev.since : info.since, // when first seen signed in as this user
      lastSeen: info.lastSeen,
      userAgent: info.userAgent,
      expires: typeof info.expires === 'number' ? info.expires : null
    })
    return answer(callback, () => undefined)
  }

  /** What a load of session `id` of user `key` needs to know: `{ since, before, kept }`. */
  userState (key, id, callback) {
    const u = this.users.get(key)
    const info = u && u.ids.get(id)
    return answer(callback, () => ({ since: info ? info.since : null, before: u ? u.before : null, kept: Boolean(u && u.kept === id) }))
  }

  /**
   * The live sessions of user `key`, most recently seen first, each `{ tag, createdAt, lastSeen,
   * userAgent, current }` — a tag, never the id. `options.current`: the requesting session's id.
   */
  sessionsOf (key, options, callback) {
    if (typeof options === 'function') [options, callback] = [undefined, options]
    const current = options && options.current
    return answer(callback, () => {
      const u = this._liveIds(key, Date.now())
      if (!u) return []
      return [...u.ids].map(([id, info]) => ({
        tag: native.tag(id), createdAt: info.since, lastSeen: info.lastSeen, userAgent: info.userAgent, current: id === current
      })).sort((a, b) => b.lastSeen - a.lastSeen)
    })
  }

  /** Ends the session of user `key` whose tag is `tag`; answers whether there was one. */
  destroySession (key, tag, callback) {
    return answer(callback, () => {
      const u = this._liveIds(key, Date.now())
      if (!u) return false
      for (const id of u.ids.keys()) {
        if (native.tag(id) === tag) {
          u.ids.delete(id)
          this.destroy(id)
          return true
        }
      }
      return false
    })
  }

  /**
   * Ends every session of user `key` ("sign out everywhere"), but `options.except` (a session id or
   * tag: e.g. the current one, after a password change); answers how many ended. Sessions of the
   * user indexed later but signed in before this are ended at their next load (the core's rule).
   */
  destroyUser (key, options, callback) {
    if (typeof options === 'function') [options, callback] = [undefined, options]
    const except = options && options.except
    return answer(callback, () => {
      let u = this._liveIds(key, Date.now())
      if (!u) {
        u = { ids: new Map(), before: null, kept: null }
        this.users.set(key, u)
      }
      let kept = null
      let n = 0
      for (const id of [...u.ids.keys()]) {
        if (except !== undefined && except !== null && (id === except || native.tag(id) === except)) {
          kept = id
          continue
        }
        u.ids.delete(id)
        this.destroy(id)
        n++
      }
      u.before = Date.now()
      // an `except` not (yet) in the index is taken as a session id: the current one stays signed in
      u.kept = kept !== null ? kept : (typeof except === 'string' && except !== '' ? except : null)
      return n
    })
  }

  _touchEntry (id) {
    const entry = this._live(id, Date.now())
    if (entry) {
      // most recently used moves to the end
      const map = this.sessions.has(id) ? this.sessions : this.empty
      map.delete(id)
      map.set(id, entry)
    }
    return entry
  }

  get (id, callback) {
    const entry = this._touchEntry(id)
    defer(callback, null, entry ? JSON.parse(entry.json) : undefined)
  }

  /** The middleware's fast path: the parsed record and its text. */
  [kGetRecord] (id, callback) {
    const entry = this._touchEntry(id)
    if (entry) defer(callback, null, parsed(entry.json), entry.json)
    else defer(callback, null, undefined)
  }

  set (id, session, callback) {
    const json = JSON.stringify(session)
    this._put(id, json, core.recordDeadline(json), isEmpty(session))
    if (callback) defer(callback)
  }

  /**
   * The middleware's fast path: the record is already JSON text and its deadline known.
   * `existing`: the session was loaded from this store, so it is written only if its record is still
   * here (destroyed meanwhile: the write is dropped). `empty`: it holds no data.
   */
  [kSetRecord] (id, json, deadline, how, callback) {
    if (how && how.existing && this._live(id, Date.now()) === undefined) {
      if (debug.enabled) debug('session %s was destroyed or expired meanwhile: not written back', tag(id))
    } else {
      this._put(id, json, deadline === undefined ? core.recordDeadline(json) : deadline, Boolean(how && how.empty))
    }
    if (callback) defer(callback)
  }

  /**
   * Merges what a request changed (a Delta, see ./delta.js) into the record as it is now, with the
   * core's apply: overlapping requests that change different keys all land, increments and pushes
   * count from the stored value. A record gone meanwhile (destroyed, expired) is not brought back:
   * the callback gets an `ESESSION_GONE` error and nothing is written.
   */
  merge (id, delta, callback) {
    const entry = this._live(id, Date.now())
    if (entry === undefined) {
      if (debug.enabled) debug('session %s is gone: merge not written', tag(id))
      if (callback) defer(callback, goneError())
      return
    }
    let json
    try {
      // nobody wrote since this request loaded it: the request's record is the merge
      json = entry.json === delta.base && typeof delta.record === 'string' ? delta.record : delta.apply(entry.json)
    } catch (err) {
      if (callback) defer(callback, err)
      return
    }
    const deadline = delta.expires === undefined ? core.recordDeadline(json) : delta.expires
    // empty stays empty only when the request's session holds nothing either (an approximation
    // that errs towards "holds data": it only orders eviction)
    this._put(id, json, deadline, this.empty.has(id) && isEmpty(delta.session))
    if (callback) defer(callback, null)
  }

  touch (id, session, callback) {
    const entry = this._live(id, Date.now())
    if (entry) {
      const current = JSON.parse(entry.json)
      current.cookie = session.cookie
      const json = JSON.stringify(current)
      this._put(id, json, core.recordDeadline(json), this.empty.has(id))
    }
    if (callback) defer(callback)
  }

  destroy (id, callback) {
    this.sessions.delete(id)
    this.empty.delete(id)
    if (callback) defer(callback)
  }

  /** `{ id: session }` of every live record, as express-session's MemoryStore. */
  all (callback) {
    const now = Date.now()
    const out = Object.create(null)
    for (const id of [...this.empty.keys(), ...this.sessions.keys()]) {
      const entry = this._live(id, now)
      if (entry) out[id] = JSON.parse(entry.json)
    }
    if (callback) defer(callback, null, out)
  }

  /** The ids of every live record. */
  ids (callback) {
    this.prune()
    if (callback) defer(callback, null, [...this.empty.keys(), ...this.sessions.keys()])
  }

  length (callback) {
    this.prune()
    defer(callback, null, this.size)
  }

  clear (callback) {
    this.sessions.clear()
    this.empty.clear()
    if (callback) defer(callback)
  }

  /** Stops the prune timer (it is unref'd: a process never waits for it anyway). */
  close () {
    if (this._timer) clearInterval(this._timer)
  }
}

/** A record's object, or null when its text is no JSON (the middleware's core says what it is). */
function parsed (text) {
  try {
    return JSON.parse(text)
  } catch (e) {
    return null
  }
}

/** Calls back on the next tick with `fn()`'s value (or its throw), or returns a Promise of it. */
function answer (callback, fn) {
  const p = new Promise((resolve) => process.nextTick(resolve)).then(fn)
  if (typeof callback !== 'function') return p
  p.then((v) => callback(null, v), callback)
}

// util.inspect / console.log: counts only, never an id or a record (js/redact.js)
require('../redact').define(MemoryStore.prototype, function inspect (depth, options, inspect) {
  return require('../redact').show('MemoryStore', { sessions: this.sessions.size, empty: this.empty.size, maxEntries: this.maxEntries }, depth, options, inspect)
})
MemoryStore.prototype.get[kNative] = true
// its writes are done when their call returns (the callback only waits a tick, as a store's does)
MemoryStore.prototype.set[kNative] = true
MemoryStore.prototype.merge[kNative] = true

module.exports = MemoryStore
