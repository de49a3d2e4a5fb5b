'use strict'
/**
 * The door-parity runner (tests/parity/server.json, client.json): each row of a table — options, the
 * store's contents before, a fixed clock and fixed ids, requests in order with what the handler does
 * — run through one door on one store, and the outcome of every request taken down in the table's
 * own terms: the status (and the error's code), the body (what the handler read), every Set-Cookie,
 * Vary, Cache-Control, the id header, the store effects in order (kind and key) and the store's
 * contents afterwards. tests/node/door-parity.test.js compares them with the rows' `expect`;
 * tests/door_parity.rs does the same for the Rust layers.
 *
 * Doors: session-core/express on Express 4 and 5 (supertest), session-core/web on Hono in-process
 * (app.fetch), session-core/cookie-session on Express 4 and 5; the oracles: express-session 1.19
 * and cookie-session 2.1. Stores: session-core/redis on a real redis-server (shared, flushed per
 * row), and the door's own memory store. Store calls are seen through a recording view of the
 * store (every method forwarded, the private fast paths too, so the door takes the same path as
 * with the bare store). The clock is Date.now, stubbed for the row; ids come from genid.
 */
const path = require('node:path')
const crypto = require('node:crypto')
const request = require('supertest')
const { dir } = require('./pkg')

const SERVER = require('../parity/server.json')
const CLIENT = require('../parity/client.json')

/** A request that never ends (a store that never answers, with no timeout behind it) is cut off after this. */
const HANG_MS = 1000

// ---- ids, clock, cookies -----------------------------------------------------------------------

/** The n-th id genid gives in a row (1-based), as the table's `idPattern` says. */
function idOf (table, n) {
  return table.idPattern.prefix + String(n).padStart(table.idPattern.width, '0')
}

/** A jar of cookies by name, as a browser keeps them: a Set-Cookie that expires a cookie removes it. */
function jarUpdate (jar, setCookies) {
  const next = new Map(jar)
  for (const h of setCookies) {
    const pair = h.split(';')[0]
    const eq = pair.indexOf('=')
    const name = pair.slice(0, eq)
    const value = pair.slice(eq + 1)
    if (value === '' || /;\s*expires=Thu, 01 Jan 1970 00:00:00 GMT/i.test(h) || /;\s*max-age=0(;|$)/i.test(h)) next.delete(name)
    else next.set(name, value)
  }
  return next
}

const jarHeader = (jar) => (jar.size === 0 ? null : [...jar].map(([n, v]) => `${n}=${v}`).join('; '))

/** The jar holding what a request sent when its Cookie header is written out in the table (the browser had those). */
function jarSent (jar, spec, header) {
  if (typeof spec !== 'string' || spec === 'jar' || /^jar:\d+$/.test(spec) || header === null) return jar
  const next = new Map(jar)
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0) next.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim())
  }
  return next
}

/**
 * The Cookie header a request sends (`cookie` in the table): absent or null (none), "jar" (the
 * browser's cookies now), "jar:N" (as they were after request N), or the header as written.
 */
function cookieFor (spec, jar, jars) {
  if (spec === undefined || spec === null) return null
  if (spec === 'jar') return jarHeader(jar)
  const m = /^jar:(\d+)$/.exec(spec)
  if (m) return jarHeader(jars[Number(m[1])] || new Map())
  return spec
}

/** The id header a request sends (`idHeader`): absent (none), "resp:N" (what response N carried in it), or as written. */
function idHeaderFor (spec, outcomes) {
  if (spec === undefined) return undefined
  const m = typeof spec === 'string' ? /^resp:(\d+)$/.exec(spec) : null
  if (m) {
    const v = outcomes[Number(m[1])] && outcomes[Number(m[1])].idHeader
    return v === null || v === undefined ? undefined : v
  }
  return spec
}

// ---- the recording view of a store -------------------------------------------------------------

const expressSymbols = require(path.join(dir, 'express', 'symbols.js'))
const kWebRecord = Symbol.for('session-core.web.record')
const GRACE_PREFIX = 'regenerated:'

/** The effect kind of a store call (null: not one the table records). */
function kindOf (method, key) {
  switch (method) {
    case 'get': case expressSymbols.kGetRecord: case kWebRecord: return 'load'
    case 'set': case expressSymbols.kSetRecord: return typeof key === 'string' && key.startsWith(GRACE_PREFIX) ? 'tombstone' : 'save'
    case 'merge': return 'merge'
    case 'touch': return 'touch'
    case 'destroy': return 'destroy'
    case 'indexUser': return 'index'
    case 'userState': return 'userState'
    default: return null
  }
}

const RECORDED = ['get', 'set', 'merge', 'touch', 'destroy', expressSymbols.kGetRecord, expressSymbols.kSetRecord, kWebRecord]
const RECORDED_USER = ['indexUser', 'userState']

/**
 * A view of `store` that logs each call's effect in `ctl.log` as [kind, key] and forwards it; the
 * kinds named in `ctl.hang` never answer (neither callback nor Promise). A store's private marks
 * (its get/set/merge being the MemoryStore's own) are kept, so the door takes the same path. With
 * `foreign`, a plain object with the public methods only (a third-party store: what a store that
 * hangs is), so no door takes it for its own.
 */
function recording (store, ctl, foreign) {
  const view = foreign ? {} : Object.create(store)
  const wrap = (name, keyArg) => {
    const orig = store[name]
    if (typeof orig !== 'function') return
    const f = function (...args) {
      const key = args[keyArg]
      const kind = kindOf(name, key)
      if (kind !== null) ctl.log.push([kind, typeof key === 'string' ? key : String(key)])
      if (kind !== null && ctl.hang.includes(kind)) return new Promise(() => {})
      return orig.apply(store, args)
    }
    // the same arity: a door may tell a synchronous store by it (session-core/web's callStore does)
    Object.defineProperty(f, 'length', { value: orig.length })
    if (!foreign && orig[expressSymbols.kNative] === true) f[expressSymbols.kNative] = true
    view[name] = f
  }
  for (const m of RECORDED) if (!(foreign && typeof m === 'symbol')) wrap(m, 0)
  for (const m of RECORDED_USER) wrap(m, 1)
  if (foreign) for (const m of ['destroyUser', 'on']) if (typeof store[m] === 'function') view[m] = store[m].bind(store)
  return view
}

// ---- stores ------------------------------------------------------------------------------------

/**
 * The stores a door runs a row on, each `{ store (the door's store object), seed(key, text,
 * deadline), dump() → { key: text }, destroyUser(user), raw }`. Records are seeded as a store
 * that honours deadlines holds them: one past its deadline is not there.
 */
function deadlineOf (text) {
  try {
    const c = JSON.parse(text).cookie
    const e = c && typeof c === 'object' && typeof c.expires === 'string' ? Date.parse(c.expires) : NaN
    return Number.isFinite(e) ? e : null
  } catch (e) {
    return null
  }
}

async function redisStore (redis, prefix = 'sess:') {
  const { RedisStore } = require(path.join(dir, 'redis'))
  const store = new RedisStore({ client: redis.client, prefix })
  return {
    store,
    async seed (key, text, deadline) {
      const px = deadline === null ? 86400000 : deadline - Date.now()
      if (px > 0) await redis.client.sendCommand(['SET', prefix + key, text, 'PX', String(px)])
    },
    async dump () {
      const out = {}
      const keys = (await redis.client.sendCommand(['KEYS', prefix + '*'])).map(String).sort()
      for (const k of keys) {
        const rest = k.slice(prefix.length)
        if (rest.startsWith('user:{')) continue // the per-user index: seen through its effects
        if (String(await redis.client.sendCommand(['TYPE', k])) !== 'string') continue
        out[rest] = String(await redis.client.sendCommand(['GET', k]))
      }
      return out
    },
    destroyUser: (user) => store.destroyUser(user)
  }
}

function expressMemoryStore () {
  const MemoryStore = require(path.join(dir, 'express')).MemoryStore
  const store = new MemoryStore({ pruneInterval: 0 })
  return {
    store,
    seed (key, text, deadline) {
      if (deadline !== null && deadline <= Date.now()) return
      store.sessions.set(key, { json: text, deadline: deadline === null ? Infinity : deadline })
    },
    dump () {
      const out = {}
      const now = Date.now()
      for (const map of [store.sessions, store.empty]) for (const [k, e] of map) if (e.deadline > now) out[k] = e.json
      return sorted(out)
    },
    destroyUser: (user) => store.destroyUser(user)
  }
}

async function webMemoryStore () {
  const web = await import(path.join(dir, 'web', 'index.node.js'))
  const store = new web.MemoryStore()
  return {
    store,
    seed (key, text, deadline) {
      if (deadline !== null && deadline <= Date.now()) return
      store.records.set(key, { text, deadline: deadline === null ? Infinity : deadline })
    },
    dump () {
      const out = {}
      const now = Date.now()
      for (const [k, r] of store.records) if (r.deadline > now) out[k] = r.text
      return sorted(out)
    },
    destroyUser: (user) => { throw new Error(`web's MemoryStore has no per-user index (destroyUser ${typeof user})`) }
  }
}

function expressSessionMemoryStore () {
  const { MemoryStore } = require('express-session')
  const store = new MemoryStore()
  return {
    store,
    seed (key, text, deadline) {
      if (deadline !== null && deadline <= Date.now()) return
      store.sessions[key] = text
    },
    dump () {
      const out = {}
      const now = Date.now()
      for (const k of Object.keys(store.sessions)) {
        const d = deadlineOf(store.sessions[k])
        if (d === null || d > now) out[k] = store.sessions[k]
      }
      return sorted(out)
    },
    destroyUser: () => { throw new Error('express-session has no per-user index') }
  }
}

function sorted (o) {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1)))
}

/**
 * Redis follows the row's clock: when it moves on by `ms`, every key's time to live is shortened by
 * as much (a key whose time runs out goes), as if that time had passed.
 */
const SHIFT = "local n = 0 for _, k in ipairs(redis.call('KEYS', '*')) do local p = redis.call('PTTL', k) if p > 0 then " +
  "if p - tonumber(ARGV[1]) <= 0 then redis.call('DEL', k) n = n + 1 else redis.call('PEXPIRE', k, p - tonumber(ARGV[1])) end end end return n"

async function shiftRedis (redis, ms) {
  if (ms > 0) await redis.client.sendCommand(['EVAL', SHIFT, '0', String(ms)])
}

// ---- the handler: what a request does with its session -----------------------------------------

/**
 * The row's `do` list on a session (`get()` gives the request's session now: regenerate replaces it
 * in Express). `callbacks`: the asynchronous methods called with a callback, as express-session
 * (which has no Promises) and its drop-in take them; else their Promises are awaited (web).
 */
async function perform (actions, get, callbacks) {
  const out = {}
  const call = (s, method, ...args) => (callbacks
    ? new Promise((resolve, reject) => s[method](...args, (err) => (err ? reject(err) : resolve())))
    : s[method](...args))
  for (const [op, a, b] of actions) {
    const s = get()
    if (op === 'get') {
      out[a] = s && s[a] !== undefined ? s[a] : null
      continue
    }
    if (!s) continue // no session here (outside the cookie's path): nothing to do
    if (op === 'set') s[a] = b
    else if (op === 'regenerate') await (a ? call(s, 'regenerate', a) : call(s, 'regenerate'))
    else if (op === 'destroy') await call(s, 'destroy')
    else if (op === 'save') await call(s, 'save')
    else if (op === 'touch') s.touch()
    else if (op === 'increment') s.increment(a, b)
    else if (op === 'reload') await call(s, 'reload')
    else throw new Error('unknown action ' + op)
  }
  return out
}

// ---- the doors ---------------------------------------------------------------------------------

/** The row's options in this door's terms: the door-neutral `user` (a data key) as the door's function. */
function serverOptions (row, req, door, store, genid) {
  const o = { ...row.options }
  delete o.user
  o.secret = req.secret || row.options.secret || SERVER.secret
  o.store = store
  o.genid = genid
  const key = row.options.user
  if (key !== undefined) {
    o.user = door === 'web' ? (sess) => sess[key] : (r) => r.session && r.session[key]
  }
  return o
}

function errorBody (err) {
  return { status: err.status || err.statusCode || 500, code: typeof err.code === 'string' ? err.code : null }
}

/** One request through session-core/express (or express-session) on `express`. */
async function viaExpress (express, session, options, req, actions, header) {
  const app = express()
  app.use(session(options))
  app.use((rq, rs, next) => {
    perform(actions, () => rq.session, true).then((out) => rs.json(out), next)
  })
  app.use((err, rq, rs, next) => {
    if (rs.headersSent) return next(err)
    const e = errorBody(err)
    rs.status(e.status).json({ code: e.code })
  })
  let r = request(app)[req.method.toLowerCase()](req.path)
  if (req.cookieHeader !== null) r = r.set('Cookie', req.cookieHeader)
  if (req.idHeaderValue !== undefined) r = r.set(header, req.idHeaderValue)
  let res
  try {
    res = await r.timeout(HANG_MS)
  } catch (e) {
    return { status: e.timeout ? 'hang' : 'reset' }
  }
  const body = res.body || {}
  return {
    status: res.status,
    code: res.status >= 400 ? (body.code === undefined ? null : body.code) : null,
    body: res.status >= 400 ? null : body,
    setCookie: res.headers['set-cookie'] || [],
    vary: res.headers.vary === undefined ? null : res.headers.vary,
    cacheControl: res.headers['cache-control'] === undefined ? null : res.headers['cache-control'],
    idHeader: header && res.headers[header] !== undefined ? res.headers[header] : null
  }
}

/**
 * A Hono app (in process) whose every request gets session-core/web's session, at
 * `c.get('session')`, applied to the response; `route` answers every request, `onError` its errors.
 */
async function honoApp (options, route, onError) {
  const { Hono } = await import('hono')
  const web = await import(path.join(dir, 'web', 'index.node.js'))
  const app = new Hono()
  app.use('*', async (c, next) => {
    const sess = await web.getSession(c.req.raw, options)
    c.set('session', sess)
    await next()
    const res = await sess.apply(c.res)
    if (res !== c.res) {
      c.res = undefined
      c.res = res
    }
  })
  app.all('*', route)
  app.onError(onError)
  return app
}

/** What a row compares of a Fetch response from session-core/web. */
async function webOutcome (res) {
  const body = await res.json().catch(() => null)
  return {
    status: res.status,
    code: res.status >= 400 ? (body && body.code !== undefined ? body.code : null) : null,
    body: res.status >= 400 ? null : body,
    setCookie: res.headers.getSetCookie(),
    vary: res.headers.get('vary'),
    cacheControl: res.headers.get('cache-control')
  }
}

/** One request through session-core/web on Hono (in process: app.fetch). */
async function viaWeb (options, req, actions, header, kind) {
  const app = await honoApp(options, async (c) => c.json(await perform(actions, () => c.get('session'), false)), (err, c) => {
    // the session's error carries the headers the flow gives every response it touched (Vary)
    const e = errorBody(err)
    return c.json({ code: e.code }, e.status, err.headers)
  })
  const headers = {}
  if (req.cookieHeader !== null) headers.cookie = req.cookieHeader
  if (req.idHeaderValue !== undefined) headers[header] = req.idHeaderValue
  let timer
  const hung = new Promise((resolve) => { timer = setTimeout(() => resolve(null), HANG_MS) })
  const res = await Promise.race([app.fetch(new Request('http://door.test' + req.path, { method: req.method, headers })), hung])
  clearTimeout(timer)
  if (res === null) return { status: 'hang' }
  return { ...await webOutcome(res), idHeader: header ? res.headers.get(header) : null }
}

const EXPRESS = { express4: () => require('express4'), express5: () => require('express5') }

/**
 * Runs one server row through `door` ('express4', 'express5', 'web', or the oracle
 * 'express-session') on `storeKind` ('redis', 'memory'); answers the outcome of each request.
 */
async function runServerRow (row, door, storeKind, redis) {
  const realNow = Date.now
  let clock = SERVER.t0
  Date.now = () => clock
  const ctl = { log: [], hang: [] }
  let n = 0
  const genid = () => idOf(SERVER, ++n)
  const outcomes = []
  try {
    let s
    if (storeKind === 'redis') {
      await redis.client.sendCommand(['FLUSHALL'])
      s = await redisStore(redis)
    } else if (door === 'web') s = await webMemoryStore()
    else if (door === 'express-session') s = expressSessionMemoryStore()
    else s = expressMemoryStore()
    for (const [key, v] of Object.entries(row.store || {})) {
      const rec = typeof v === 'string' ? { text: v } : v
      await s.seed(key, rec.text, rec.deadline === undefined ? deadlineOf(rec.text) : rec.deadline)
    }
    const foreign = row.requests.some((r) => r.hang)
    const store = recording(s.store, ctl, foreign)
    const header = typeof row.options.header === 'string' ? row.options.header.toLowerCase() : null
    let jar = new Map()
    const jars = []
    const optionsBy = new Map()
    for (const [i, r] of row.requests.entries()) {
      const at = SERVER.t0 + (r.at || 0)
      if (storeKind === 'redis') await shiftRedis(redis, at - clock)
      clock = at
      for (const [op, user] of r.before || []) {
        if (op === 'destroyUser') await s.destroyUser(user)
        else throw new Error('unknown before action ' + op)
      }
      const req = {
        method: r.method || 'GET',
        path: r.path || '/',
        secret: r.secret,
        cookieHeader: cookieFor(r.cookie, jar, jars),
        idHeaderValue: idHeaderFor(r.idHeader, outcomes)
      }
      ctl.log = []
      ctl.hang = r.hang || []
      // one options object per secret list: a door may check an options object once (web caches it by identity)
      const optKey = JSON.stringify(req.secret || null)
      if (!optionsBy.has(optKey)) optionsBy.set(optKey, serverOptions(row, req, door === 'web' ? 'web' : 'express', store, genid))
      const options = optionsBy.get(optKey)
      let out
      if (door === 'web') out = await viaWeb(options, req, r.do || [], header)
      else if (door === 'express-session') out = await viaExpress(EXPRESS.express5(), require('express-session'), options, req, r.do || [], header)
      else out = await viaExpress(EXPRESS[door](), require(path.join(dir, 'express')), options, req, r.do || [], header)
      await new Promise((resolve) => setImmediate(resolve))
      out.effects = ctl.log
      out.store = await s.dump()
      jar = jarSent(jar, r.cookie, req.cookieHeader)
      if (out.setCookie) jar = jarUpdate(jar, out.setCookie)
      jars[i] = jar
      outcomes.push(out)
    }
  } finally {
    Date.now = realNow
  }
  return outcomes
}

// ---- the client kind ---------------------------------------------------------------------------

/** The row's options in this door's terms: `notBefore` as a function of the session's data. */
function clientOptions (row, req, door) {
  const o = { ...row.options }
  o.keys = req.keys || row.options.keys || CLIENT.keys
  const nb = row.options.notBefore
  if (nb !== undefined) {
    delete o.notBefore
    o.notBefore = (sess) => {
      const v = sess[nb.key]
      return typeof v === 'string' && Object.prototype.hasOwnProperty.call(nb.cut, v) ? CLIENT.t0 + nb.cut[v] : null
    }
  }
  if (door === 'web') o.kind = 'client'
  return o
}

/** The client kind's handler: cookie-session has no regenerate; destroy is `req.session = null`. */
async function performClient (actions, get, unset) {
  const out = {}
  for (const [op, a, b] of actions) {
    const s = get()
    if (op === 'get') out[a] = s && s[a] !== undefined ? s[a] : null
    else if (op === 'set') s[a] = b
    else if (op === 'destroy') await unset()
    else throw new Error('unknown client action ' + op)
  }
  return out
}

async function viaClientExpress (express, cookieSession, options, req, actions) {
  const app = express()
  app.use(cookieSession(options))
  app.use((rq, rs, next) => {
    performClient(actions, () => rq.session, () => { rq.session = null }).then((out) => rs.json(out), next)
  })
  app.use((err, rq, rs, next) => {
    if (rs.headersSent) return next(err)
    const e = errorBody(err)
    rs.status(e.status).json({ code: e.code })
  })
  let r = request(app)[req.method.toLowerCase()](req.path)
  if (req.cookieHeader !== null) r = r.set('Cookie', req.cookieHeader)
  const res = await r
  const body = res.body || {}
  return {
    status: res.status,
    code: res.status >= 400 ? (body.code === undefined ? null : body.code) : null,
    body: res.status >= 400 ? null : body,
    setCookie: res.headers['set-cookie'] || [],
    vary: res.headers.vary === undefined ? null : res.headers.vary,
    cacheControl: res.headers['cache-control'] === undefined ? null : res.headers['cache-control']
  }
}

async function viaClientWeb (options, req, actions) {
  const app = await honoApp(options, async (c) => c.json(await performClient(actions, () => c.get('session'), () => c.get('session').destroy())), (err, c) => {
    const e = errorBody(err)
    return c.json({ code: e.code }, e.status)
  })
  const headers = {}
  if (req.cookieHeader !== null) headers.cookie = req.cookieHeader
  const res = await app.fetch(new Request('http://door.test' + req.path, { method: req.method, headers }))
  return webOutcome(res)
}

/**
 * A sealed value differs on every write (a fresh nonce): in the outcome each is opened with the
 * row's keys and shown as `[sealed with key <index>: <payload>]` (tests/node/unseal.js's form), so
 * outcomes compare byte for byte everywhere else.
 */
function unsealAll (setCookies, keys) {
  const wasm = require('./test-build')
  return setCookies.map((h) => {
    const eq = h.indexOf('=')
    const name = h.slice(0, eq)
    const rest = h.slice(eq + 1)
    if (!rest.startsWith('sc1.')) return h
    const end = rest.indexOf(';') < 0 ? rest.length : rest.indexOf(';')
    const opened = JSON.parse(wasm.openSealed(keys, name, rest.slice(0, end)))
    const shown = opened.error ? `[does not open: ${opened.error}]` : `[sealed with key ${opened.index}: ${opened.payload}]`
    return `${name}=${shown}${rest.slice(end)}`
  })
}

/** Runs one client row through `door` ('cookie-session4', 'cookie-session5', 'web', or the oracle 'cookie-session'). */
async function runClientRow (row, door) {
  const realNow = Date.now
  let clock = CLIENT.t0
  Date.now = () => clock
  const outcomes = []
  try {
    let jar = new Map()
    const jars = []
    for (const [i, r] of row.requests.entries()) {
      clock = CLIENT.t0 + (r.at || 0)
      const req = { method: r.method || 'GET', path: r.path || '/', keys: r.keys, cookieHeader: cookieFor(r.cookie, jar, jars) }
      const options = clientOptions(row, req, door)
      let out
      if (door === 'web') out = await viaClientWeb(options, req, r.do || [])
      else if (door === 'cookie-session') out = await viaClientExpress(EXPRESS.express5(), require('cookie-session'), options, req, r.do || [])
      else out = await viaClientExpress(EXPRESS[door === 'cookie-session4' ? 'express4' : 'express5'](), require(path.join(dir, 'cookie-session')), options, req, r.do || [])
      jar = jarUpdate(jarSent(jar, r.cookie, req.cookieHeader), out.setCookie)
      jars[i] = jar
      out.setCookie = unsealAll(out.setCookie, row.options.keys || CLIENT.keys)
      outcomes.push(out)
    }
  } finally {
    Date.now = realNow
  }
  return outcomes
}

// ---- comparing ---------------------------------------------------------------------------------

const SERVER_FIELDS = ['status', 'code', 'body', 'setCookie', 'vary', 'cacheControl', 'idHeader', 'effects', 'store']
const CLIENT_FIELDS = ['status', 'code', 'body', 'setCookie', 'vary', 'cacheControl']

/**
 * The differences between a row's expected requests and the outcomes, as lines ("request 2
 * setCookie: expected … got …"); `ignore` names fields not compared (an oracle's deviations).
 * `mapExpected(field, value)` adapts an expectation to a store's capabilities (see the test file).
 */
function differences (row, outcomes, fields, ignore = () => false, mapExpected = (f, v) => v) {
  const out = []
  for (const [i, r] of row.requests.entries()) {
    const got = outcomes[i]
    if (got === undefined) {
      out.push(`request ${i}: not run`)
      continue
    }
    for (const f of fields) {
      if (ignore(f, i)) continue
      if (!(f in r.expect)) {
        out.push(`request ${i} ${f}: no expectation written in the table`)
        continue
      }
      const want = mapExpected(f, r.expect[f])
      const have = got[f] === undefined ? null : got[f]
      if (JSON.stringify(want) !== JSON.stringify(have)) out.push(`request ${i} ${f}: expected ${JSON.stringify(want)} got ${JSON.stringify(have)}`)
    }
  }
  return out
}

/** express-session's cookie for `id` under `secret` (cookie-signature), for writing tables. */
function signedCookie (id, secret, name = 'connect.sid') {
  const mac = crypto.createHmac('sha256', secret).update(id).digest('base64').replace(/=+$/, '')
  return `${name}=${encodeURIComponent(`s:${id}.${mac}`)}`
}

module.exports = {
  SERVER, CLIENT, SERVER_FIELDS, CLIENT_FIELDS, runServerRow, runClientRow, differences, idOf, signedCookie
}
