'use strict'
/**
 * The default store: sessions in this process's memory, for development and single-process apps.
 * Unlike express-session's MemoryStore it does not grow without bound: expired records are pruned
 * when touched and by an unref'd timer, and at most `maxEntries` records are kept (the least
 * recently used is evicted first). Records are JSON text; when a record's deadline passes is the
 * core's rule (`cookie.expires`, or the idle/absolute deadline the middleware computed).
 *
 * @param {{ maxEntries?: number, pruneInterval?: number }} [options]
 *   maxEntries: default 10000; pruneInterval: ms between sweeps, default 60000 (0 turns it off).
 */

const Store = require('./store')
const core = require('../wasm/session_core.js')
const { kSetRecord, kGetRecord } = require('./symbols')

// Callbacks run on the next tick: always asynchronous, as a store's are, without waiting a turn of the event loop.
const defer = (fn, ...args) => process.nextTick(fn, ...args)
const NO_DEADLINE = Infinity

class MemoryStore extends Store {
  constructor (options) {
    super()
    const opts = options || {}
    const max = opts.maxEntries === undefined ? 10000 : opts.maxEntries
    if (!(Number.isInteger(max) && max > 0)) throw new TypeError('maxEntries option must be a positive integer')
    const every = opts.pruneInterval === undefined ? 60000 : opts.pruneInterval
    if (!(typeof every === 'number' && every >= 0)) throw new TypeError('pruneInterval option must be a number of milliseconds')
    this.maxEntries = max
    /** id -> { json, deadline }, in least-recently-used order (Map keeps insertion order). */
    this.sessions = new Map()
    if (every > 0) {
      this._timer = setInterval(() => this.prune(), every)
      if (this._timer.unref) this._timer.unref()
    }
  }

  _live (id, now) {
    const entry = this.sessions.get(id)
    if (!entry) return undefined
    if (entry.deadline <= now) {
      this.sessions.delete(id)
      return undefined
    }
    return entry
  }

  _put (id, json, deadline) {
    this.sessions.delete(id)
    this.sessions.set(id, { json, deadline: deadline === undefined || deadline === null ? NO_DEADLINE : deadline })
    while (this.sessions.size > this.maxEntries) {
      this.sessions.delete(this.sessions.keys().next().value)
    }
  }

  /** Removes every expired record; returns how many. */
  prune () {
    const now = Date.now()
    let n = 0
    for (const [id, entry] of this.sessions) {
      if (entry.deadline <= now) {
        this.sessions.delete(id)
        n++
      }
    }
    return n
  }

  _touchEntry (id) {
    const entry = this._live(id, Date.now())
    if (entry) {
      // most recently used moves to the end
      this.sessions.delete(id)
      this.sessions.set(id, entry)
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
    if (entry) defer(callback, null, JSON.parse(entry.json), entry.json)
    else defer(callback, null, undefined)
  }

  set (id, session, callback) {
    const json = JSON.stringify(session)
    this._put(id, json, core.recordDeadline(json))
    if (callback) defer(callback)
  }

  /** The middleware's fast path: the record is already JSON text and its deadline known. */
  [kSetRecord] (id, json, deadline, callback) {
    this._put(id, json, deadline)
    if (callback) defer(callback)
  }

  touch (id, session, callback) {
    const entry = this._live(id, Date.now())
    if (entry) {
      const current = JSON.parse(entry.json)
      current.cookie = session.cookie
      const json = JSON.stringify(current)
      this._put(id, json, core.recordDeadline(json))
    }
    if (callback) defer(callback)
  }

  destroy (id, callback) {
    this.sessions.delete(id)
    if (callback) defer(callback)
  }

  /** `{ id: session }` of every live record, as express-session's MemoryStore. */
  all (callback) {
    const now = Date.now()
    const out = Object.create(null)
    for (const id of [...this.sessions.keys()]) {
      const entry = this._live(id, now)
      if (entry) out[id] = JSON.parse(entry.json)
    }
    if (callback) defer(callback, null, out)
  }

  /** The ids of every live record. */
  ids (callback) {
    this.prune()
    if (callback) defer(callback, null, [...this.sessions.keys()])
  }

  length (callback) {
    this.prune()
    defer(callback, null, this.sessions.size)
  }

  clear (callback) {
    this.sessions.clear()
    if (callback) defer(callback)
  }

  /** Stops the prune timer (it is unref'd: a process never waits for it anyway). */
  close () {
    if (this._timer) clearInterval(this._timer)
  }
}

module.exports = MemoryStore
