'use strict'
/**
 * RedisStore: sessions in Redis or Redis Cluster, laid out as connect-redis lays them out
 * (`<prefix><id>` → the record's JSON text, with a TTL from the record's own deadline), so an app
 * moving from connect-redis keeps its users signed in and connect-redis still reads what this writes.
 *
 * What connect-redis does not do:
 *   - every command is bounded by `operationTimeout`, and every write script refuses to run past its
 *     deadline (checked against Redis's clock): a write that timed out never lands later;
 *   - the middleware's writes are conditional: a new session is created (`NX`), a loaded one is only
 *     updated while its key exists (a save racing a logout never revives it);
 *   - `merge(sid, delta)` applies a request's changes to the record as it is in Redis at write time
 *     (the core merges; a Lua compare-and-set stores the whole string), so overlapping requests lose
 *     nothing; within a process the writes to one id are queued and merged into one compare-and-set;
 *   - `waitReplicas: n` waits for n replicas to acknowledge each write (`WAIT`);
 *   - SCAN on every master of a cluster for all/ids/length/clear (never KEYS, never cross-slot MGET).
 * Failures reach the app with `status` 503 and `code` ESESSIONSTORE_TIMEOUT, _UNAVAILABLE, _CONFLICT
 * or _RECORD; a delta whose session is gone answers ESESSION_GONE (nothing is written).
 */

const Store = require('../express/store')
const { kSetRecord, kGetRecord, kNative } = require('../express/symbols')
const native = require('../native')
const debug = require('../debug')('session-core:redis')
const { adapt } = require('./adapters')
const S = require('./scripts')
const users = require('./users')
const { isSessionKey, GRACE_PREFIX, USER_PREFIX } = require('./layout')

const CREATED_KEEP_MS = 60000 // how long this process remembers the text of a session it created

class RedisStore extends Store {
  /**
   * @param {{ client: object, prefix?: string, ttl?: number | ((sess: object) => number),
   *   disableTouch?: boolean, scanCount?: number, operationTimeout?: number, retries?: number,
   *   waitReplicas?: number }} options
   */
  constructor (options) {
    super()
    const o = options || {}
    this.client = o.client
    this.adapter = adapt(o.client)
    this.prefix = o.prefix === undefined ? 'sess:' : o.prefix
    if (typeof this.prefix !== 'string') throw new TypeError('prefix option must be a string')
    this.ttl = o.ttl === undefined ? 86400 : o.ttl
    if (!(typeof this.ttl === 'function' || (typeof this.ttl === 'number' && this.ttl > 0))) {
      throw new TypeError('ttl option must be a positive number of seconds or a function of the session')
    }
    this.disableTouch = Boolean(o.disableTouch)
    this.scanCount = positive(o, 'scanCount', 100)
    this.operationTimeout = positive(o, 'operationTimeout', 1000)
    this.retries = count(o, 'retries', 10)
    this.waitReplicas = count(o, 'waitReplicas', 0)
    this._queues = new Map() // id -> the merges waiting for the one compare-and-set in flight
    this._created = new Map() // id -> { text, at }: sessions this process created, oldest first
    this._timeouts = new Fifo() // the commands in flight, by deadline (see _bounded)
    this._timer = null
  }

  // ---- the Store interface (callback or Promise) ------------------------------------------------

  get (sid, cb) {
    return done(this._get(sid).then((r) => r && r.sess), cb)
  }

  set (sid, sess, cb) {
    return done(this._text(sess).then((text) => this._write(sid, text, undefined, '', '')), cb)
  }

  touch (sid, sess, cb) {
    if (this.disableTouch) return done(Promise.resolve(), cb)
    return done(this._text(sess).then((text) => this._touch(sid, text)), cb)
  }

  destroy (sid, cb) {
    return done(this._cmd(this.prefix + sid, ['DEL', this.prefix + sid]).then(() => undefined), cb)
  }

  /**
   * Every live session, as connect-redis answers: an array of records, each with its `id`. Sessions
   * only, as ids() and length(): not the per-user index nor the regenerate tombstones (layout.js).
   */
  all (cb) {
    return done(this._sessionKeys().then(async (keys) => {
      const out = []
      await eachLimit(keys, 64, async (key) => {
        const text = await this._cmd(key, ['GET', key])
        if (text === null || text === undefined) return
        const sess = this._parse(text, key)
        sess.id = key.slice(this.prefix.length)
        out.push(sess)
      })
      return out
    }), cb)
  }

  ids (cb) {
    return done(this._sessionKeys().then((keys) => keys.map((k) => k.slice(this.prefix.length))), cb)
  }

  length (cb) {
    return done(this._sessionKeys().then((keys) => keys.length), cb)
  }

  /** Removes everything under the prefix: the sessions, their tombstones and the per-user index. */
  clear (cb) {
    return done(this._keys().then((keys) => eachLimit(keys, 64, (key) => this._cmd(key, ['DEL', key]))).then(() => undefined), cb)
  }

  /**
   * Applies a request's changes to the record as it is in Redis now: GET, `delta.apply(text)` (the
   * core's merge), then a compare-and-set of the whole string. A lost race is retried (jittered
   * backoff, `retries` times) and then answers ESESSIONSTORE_CONFLICT; a key gone (logout, expiry)
   * answers ESESSION_GONE and writes nothing. Merges of one id in this process share one
   * compare-and-set at a time: the ones that arrive while one is in flight go together next.
   */
  merge (sid, delta, cb) {
    return done(new Promise((resolve, reject) => {
      let q = this._queues.get(sid)
      if (!q) {
        q = { running: false, next: [] }
        this._queues.set(sid, q)
      }
      q.next.push({ delta, resolve, reject })
      if (!q.running) this._drain(sid, q)
    }), cb)
  }

  // ---- the per-user index (the middleware's `user` option; js/redis/users.js) -------------------

  /** The middleware indexes a saved session of user `user` (`info`: since, lastSeen, userAgent, expires). */
  indexUser (user, id, info, cb) {
    return done(users.indexUser(this, String(user), id, info || {}), cb)
  }

  /** What a load of session `id` of `user` needs: `{ since, before, kept }`. */
  userState (user, id, cb) {
    return done(users.userState(this, String(user), id), cb)
  }

  /** The user's live sessions, most recently seen first: `{ tag, createdAt, lastSeen, userAgent, current }`. */
  sessionsOf (user, options, cb) {
    if (typeof options === 'function') [options, cb] = [undefined, options]
    return done(users.sessionsOf(this, String(user), options && options.current), cb)
  }

  /** Ends the session of `user` whose tag is `tag`; answers whether there was one. */
  destroySession (user, tag, cb) {
    return done(users.destroySession(this, String(user), tag), cb)
  }

  /** Ends every session of `user` but `options.except` (an id or a tag); answers how many ended. */
  destroyUser (user, options, cb) {
    if (typeof options === 'function') [options, cb] = [undefined, options]
    return done(users.destroyUser(this, String(user), options && options.except), cb)
  }

  /** The store's `ttl` in ms, for a record without an expiry of its own. */
  ttlMs () {
    return typeof this.ttl === 'number' ? this.ttl * 1000 : 86400000
  }

  // ---- the middleware's private path: the record as text, its deadline from the core ------------

  [kGetRecord] (sid, cb) {
    // the text as Redis has it: the middleware's core says whether it is a session record
    const key = this.prefix + sid
    this._cmd(key, ['GET', key]).then((text) => {
      if (text === null || text === undefined) return cb(null, undefined)
      const t = String(text)
      let sess = null
      try {
        sess = JSON.parse(t)
      } catch (e) {}
      cb(null, sess !== null && typeof sess === 'object' ? sess : null, t)
    }, cb)
  }

  /** `how.existing`: loaded from this store under this id, so only updated (XX); else created (NX). */
  [kSetRecord] (sid, text, deadline, how, cb) {
    const existing = Boolean(how && how.existing)
    const created = this._created.get(sid)
    const p = this._write(sid, text, deadline, existing ? 'XX' : 'NX', !existing && created ? created.text : '')
    p.then(() => {
      if (!existing) this._remember(sid, text)
      cb(null)
    }, (err) => {
      if (err.code === 'ESESSION_GONE') {
        debug('session %s was destroyed or expired meanwhile: not written back', this._name(this.prefix + sid))
        return cb(null)
      }
      cb(err)
    })
  }

  // ---- internals ------------------------------------------------------------------------------

  async _get (sid) {
    const key = this.prefix + sid
    const text = await this._cmd(key, ['GET', key])
    if (text === null || text === undefined) return null
    return { sess: this._parse(text, key), text: String(text) }
  }

  _parse (text, key) {
    try {
      const sess = JSON.parse(text)
      if (sess && typeof sess === 'object') return sess
    } catch (e) {}
    throw storeError('ESESSIONSTORE_RECORD', `the value of ${this._name(key)} is not a session record (JSON object)`)
  }

  async _text (sess) {
    try {
      return JSON.stringify(sess)
    } catch (e) {
      throw storeError('ESESSIONSTORE_RECORD', 'the session cannot be stored as JSON: ' + e.message, e)
    }
  }

  /** ms the record should live: from its deadline (the core's rule), else `ttl`. */
  _px (text, deadline) {
    const d = deadline === undefined || deadline === null ? native.recordDeadline(text) : deadline
    if (d !== undefined && d !== null && Number.isFinite(d)) return Math.ceil(d - Date.now())
    const ttl = typeof this.ttl === 'function' ? this.ttl(JSON.parse(text)) : this.ttl
    return Math.ceil(Number(ttl) * 1000)
  }

  /** One write script run; resolves when written (and acknowledged by `waitReplicas`). */
  async _write (sid, text, deadline, mode, expected) {
    const key = this.prefix + sid
    const px = this._px(text, deadline)
    const r = await this._script(key, S.WRITE, [mode, text, px, expected])
    return this._answer(r, key, mode)
  }

  async _answer (r, key, mode) {
    const n = Number(r)
    if (n === S.WRITTEN) return this._waitReplicas(key)
    if (n === S.GONE) throw storeError('ESESSION_GONE', `${this._name(key)} was destroyed or expired`, null, 409)
    if (n === S.EXISTS) throw storeError('ESESSIONSTORE_CONFLICT', `${this._name(key)} already exists (id collision)`)
    if (n === S.LATE) throw storeError('ESESSIONSTORE_TIMEOUT', `the write to ${this._name(key)} reached Redis after its deadline and was refused`)
    return n // S.LOST: for merge to retry
  }

  async _touch (sid, text) {
    const key = this.prefix + sid
    const px = this._px(text)
    const r = await this._script(key, S.TOUCH, [px])
    if (Number(r) === S.LATE) throw storeError('ESESSIONSTORE_TIMEOUT', `the touch of ${this._name(key)} reached Redis after its deadline and was refused`)
  }

  /**
   * EVALSHA (EVAL when the node does not know the script yet) with the deadline as ARGV[1], then
   * `args`: the script refuses to run past the deadline (by Redis's clock).
   */
  async _script (key, script, args) {
    const rest = [Date.now() + this.operationTimeout, ...args]
    if (script.sha === null) {
      this._learn(key, script)
      return this._cmd(key, ['EVAL', script.text, 1, key, ...rest])
    }
    try {
      return await this._cmd(key, ['EVALSHA', script.sha, 1, key, ...rest])
    } catch (err) {
      if (!/NOSCRIPT/.test(err.message)) throw err
      return this._cmd(key, ['EVAL', script.text, 1, key, ...rest])
    }
  }

  /** SCRIPT LOAD once, for the script's SHA1 (no hashing in JS): EVALSHA from then on. */
  _learn (key, script) {
    if (script.loading) return
    script.loading = true
    this._cmd(key, ['SCRIPT', 'LOAD', script.text]).then((sha) => { script.sha = String(sha) }, () => { script.loading = false })
  }

  async _waitReplicas (key) {
    if (!this.waitReplicas) return
    const ms = Math.max(1, Math.floor(this.operationTimeout / 2)) // WAIT answers (with its count) before our own timeout
    const acks = Number(await this._bounded(this.adapter.wait(key, this.waitReplicas, ms), key, null))
    if (!(acks >= this.waitReplicas)) {
      throw storeError('ESESSIONSTORE_UNAVAILABLE', `only ${acks} of ${this.waitReplicas} replicas acknowledged the write to ${this._name(key)}`)
    }
  }

  /**
   * One command, bounded by operationTimeout. While the client is not connected (commands wait in
   * its offline queue), it is also cancelled when the time runs out, where the client can.
   */
  _cmd (key, args) {
    const ac = this.adapter.ready() ? null : new AbortController()
    return this._bounded(this.adapter.send(key, args, ac ? ac.signal : undefined), key, ac)
  }

  /**
   * `pending`, or ESESSIONSTORE_TIMEOUT after operationTimeout. Every command has the same time, so
   * the deadlines come in the order the commands were sent: one timer serves them all (a queue).
   */
  _bounded (pending, key, ac) {
    return new Promise((resolve, reject) => {
      const entry = { at: Date.now() + this.operationTimeout, reject, ac, key, done: false }
      this._timeouts.push(entry)
      if (!this._timer) this._arm()
      pending.then((v) => {
        entry.done = true
        resolve(v)
      }, (err) => {
        entry.done = true
        reject(classify(err))
      })
    })
  }

  _arm () {
    const q = this._timeouts
    while (q.length && q.peek().done) q.shift()
    if (!q.length) {
      this._timer = null
      return
    }
    this._timer = setTimeout(() => this._expire(), Math.max(0, q.peek().at - Date.now()))
  }

  _expire () {
    const q = this._timeouts
    const now = Date.now()
    while (q.length && (q.peek().done || q.peek().at <= now)) {
      const e = q.shift()
      if (e.done) continue
      e.done = true
      if (e.ac) e.ac.abort()
      e.reject(storeError('ESESSIONSTORE_TIMEOUT', `Redis did not answer within ${this.operationTimeout} ms (${this._name(e.key)})`))
    }
    this._arm()
  }

  /** Every key under the prefix: SCAN on each master (never KEYS). */
  async _keys () {
    const masters = await this._bounded(this.adapter.masters(), null, null)
    const pattern = globEscape(this.prefix) + '*'
    const seen = new Set()
    for (const send of masters) {
      let cursor = '0'
      do {
        const [next, keys] = await this._bounded(send(['SCAN', cursor, 'MATCH', pattern, 'COUNT', this.scanCount]), null, null)
        cursor = String(next)
        for (const k of keys) seen.add(String(k))
      } while (cursor !== '0')
    }
    return [...seen]
  }

  /**
   * How a message or debug line names the Redis key `key`: never the key (it holds the session id,
   * or with hashIds its hash): `session <tag>` (the tag of what the store was given: the id, or with
   * hashIds the hashed key), `a user index`, `the tombstone of session <tag>`, or `a scan`.
   */
  _name (key) {
    if (typeof key !== 'string') return 'a scan'
    const rest = key.startsWith(this.prefix) ? key.slice(this.prefix.length) : key
    if (rest.startsWith(USER_PREFIX)) return 'a user index'
    if (rest.startsWith(GRACE_PREFIX)) return 'the tombstone of session ' + native.tag(rest.slice(GRACE_PREFIX.length))
    return rest === '' ? 'a session' : 'session ' + native.tag(rest)
  }

  /** The keys of the sessions under the prefix (layout.js). */
  async _sessionKeys () {
    return (await this._keys()).filter((k) => isSessionKey(k.slice(this.prefix.length)))
  }

  _remember (sid, text) {
    const now = Date.now()
    this._created.delete(sid)
    this._created.set(sid, { text, at: now })
    for (const [id, e] of this._created) {
      if (now - e.at < CREATED_KEEP_MS && this._created.size <= 10000) break
      this._created.delete(id)
    }
  }

  /** Runs the queued merges of `sid`: all that are waiting go into one compare-and-set. */
  async _drain (sid, q) {
    q.running = true
    while (q.next.length) {
      const batch = q.next
      q.next = []
      try {
        await this._mergeBatch(sid, batch.map((b) => b.delta))
        for (const b of batch) b.resolve()
      } catch (err) {
        for (const b of batch) b.reject(err)
      }
    }
    q.running = false
    this._queues.delete(sid)
  }

  async _mergeBatch (sid, deltas) {
    const key = this.prefix + sid
    // First try: the record as the request loaded it (`delta.base`; still there unless someone wrote
    // meanwhile, which the compare-and-set tells), whose merged result is `delta.record`: no GET.
    // Afterwards: as Redis has it now, with the deltas applied by the core.
    const first = deltas[0]
    let known = typeof first.base === 'string' && typeof first.record === 'string' ? first.base : undefined
    for (let attempt = 0; ; attempt++) {
      const stored = known !== undefined ? known : await this._cmd(key, ['GET', key])
      if (stored === null || stored === undefined) throw storeError('ESESSION_GONE', `${this._name(key)} was destroyed or expired`, null, 409)
      let text = String(stored)
      try {
        for (const d of deltas) text = d === first && known !== undefined ? d.record : d.apply(text)
      } catch (e) {
        throw storeError('ESESSIONSTORE_RECORD', `the record of ${this._name(key)} cannot take the changes: ${e.message}`, e)
      }
      const last = deltas[deltas.length - 1]
      const deadline = last.expires === undefined ? undefined : last.expires
      const px = this._px(text, deadline === null ? undefined : deadline)
      known = undefined
      const r = await this._script(key, S.WRITE, ['CAS', text, px, String(stored)])
      if ((await this._answer(r, key, 'CAS')) !== S.LOST) return
      if (attempt >= this.retries) {
        throw storeError('ESESSIONSTORE_CONFLICT', `${this._name(key)} kept changing: gave up after ${this.retries} retries`)
      }
      const wait = Math.min(200, 2 * 2 ** attempt) * (0.5 + Math.random())
      debug('merge of %s lost a race (attempt %d): retrying in %d ms', this._name(key), attempt + 1, Math.round(wait))
      await new Promise((resolve) => setTimeout(resolve, wait))
    }
  }
}

RedisStore.prototype.get[kNative] = true
RedisStore.prototype.set[kNative] = true

// ---- helpers ------------------------------------------------------------------------------------

// util.inspect / console.log: the settings only, never an id, a record or the client's password (js/redact.js)
require('../redact').define(RedisStore.prototype, function inspect (depth, options, inspect) {
  return require('../redact').show('RedisStore', {
    family: this.adapter.family, cluster: this.adapter.cluster, prefix: this.prefix, operationTimeout: this.operationTimeout, retries: this.retries, waitReplicas: this.waitReplicas
  }, depth, options, inspect)
})

function positive (o, name, dflt) {
  const v = o[name] === undefined ? dflt : o[name]
  if (!(typeof v === 'number' && v > 0 && Number.isFinite(v))) throw new TypeError(`${name} option must be a positive number`)
  return v
}

function count (o, name, dflt) {
  const v = o[name] === undefined || o[name] === null ? dflt : o[name]
  if (!(Number.isInteger(v) && v >= 0)) throw new TypeError(`${name} option must be a whole number >= 0`)
  return v
}

/** A callback, or the Promise itself (marked handled only when a callback takes the outcome). */
function done (promise, cb) {
  if (typeof cb !== 'function') return promise
  promise.then((v) => cb(null, v), (err) => cb(err))
  return undefined
}

function storeError (code, message, cause, status) {
  const err = new Error(message)
  err.code = code
  err.status = err.statusCode = status || 503
  err.expose = false
  if (cause) err.cause = cause
  return err
}

// Errors Redis answered that say the store cannot serve right now (failover, loading, cluster down)
const UNAVAILABLE_REPLY = /^(READONLY|LOADING|MASTERDOWN|CLUSTERDOWN|TRYAGAIN|BUSY|NOREPLICAS|MOVED|ASK)\b/

function classify (err) {
  if (err && typeof err.code === 'string' && err.code.startsWith('ESESSION')) return err
  const message = (err && err.message) || String(err)
  if (/^NOSCRIPT/.test(message)) return err // retried with EVAL
  let code = 'ESESSIONSTORE_UNAVAILABLE'
  if (/^WRONGTYPE/.test(message)) code = 'ESESSIONSTORE_RECORD'
  else if (err && err.name === 'AbortError') code = 'ESESSIONSTORE_TIMEOUT'
  else if (UNAVAILABLE_REPLY.test(message)) code = 'ESESSIONSTORE_UNAVAILABLE'
  return storeError(code, 'Redis: ' + message, err)
}

function globEscape (s) {
  return s.replace(/[*?[\]\\]/g, '\\$&')
}

/** A queue with O(1) push and shift (an array with a moving head, compacted now and then). */
class Fifo {
  constructor () {
    this.items = []
    this.head = 0
  }

  get length () { return this.items.length - this.head }
  push (x) { this.items.push(x) }
  peek () { return this.items[this.head] }
  shift () {
    const x = this.items[this.head++]
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head)
      this.head = 0
    }
    return x
  }
}

async function eachLimit (items, limit, fn) {
  let i = 0
  const worker = async () => {
    while (i < items.length) await fn(items[i++])
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
}

module.exports = RedisStore
module.exports.storeError = storeError
