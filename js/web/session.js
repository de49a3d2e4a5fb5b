/**
 * session-core/web: sessions for a Web `Request` and `Response` (Hono, Bun.serve, Deno.serve,
 * Cloudflare Workers, route handlers). The same options, cookies and records as
 * session-core/express (server-side: a store holds the record, the cookie holds the signed id) and
 * session-core/cookie-session (`kind: 'client'`: the session in a signed or encrypted cookie). A
 * server-side session's request is the core's flow (src/flow/), driven by the same module as the
 * Express door's (../flow/server.js); this file reads the request, asks the app what only it knows
 * (genid, cookie, header, user, notBefore), calls the store and writes the response.
 *
 * `makeWeb(load)` is shared by the per-runtime entries (index.*.js): `load()` gives the initialised
 * web-target glue (or a Promise of it), and is called on the first getSession(), never at import.
 */

import { crossing } from './core.js'
import options from '../options.js'
import { MemoryStore, memoryCalls } from './memory.js'
import client from '../flow/client.js'
import ops from '../flow/ops.js'
import redact from '../redact.js'
import flow from '../flow/server.js'
import stores from '../flow/stores.js'

const { describeOptions } = options
const { commitFields, tooLargeError } = client
const { increment, push, opsText, settled, setLoaded } = ops
const { show } = redact

const kState = Symbol('session-core.web')
const SAFE = ['GET', 'HEAD', 'OPTIONS']
const TOKEN_HEADERS = ['csrf-token', 'xsrf-token', 'x-csrf-token', 'x-xsrf-token']
const NO_OPS = [null, null]
const KINDS = [undefined, null, 'server', 'client']
// util.inspect / console.log (Node, Bun, Deno): no Buffer or process needed (js/redact.js's rules)
const custom = Symbol.for('nodejs.util.inspect.custom')
const MAX_AGE = 8.6e15 // the core's MAX_AGE_LIMIT_MS
const STORE_TIMEOUT = 5000 // the storeTimeout option's default, as session-core/express's
const hasOwn = (o, k) => Object.prototype.hasOwnProperty.call(o, k)
// what encrypt: true answers for a signed cookie (src/client/migrate.rs SIGNED_NOT_MIGRATING)
const SIGNED_NOT_MIGRATING = 'signed cookie (encrypt is on; set migrateSigned to read it)'
let warnedSigned = false // said once per module instance (a process, a Worker isolate)
const quiet = () => {}
quiet.enabled = false

export function makeWeb (load) {
  let x = null // the crossing, once the glue is loaded
  let LOADED, COMMIT, COMMITTED // the client kind's flag tables (the core's enums, from the glue)
  let loading = null // load()'s answer (the glue, or a Promise of it)
  const configs = new WeakMap() // options object -> its checked configuration

  function start () {
    if (loading === null) loading = load()
    return loading
  }

  async function ready () {
    if (x === null) {
      const glue = await start()
      if (x === null) use(glue)
    }
    return x
  }

  function use (glue) {
    x = crossing(glue)
    ;({ LOADED, COMMIT, COMMITTED } = x.enums())
  }

  /** The crossing now, when the glue loads synchronously (Node, Bun, Deno, workerd); else null. */
  function readyNow () {
    if (x === null) {
      const glue = start()
      if (glue !== null && typeof glue === 'object' && typeof glue.then === 'function') return null
      use(glue)
    }
    return x
  }

  /** The checked configuration of an options object (made once per object). */
  function configFor (options) {
    const opts = options || {}
    let cfg = configs.get(opts)
    if (cfg === undefined) {
      if (!KINDS.includes(opts.kind)) throw optionError('kind', `must be 'server' (the default) or 'client' (got ${describe(opts.kind)})`)
      cfg = opts.kind === 'client' ? clientConfig(opts) : serverConfig(opts)
      if (options) configs.set(opts, cfg)
    }
    return cfg
  }

  /**
   * Checks `options` now (as getSession would at its first call) and throws the same error: for
   * middleware that should fail when it is made, not at every request. Where the wasm loads only
   * asynchronously (a browser), the checks that need no core run now and the rest at first use.
   */
  function checkOptions (options) {
    if (options != null && typeof options !== 'object') throw new TypeError('options must be an object')
    const opts = options || {}
    if (!KINDS.includes(opts.kind)) throw optionError('kind', `must be 'server' (the default) or 'client' (got ${describe(opts.kind)})`)
    if (readyNow() !== null) configFor(options)
  }

  /** The same for verifyCsrf's options. */
  function checkCsrf (options) {
    if (options != null && typeof options !== 'object') throw new TypeError('csrf options must be an object')
    if (readyNow() !== null) csrfOptions(options)
  }

  /** Options for the core's checks: ours taken out, everything else passed through as it is. */
  function coreOptions (opts) {
    const rest = {}
    for (const k in opts) if (k !== 'kind' && k !== 'csrf') rest[k] = opts[k]
    return { rest, described: describeOptions(rest) }
  }

  function serverConfig (opts) {
    const { SessionCore, checkExpressOptions } = x.glue
    const { described } = coreOptions(opts)
    const checked = checkExpressOptions(described)
    if (opts.secret == null) throw optionError('secret', 'is required (a string, or a list for rotation)')
    if (opts.user != null && typeof opts.user !== 'function') throw optionError('user', 'must be a function of the session and the request returning its user')
    const secrets = [].concat(opts.secret)
    const store = opts.store || new MemoryStore()
    const cookie = opts.cookie || {}
    // express-session's deprecation notices (the Express drop-in's text), once per options object
    // (this runs once per object): console.warn, the one output every runtime has
    if (opts.resave === undefined) console.warn('session-core/web: undefined resave option; provide resave option (defaults to true)')
    if (opts.saveUninitialized === undefined) {
      console.warn('session-core/web: undefined saveUninitialized option; provide saveUninitialized option (defaults to true: ' +
        'a record is written for every request without a session, even one that never touches it; false writes only sessions that were changed)')
    }
    // the store calls of the flow: the MemoryStore's own, or any store with express-session's
    // interface (session-core/redis, connect-redis), each bounded by storeTimeout
    const own = store instanceof MemoryStore
    const timeout = opts.storeTimeout == null ? STORE_TIMEOUT : opts.storeTimeout
    const adapter = own ? memoryCalls(store) : stores.expressStore(store, timeout, null)
    // regenerateGrace holds only on a store whose writes to a loaded session are conditional: the
    // MemoryStore (written only while the record is there) and one that merges (session-core/redis)
    if (opts.regenerateGrace > 0 && !own && !adapter.takesRecord && typeof store.merge !== 'function') {
      const name = store.constructor && store.constructor !== Object && store.constructor.name ? store.constructor.name : 'a plain object'
      console.warn(`session-core/web: regenerateGrace is on with a store (${name}) whose set() writes unconditionally: a request still ` +
        'in flight with the pre-login id can write the old session back, and that id stays usable; use the MemoryStore or ' +
        'session-core/redis (conditional writes), or leave regenerateGrace off')
    }
    const sc = new SessionCore(checked, secrets)
    return {
      kind: 'server',
      d: { x, A: x.enums(), sc, store: adapter, emit: quiet, debug: quiet, tag: (id) => x.tag(id) },
      store,
      adapter,
      name: opts.name || opts.key || 'connect.sid',
      cookie,
      genid: opts.genid || null,
      proxy: opts.proxy,
      resaveOff: opts.resave === false,
      user: typeof opts.user === 'function' ? opts.user : null,
      header: opts.header || null
    }
  }

  function clientConfig (opts) {
    const { ClientSessionCore, checkCookieSessionOptions } = x.glue
    const { described } = coreOptions(opts)
    const checked = checkCookieSessionOptions(described)
    const keys = opts.keys != null ? [].concat(opts.keys) : opts.secret != null ? [opts.secret] : []
    const migrate = opts.migrateSigned
    const migrateKeys = migrate && typeof migrate === 'object' && migrate.keys != null ? [].concat(migrate.keys) : undefined
    // cookie-session's defaults, as session-core/cookie-session applies them
    const so = Object.create(opts)
    so.overwrite = opts.overwrite == null ? true : opts.overwrite
    so.httpOnly = opts.httpOnly == null ? true : opts.httpOnly
    so.signed = opts.signed == null ? true : opts.signed
    return {
      kind: 'client',
      cc: new ClientSessionCore(checked, keys, migrateKeys),
      name: opts.name || 'session',
      fields: commitFields(so, x.enums().COMMIT),
      overwrite: so.overwrite,
      proxy: opts.proxy,
      protected: so.signed !== false || Boolean(opts.encrypt),
      cacheHeaders: opts.cacheHeaders !== false,
      notBefore: typeof opts.notBefore === 'function' ? opts.notBefore : null,
      chunk: Boolean(opts.chunk),
      compress: Boolean(opts.compress)
    }
  }

  /**
   * The request's session: a Promise of an object holding the data as properties, with save(),
   * destroy(), regenerate(), apply(response), csrfToken(), verifyCsrf(request) and (server-side) id.
   */
  async function getSession (request, options) {
    if (!request || typeof request.headers !== 'object' || request.headers === null || typeof request.headers.get !== 'function') {
      throw new TypeError('getSession(request, options): request must be a Request')
    }
    await ready()
    const cfg = configFor(options)
    const header = request.headers.get('cookie') || ''
    const secure = isSecure(request, cfg.proxy)
    return cfg.kind === 'client' ? loadClient(cfg, header, secure, request) : loadServer(cfg, secure, request)
  }

  // ---- server-side sessions (session-core/express's records), through the flow ----------------

  /** A flow step as a Promise: `run(cb)` calls back (err, value). */
  const step = (run) => new Promise((resolve, reject) => run((err, value) => (err ? reject(err) : resolve(value))))
  /** A load step as a Promise: `run(cb)` calls back (st, err, kind). */
  const loadStep = (run) => new Promise((resolve, reject) => run((st, err, kind) => (err ? reject(err) : resolve(kind))))

  async function loadServer (cfg, secure, request) {
    const st = newServerState(cfg, secure, request)
    try {
      return await loadSession(cfg, st, request)
    } catch (err) {
      // the headers every response a session touched gets (Vary), as the flow gives them: the
      // app's error response carries them (session-core/hono puts them on its HTTPException)
      if (err && typeof err === 'object' && err.headers === undefined) err.headers = failureHeaders(cfg, st)
      throw err
    }
  }

  /** The headers of a response to a request whose session failed (the flow's answer: Vary). */
  function failureHeaders (cfg, st) {
    const { d } = cfg
    const I = d.A.RespondIn
    const flags = I.StoreFailed | (st.byHeader ? I.ByHeader : 0)
    st.vary = null
    try {
      flow.respond(d, st, 2, flags, null, null, null, null, null, null, st.idHeader, null, null)
    } catch (e) {}
    return st.vary === null ? {} : { vary: st.vary }
  }

  function newServerState (cfg, secure, request) {
    return {
      cfg,
      request,
      secure,
      id: undefined, // the id the request carried (the flow's), then the session's
      key: undefined,
      secretIndex: 0,
      byHeader: false,
      signed: null,
      stage: 0,
      tomb: null,
      text: null,
      obj: null,
      cookieId: undefined,
      originalId: undefined,
      original: '{}',
      saved: null,
      fromStore: false,
      destroyed: false,
      applied: false,
      skipped: false,
      idHeader: null, // the id header's name, on a header request (the header option)
      readOnly: false, // a regenerated id inside the grace window: no cookie, no store write
      storeFailed: false,
      startedAt: Date.now(),
      kept: null
    }
  }

  async function loadSession (cfg, st, request) {
    const { d } = cfg
    const cookieOpts = cookieOptionsOf(cfg, request)
    const idHeader = cfg.header === null ? null : headerOf(cfg.header, request)
    const cookie = request.headers.get('cookie')
    const kind = flow.begin(d, st, cookie, idHeader === null ? null : request.headers.get(idHeader), null, null, request.url, (cookieOpts && cookieOpts.path) || '/')
    if (kind === flow.SKIP) {
      // off the cookie's path: a session that is never loaded or saved here
      st.skipped = true
      return makeServerSession(st, {})
    }
    if (st.byHeader) st.idHeader = idHeader
    if (kind === flow.LOAD) {
      st.cookieId = st.id
      let got = await loadStep((cb) => flow.load(d, st, request.method || 'GET', cb))
      if (got !== flow.NEW) {
        let data
        try {
          data = st.obj !== null ? st.obj : JSON.parse(st.text)
        } catch (e) {
          const err = new Error(`session record is unreadable: ${e && e.message}`)
          err.code = 'ERR_SESSION_CORE_BAD_RECORD'
          err.status = 500
          throw err
        }
        st.originalId = st.id
        st.original = st.text
        st.obj = null
        if (got === flow.READ_ONLY) return makeServerSession(st, data)
        st.fromStore = true
        if (cfg.resaveOff) st.saved = st.original
        const sess = makeServerSession(st, data)
        // a session of a user: not ended by a sign-out everywhere?
        const user = cfg.user !== null && cfg.adapter.indexes ? userOf(cfg, sess, request) : null
        if (user !== null) got = await loadStep((cb) => flow.checkUser(d, st, user, cb))
        if (got !== flow.NEW) return sess
        return generate(st, sess)
      }
    }
    return generate(st)
  }

  /** The session's user (the `user` option, a function of the session and the request), or null. */
  function userOf (cfg, sess, request) {
    const k = cfg.user(sess, request)
    return k === undefined || k === null || k === '' || k === false ? null : String(k)
  }

  /** A new session id (genid's, or the core's), as the flow takes it (refused: throws). */
  async function newId (cfg) {
    const id = cfg.genid ? await cfg.genid() : x.glue.generateSessionId()
    flow.generated(cfg.d, id)
    return id
  }

  /** A new session (a new id, or `made`, and a new cookie) in `st`. */
  async function generate (st, sess, made) {
    const { cfg } = st
    const id = made === undefined ? await newId(cfg) : made
    st.id = st.originalId = id
    st.original = '{}'
    st.saved = null
    st.fromStore = false
    st.kept = null
    const data = { cookie: newCookie(cfg, st.secure, st.request) }
    if (sess === undefined) return makeServerSession(st, data)
    for (const k of Object.keys(sess)) delete sess[k]
    sess.cookie = data.cookie
    setLoaded(sess, data)
    return sess
  }

  function makeServerSession (st, data) {
    const sess = Object.create(ServerSession.prototype)
    Object.defineProperty(sess, kState, { value: st })
    st.kept = fill(sess, data)
    setLoaded(sess, data) // what increment/push count from
    return sess
  }

  /** A store call of save/destroy/regenerate failed: the app has that error, apply() writes nothing. */
  function tracked (st, err) {
    if (err && typeof err.code === 'string' && err.code.startsWith('ESESSIONSTORE')) st.storeFailed = true
    return err
  }

  /** The write a flow answer asks for (`bits`), for the session `sess`; resolves when done. */
  function write (st, sess, bits, base) {
    const delta = (text, record, deadline, b) => ({ text, record, expires: deadline == null ? null : deadline, session: sess, base: b, apply: (stored) => x.applyDelta(stored, text) })
    return step((cb) => flow.write(st.cfg.d, st, bits, sess, base, false, delta, null, (err, merged) => {
      if (merged) settled(sess)
      cb(err)
    }))
  }

  const ServerSession = function Session () {}
  define(ServerSession.prototype, {
    id: { get () { return this[kState].skipped ? undefined : this[kState].id } },
    /** Writes the session to the store now. */
    async save () {
      const st = this[kState]
      if (st.skipped) return this
      const { cfg } = st
      const text = textOf(this, st.kept)
      const existing = st.fromStore && st.originalId === st.id
      const base = st.saved !== null ? st.saved : st.original
      const o = cfg.adapter.merges && existing ? opsText(this) : NO_OPS
      const bits = flow.save(cfg.d, st, (existing ? 1 : 0) | (cfg.adapter.merges ? 2 : 0) | (st.readOnly ? 4 : 0), st.id, text, base, o[0], o[1])
      try {
        await write(st, this, bits, base)
      } catch (err) {
        throw tracked(st, err)
      }
      st.saved = text
      return this
    },
    /** Ends the session: its record is destroyed now, no cookie goes out. */
    async destroy () {
      const st = this[kState]
      if (st.skipped) return
      st.destroyed = true
      st.original = textOf(this, st.kept)
      // no grace after destroy(): the record goes, and no tombstone is left
      try {
        await step((cb) => st.cfg.adapter.destroy(flow.keyOf(st.cfg.d, st.id), cb))
      } catch (err) {
        throw tracked(st, err)
      }
    },
    /**
     * A new id and an empty session (the old record destroyed): after a sign-in. `{ keep: true }`
     * carries the data over (not the CSRF secret), as the Express drop-in's regenerate({ keep }).
     * With regenerateGrace the new id comes first: the old record's tombstone leads to it.
     */
    async regenerate (options) {
      const st = this[kState]
      if (st.skipped) return this
      const carried = options && options.keep ? Object.keys(this).filter((k) => k !== 'cookie' && k !== 'csrfSecret').map((k) => [k, this[k]]) : []
      const { cfg } = st
      const id = await newId(cfg)
      const loaded = st.fromStore && st.originalId === st.id && !st.readOnly
      const stored = loaded ? (st.saved !== null ? st.saved : st.original) : null
      try {
        await step((cb) => flow.regenerate(cfg.d, st, st.id, stored, id, st.readOnly, null, cb))
      } catch (err) {
        throw tracked(st, err)
      }
      st.destroyed = false
      await generate(st, this, id)
      settled(this)
      for (const [k, v] of carried) this[k] = v
      return this
    },
    /** The Response with the session's cookie and cache headers; the store written first. */
    async apply (response) {
      const st = this[kState]
      if (st.applied) return response
      st.applied = true
      return applyServer(st, this, response)
    },
    /**
     * Adds `by` (default 1) to the number at `key` and returns the new value; with a store that
     * merges, the write adds `by` to the value the store holds then (overlapping requests all count).
     */
    increment (key, by) { return increment(this, key, by) },
    /** Appends `items` to the array at `key` and returns its length (relative, as increment). */
    push (key, ...items) { return push(this, key, items) },
    /** The cookie's expiry reset to now + its maxAge (express-session's touch / resetMaxAge). */
    touch () {
      const c = this.cookie
      if (c && typeof c === 'object' && typeof c.originalMaxAge === 'number') c.expires = new Date(Date.now() + c.originalMaxAge).toISOString()
      return this
    },
    csrfToken () { return csrfToken(this) },
    verifyCsrf (request, options) { return verifyCsrf(this, request, options, true, this[kState].idHeader !== null) },
    // util.inspect / console.log: the tag, never the id; data with csrfSecret redacted
    [custom] (depth, options, inspect) {
      const id = this[kState].id
      return show('Session', Object.assign({ tag: typeof id === 'string' ? x.tag(id) : undefined }, this), depth, options, inspect)
    }
  })

  async function applyServer (st, sess, response) {
    if (!response || typeof response.headers !== 'object') throw new TypeError('apply(response): response must be a Response')
    if (st.skipped) return response
    const { cfg } = st
    const { d } = cfg
    const I = d.A.RespondIn
    const O = d.A.RespondOut
    const readOnly = st.readOnly
    const live = !st.destroyed && !readOnly && !st.storeFailed
    const json = live ? textOf(sess, st.kept) : null
    const sid = st.id
    let flags = I.WantRecord | I.StoreTouch
    if (st.secure) flags |= I.Secure
    if (readOnly) flags |= I.ReadOnly
    if (st.storeFailed) flags |= I.StoreFailed
    if (st.cookieId !== undefined) {
      flags |= I.CookiePresent
      if (st.cookieId === sid) flags |= I.CookieMatches
      if (st.secretIndex > 0) flags |= I.CookieOldSecret
    }
    if (st.originalId === (st.destroyed ? undefined : sid)) flags |= I.SameOriginalId
    if (st.saved !== null && st.saved === st.original) flags |= I.SavedIsOriginal
    if (st.destroyed) flags |= I.Destroyed
    if (st.fromStore) flags |= I.FromStore
    if (st.idHeader !== null) flags |= I.ByHeader
    let o = NO_OPS
    if (cfg.adapter.merges) {
      flags |= I.Merges
      if (json !== null) o = opsText(sess)
    }
    const h = response.headers
    const base = st.saved !== null ? st.saved : st.original
    const bits = flow.respond(d, st, 2, flags, sid, st.original, st.saved, json, o[0], o[1], st.idHeader, h.get('vary'), h.get('cache-control'))
    const out = withFlowHeaders(response, st, bits, O, cfg.name)
    if (bits & (O.Save | O.Merge | O.Touch | O.Destroy)) {
      await write(st, sess, bits, base)
      if (bits & (O.Save | O.Merge)) st.saved = st.record
      if (bits & O.Index && cfg.user !== null && cfg.adapter.indexes) {
        const user = userOf(cfg, sess, st.request)
        if (user !== null) await new Promise((resolve) => flow.index(d, st, user, st.startedAt, st.request.headers.get('user-agent'), resolve))
      }
    }
    return out
  }

  // ---- client-side sessions (session-core/cookie-session's cookies) ---------------------------

  async function loadClient (cfg, header, secure, request) {
    const bits = x.clientLoad(cfg.cc, header, Date.now())
    if (bits & LOADED.REASON && !warnedSigned && x.out(2) === SIGNED_NOT_MIGRATING) {
      // encrypt: true refuses signed cookies (documented): said once, naming the option that reads them
      warnedSigned = true
      console.warn('session-core/web: a signed session cookie was refused and its user given a fresh session: with ' +
        'encrypt: true only sealed cookies are read, so every user holding a signed cookie is signed out. To keep them, ' +
        'set migrateSigned: true (or migrateSigned: { keys } with the signing keys) while they move over; this is said once')
    }
    const ctx = { cfg, secure, isNew: true, raw: null, json: null, keyIndex: undefined, createdAt: undefined, lastSeen: undefined, issuedAt: undefined, migrated: false, clearSig: Boolean(bits & LOADED.CLEAR_SIG), unset: false, applied: false }
    // chunk: how many of the session's cookies came (the core expires the ones a smaller session leaves)
    ctx.present = bits & LOADED.PRESENT ? x.num(4) : 0
    let data
    if (bits & LOADED.BODY) {
      const body = x.out(0)
      try {
        data = JSON.parse(body)
        ctx.isNew = false
        ctx.json = body
        ctx.raw = bits & LOADED.RAW ? x.out(1) : null
        if (bits & LOADED.KEY_INDEX) ctx.keyIndex = x.num(0)
        if (bits & LOADED.CREATED_AT) ctx.createdAt = x.num(1)
        if (bits & LOADED.LAST_SEEN) ctx.lastSeen = x.num(2)
        if (bits & LOADED.ISSUED_AT) ctx.issuedAt = x.num(3)
        ctx.migrated = Boolean(bits & LOADED.MIGRATED)
      } catch (e) {
        data = undefined
      }
    }
    const sess = Object.create(ClientSession.prototype)
    Object.defineProperty(sess, kState, { value: ctx })
    ctx.kept = data !== null && typeof data === 'object' ? fill(sess, data) : null
    if (cfg.notBefore === null || ctx.isNew) return sess
    // notBefore: the app's cut-off for this session (a value, a Date or a Promise of one); a cookie
    // issued before it is treated as absent (the core's rule, ClientSessionCore.revoked)
    const cut = await cfg.notBefore(sess, request)
    const ms = cut instanceof Date ? cut.getTime() : typeof cut === 'number' ? cut : cut == null ? undefined : NaN
    if (!x.glue.ClientSessionCore.revoked(ctx.issuedAt, ms)) return sess
    for (const k of Object.keys(sess)) delete sess[k]
    Object.assign(ctx, { kept: null, isNew: true, raw: null, json: null, keyIndex: undefined, createdAt: undefined, lastSeen: undefined, issuedAt: undefined, migrated: false })
    return sess
  }

  const ClientSession = function Session () {}
  define(ClientSession.prototype, {
    id: { get () { return undefined } },
    isNew: { get () { return this[kState].isNew } },
    /** Nothing to write ahead: the cookie is the store (apply() sends it). */
    async save () { return this },
    /** Ends the session: apply() expires the cookie. */
    async destroy () {
      this[kState].unset = true
      this[kState].kept = null
      for (const k of Object.keys(this)) delete this[k]
    },
    /** An empty session in place of this one (a new cookie on apply()); `{ keep: true }` keeps the data, not the CSRF secret. */
    async regenerate (options) {
      const ctx = this[kState]
      const keep = Boolean(options && options.keep)
      for (const k of Object.keys(this)) if (!keep || k === 'csrfSecret') delete this[k]
      ctx.unset = false
      ctx.kept = null
      ctx.isNew = true
      ctx.createdAt = ctx.lastSeen = ctx.issuedAt = undefined
      return this
    },
    increment (key, by) { return increment(this, key, by) },
    push (key, ...items) { return push(this, key, items) },
    async apply (response) {
      const ctx = this[kState]
      if (ctx.applied) return response
      ctx.applied = true
      return applyClient(ctx, this, response)
    },
    csrfToken () { return csrfToken(this) },
    verifyCsrf (request, options) { return verifyCsrf(this, request, options, this[kState].cfg.protected) },
    // util.inspect / console.log: the data with csrfSecret redacted, never the cookie's value
    [custom] (depth, options, inspect) {
      return show('Session', Object.assign({}, this), depth, options, inspect)
    }
  })

  function applyClient (ctx, sess, response) {
    const { cfg } = ctx
    const c = Object.assign({}, cfg.fields)
    let flags = c.flags | COMMIT.ACCESSED
    if (ctx.secure) flags |= COMMIT.SECURE
    const unset = ctx.unset
    if (unset) flags |= COMMIT.UNSET
    if (!unset && ctx.isNew) flags |= COMMIT.IS_NEW
    if (ctx.clearSig) flags |= COMMIT.CLEAR_SIG
    if (ctx.migrated) flags |= COMMIT.MIGRATED
    if (ctx.keyIndex != null) flags |= COMMIT.KEY_INDEX
    if (ctx.createdAt != null) flags |= COMMIT.CREATED_AT
    if (ctx.lastSeen != null) flags |= COMMIT.LAST_SEEN
    if (ctx.issuedAt != null) flags |= COMMIT.ISSUED_AT
    if (ctx.present) flags |= COMMIT.PRESENT
    c.issuedAt = ctx.issuedAt
    c.present = ctx.present
    c.now = Date.now()
    c.keyIndex = ctx.keyIndex
    c.createdAt = ctx.createdAt
    c.lastSeen = ctx.lastSeen
    c.raw = ctx.raw
    c.original = ctx.json
    c.session = unset ? null : textOf(sess, ctx.kept)
    const bits = x.clientCommit(cfg.cc, flags, c)
    if (bits & COMMITTED.TOO_LARGE) throw tooLargeError(x.out(0), x.num(1), x.num(2), cfg.chunk, cfg.compress)
    const cookies = []
    const names = []
    if (!(bits & COMMITTED.SKIPPED_INSECURE)) {
      const n = x.num(0)
      for (let i = 0; i < n; i++) {
        names.push(x.out(2 * i))
        cookies.push(x.out(2 * i + 1))
      }
    }
    const cache = cfg.cacheHeaders ? (vary, cc, setsCookie) => x.cacheHeaders(x.glue, vary, cc, setsCookie) : null
    return withHeaders(response, cookies, cache, cfg.overwrite ? names : null)
  }

  // ---- CSRF (src/csrf.rs: csurf's tokens, the secret in the session) --------------------------

  function csrfToken (sess) {
    let secret = sess.csrfSecret
    if (typeof secret !== 'string' || secret === '') secret = sess.csrfSecret = x.glue.csrfSecret()
    return x.csrfToken(secret)
  }

  /**
   * Does an unsafe request carry a token of this session's secret? Safe methods (GET, HEAD,
   * OPTIONS, or `options.ignoreMethods`) pass. `Sec-Fetch-Site: cross-site` is refused first, and
   * with `options.origins` an Origin outside the list. The token is read where csurf reads it: a
   * form's `_csrf`, the query's `_csrf`, or the csrf-token / xsrf-token / x-csrf-token /
   * x-xsrf-token headers; `options.value(request)` reads it elsewhere.
   */
  async function verifyCsrf (sess, request, options, protectedCookie, headerRequest = false) {
    if (!protectedCookie) {
      const err = new Error('verifyCsrf(): the session cookie is neither signed nor encrypted, so its CSRF secret could be read and forged: remove signed: false (or use encrypt: true)')
      err.code = 'ERR_SESSION_CORE_CSRF_UNSIGNED'
      throw err
    }
    const o = csrfOptions(options)
    if (o.ignore.has(request.method)) return true
    // the header option: a request that sent the id header and no session cookie carries no ambient
    // credential (browsers do not add the header on their own): the core's exemption
    if (headerRequest && x.csrfExempt(false, true)) return true
    const h = request.headers
    if (o.secFetchSite && h.get('sec-fetch-site') === 'cross-site') return false
    if (o.origins !== null) {
      const origin = h.get('origin')
      if (origin !== null && !o.origins.has(origin.toLowerCase())) return false
    }
    const secret = typeof sess.csrfSecret === 'string' ? sess.csrfSecret : ''
    if (secret === '') return false
    const token = o.value ? await o.value(request) : await tokenOf(request)
    return typeof token === 'string' && x.csrfVerify(secret, token)
  }

  const csrfConfigs = new WeakMap()
  function csrfOptions (options) {
    const opts = options || {}
    let o = csrfConfigs.get(opts)
    if (o === undefined) {
      x.glue.checkCsrfOptions(describeOptions(opts))
      o = {
        ignore: new Set((opts.ignoreMethods || SAFE).map((m) => m.toUpperCase())),
        value: opts.value || null,
        secFetchSite: opts.secFetchSite !== false,
        origins: opts.origins ? new Set(opts.origins.map((s) => s.replace(/\/+$/, '').toLowerCase())) : null
      }
      if (options) csrfConfigs.set(opts, o)
    }
    return o
  }

  return { getSession, MemoryStore, ready, checkOptions, checkCsrf }
}

/** A form's, the query's or a header's token (csurf's places, body first). */
async function tokenOf (request) {
  const type = request.headers.get('content-type') || ''
  if (/^(application\/x-www-form-urlencoded|multipart\/form-data)/i.test(type)) {
    try {
      const v = (await request.clone().formData()).get('_csrf')
      if (typeof v === 'string' && v) return v
    } catch (e) {}
  }
  try {
    const q = new URL(request.url).searchParams.get('_csrf')
    if (q) return q
  } catch (e) {}
  for (const name of TOKEN_HEADERS) {
    const v = request.headers.get(name)
    if (v !== null && v !== '') return v
  }
  return undefined
}

/** The id header's name for this request (the option, or its function's answer), or null. */
function headerOf (option, request) {
  const h = typeof option === 'function' ? option(request) : option
  return typeof h === 'string' && h !== '' ? h.toLowerCase() : null
}

/** The cookie options for this request (`cookie` may be a function of the request). */
function cookieOptionsOf (cfg, request) {
  return typeof cfg.cookie === 'function' ? cfg.cookie(request) : cfg.cookie
}

/**
 * The response with the flow's headers (`bits`: RespondOut; the values read into `st`): the
 * Set-Cookie or the id header, Vary, Cache-Control. The same object when its headers can change,
 * else a copy (a fetched Response's headers are immutable).
 */
function withFlowHeaders (response, st, bits, O, name) {
  const set = (headers) => {
    if (bits & O.SetCookie) headers.append('set-cookie', st.setCookie)
    if (bits & O.IdHeader) headers.set(st.idHeader, st.setCookie)
    if (st.vary !== null) headers.set('vary', st.vary)
    if (st.cacheControl !== null) headers.set('cache-control', st.cacheControl)
  }
  try {
    set(response.headers)
    return response
  } catch (e) {
    if (!(e instanceof TypeError)) throw e
    const copy = new Response(response.body, response)
    set(copy.headers)
    return copy
  }
}

/** https, from the URL; with `proxy: true` from X-Forwarded-Proto too (as express-session's proxy). */
function isSecure (request, proxy) {
  if (typeof request.url === 'string' && request.url.startsWith('https:')) return true
  if (proxy !== true) return false
  const p = request.headers.get('x-forwarded-proto')
  return p !== null && p.split(',')[0].trim().toLowerCase() === 'https'
}

/** A new session's `cookie` object, as session-core/express's Cookie writes it. */
function newCookie (cfg, secure, request) {
  const o = cookieOptionsOf(cfg, request) || {}
  const c = { originalMaxAge: null, partitioned: undefined, priority: undefined, expires: null, secure: undefined, httpOnly: true, domain: undefined, path: '/', sameSite: undefined }
  for (const k in o) {
    if (k === 'maxAge' || k === 'data' || k === 'expires') continue
    c[k] = o[k]
  }
  if (typeof o.maxAge === 'number') {
    checkMaxAge('cookie.maxAge', o.maxAge)
    c.expires = new Date(Date.now() + o.maxAge).toISOString()
    c.originalMaxAge = o.maxAge
  } else if (o.expires instanceof Date) {
    c.expires = o.expires.toISOString()
  }
  if (o.originalMaxAge != null) c.originalMaxAge = o.originalMaxAge
  if (c.secure === 'auto') c.secure = secure
  if (c.sameSite === 'auto') c.sameSite = secure ? 'none' : 'lax'
  return c
}

/**
 * The response with `cookies` appended (earlier Set-Cookies of the same `names` removed) and the
 * cache headers (`cache`: the core's rule, or null when cacheHeaders is off): the same object when
 * its headers can change, else a copy.
 */
function withHeaders (response, cookies, cache, names) {
  if (!response || typeof response.headers !== 'object') throw new TypeError('apply(response): response must be a Response')
  try {
    edit(response.headers, cookies, cache, names)
    return response
  } catch (e) {
    if (!(e instanceof TypeError)) throw e
    const copy = new Response(response.body, response) // immutable headers (a fetched Response)
    edit(copy.headers, cookies, cache, names)
    return copy
  }
}

function edit (headers, cookies, cache, names) {
  if (names !== null && names.length > 0 && typeof headers.getSetCookie === 'function' && headers.has('set-cookie')) {
    const prev = headers.getSetCookie()
    const kept = prev.filter((h) => !names.some((n) => h.startsWith(n + '=')))
    if (kept.length !== prev.length) {
      headers.delete('set-cookie')
      for (const h of kept) headers.append('set-cookie', h)
    }
  }
  for (const c of cookies) headers.append('set-cookie', c)
  if (cache === null) return
  // the core's rule (src/flow/headers.rs): Vary: Cookie; no-cache="Set-Cookie" with a cookie
  const h = cache(headers.get('vary'), headers.get('cache-control'), cookies.length > 0)
  if (h.vary !== null) headers.set('vary', h.vary)
  if (h.cacheControl !== null) headers.set('cache-control', h.cacheControl)
}

function define (proto, members) {
  const all = Object.getOwnPropertyDescriptors(members)
  for (const name of Reflect.ownKeys(all)) {
    const m = all[name]
    const d = typeof m.value === 'object' && m.value !== null && typeof m.value.get === 'function' ? { get: m.value.get } : { value: m.value, writable: true }
    Object.defineProperty(proto, name, Object.assign({ configurable: true, enumerable: false }, d))
  }
}

/**
 * The loaded data as the session's own properties, as express-session (and both drop-ins) load it:
 * a key the session already has (`id`, a method such as `save` or `apply`, `__proto__`, an
 * Object.prototype member) is not set, so it can neither break the session nor change its
 * prototype. Unlike express-session, such a key is not lost: it is kept aside (`{ order, map }`,
 * null for none) and written back with the data by textOf().
 */
function fill (sess, data) {
  let kept = null
  const keys = Object.keys(data)
  for (const k of keys) {
    if (k in sess) {
      if (kept === null) kept = { order: keys, map: new Map() }
      kept.map.set(k, data[k])
    } else {
      sess[k] = data[k]
    }
  }
  return kept
}

/** The session's JSON text, with the keys fill() kept aside back in their places. */
function textOf (sess, kept) {
  if (kept === null) return JSON.stringify(sess)
  const o = {}
  const set = (k, v) => Object.defineProperty(o, k, { value: v, enumerable: true, configurable: true, writable: true })
  for (const k of kept.order) {
    if (hasOwn(sess, k)) set(k, sess[k])
    else if (kept.map.has(k)) set(k, kept.map.get(k))
  }
  for (const k of Object.keys(sess)) if (!hasOwn(o, k)) set(k, sess[k])
  return JSON.stringify(o)
}

/** A `cookie()` function's maxAge, by the core's rule for the options (src/rules.rs
 * check_max_age: finite, at most 8.6e15 ms either way), which checks the options themselves. */
function checkMaxAge (field, ms) {
  if (Number.isFinite(ms) && Math.abs(ms) <= MAX_AGE) return
  const e = new TypeError(`option ${field} is invalid: must be within ±8.6e15 ms (272,000 years): beyond it the expiry is no date`)
  e.code = 'ERR_SESSION_CORE_INVALID_' + field.replace('.', '_').toUpperCase()
  e.field = field
  throw e
}

function describe (v) {
  return typeof v === 'string' ? JSON.stringify(v) : typeof v
}

function optionError (field, reason) {
  const e = new TypeError(`option ${field} ${reason}`)
  e.code = 'ERR_SESSION_CORE_INVALID_' + field.toUpperCase()
  e.field = field
  return e
}
