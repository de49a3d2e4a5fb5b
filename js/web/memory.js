/**
 * The default store of session-core/web: records in this isolate's memory, for development and a
 * single process. No timer: records past their deadline are dropped when read, and the whole map is
 * swept lazily (at most once a minute, on a write) — workerd forbids timers at global scope, and a
 * Worker isolate may be frozen between requests. At most `maxEntries` records are kept (the least
 * recently used goes first). Records are JSON text; the deadline is the one the core decided.
 */

import redact from '../redact.js'

const { show } = redact

const SWEEP_EVERY = 60000
const kRecord = Symbol.for('session-core.web.record')
const custom = Symbol.for('nodejs.util.inspect.custom')

export class MemoryStore {
  constructor (options) {
    const max = options && options.maxEntries !== undefined ? options.maxEntries : 10000
    if (!(Number.isInteger(max) && max > 0)) throw new TypeError('maxEntries option must be a positive integer')
    this.maxEntries = max
    this.records = new Map() // id -> { text, deadline }, least recently used first
    this.swept = 0
  }

  get size () { return this.records.size }

  /** The record's text, or null (none, or past its deadline). */
  async get (id) { return this[kRecord](id) }

  [kRecord] (id) {
    const r = this.records.get(id)
    if (r === undefined) return null
    if (r.deadline <= Date.now()) {
      this.records.delete(id)
      return null
    }
    this.records.delete(id)
    this.records.set(id, r)
    return r.text
  }

  /**
   * `record` is the session record (an object, or its JSON text); `info.deadline` ms, or none;
   * `info.existing`: a session loaded from here, written only while its record is still here (a
   * write racing a logout, a regenerate or an expiry never brings it back).
   */
  async set (id, record, info) {
    if (info && info.existing && this[kRecord](id) === null) return
    const text = typeof record === 'string' ? record : JSON.stringify(record)
    const deadline = info && typeof info.deadline === 'number' ? info.deadline : Infinity
    this.records.delete(id)
    this.records.set(id, { text, deadline })
    this.sweep()
  }

  async touch (id, record, info) {
    const r = this.records.get(id)
    if (r === undefined) return
    if (info && typeof info.deadline === 'number') r.deadline = info.deadline
    if (typeof record === 'string') r.text = record
  }

  async destroy (id) { this.records.delete(id) }

  /** util.inspect / console.log: counts only, never an id or a record (js/redact.js's rules). */
  [custom] (depth, options, inspect) {
    return show('MemoryStore', { sessions: this.records.size, maxEntries: this.maxEntries }, depth, options, inspect)
  }

  /** Drops expired records (at most once a minute), then the oldest past `maxEntries`. */
  sweep () {
    const now = Date.now()
    if (now - this.swept >= SWEEP_EVERY) {
      this.swept = now
      for (const [id, r] of this.records) if (r.deadline <= now) this.records.delete(id)
    }
    while (this.records.size > this.maxEntries) this.records.delete(this.records.keys().next().value)
  }
}

export { kRecord }

/**
 * The request flow's store calls (../flow/stores.js's shape) over a MemoryStore: records as text
 * both ways, a loaded session written only while its record is there. It answers in the check
 * phase where the runtime has setImmediate (Node, Bun), as the Express door's MemoryStore does, so
 * the requests of one event-loop turn are handled, and answered, together; elsewhere on a
 * microtask. No timer bounds it (it cannot hang). It keeps no per-user index.
 */
export function memoryCalls (store) {
  const later = typeof setImmediate === 'function'
    ? (cb, err, a, b) => setImmediate(cb, err, a, b)
    : (cb, err, a, b) => queueMicrotask(() => cb(err, a, b))
  return {
    store,
    merges: false,
    touches: true,
    indexes: false,
    takesRecord: true,
    get (key, cb) {
      const text = store[kRecord](key)
      if (text === null) return later(cb, null, undefined)
      let obj = null
      try {
        obj = JSON.parse(text)
      } catch (e) {} // no JSON: the core says what it is
      later(cb, null, obj !== null && typeof obj === 'object' ? obj : null, text)
    },
    save (key, text, deadline, existing, session, empty, cb) {
      store.set(key, text, { deadline, existing }).then(() => later(cb, null), (err) => later(cb, err))
    },
    touch (key, text, deadline, session, cb) {
      store.touch(key, text, { deadline }).then(() => later(cb, null), (err) => later(cb, err))
    },
    destroy (key, cb) {
      store.destroy(key).then(() => later(cb, null), (err) => later(cb, err))
    },
    merge (key, delta, cb) {
      later(cb, new Error('the MemoryStore does not merge'))
    },
    userState (user, key, cb) {
      later(cb, null, {})
    },
    indexUser (user, key, info, cb) {
      later(cb, null)
    }
  }
}
