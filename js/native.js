'use strict'
/**
 * The one importer of the wasm-bindgen glue: every other JS file reaches the core through here.
 * Three builds of the same core ship, each loaded on first use:
 * - `wasm/` (`lean()`): the Express session core and the helpers, without the client side or the
 *   debugging tools: what `session-core/express` loads (smallest, fastest to load);
 * - `wasm-client/` (`client()`): the same plus client-side sessions (cookie-session, sealing,
 *   keygrip) and cookie-parser's reader: what `session-core/cookie-session` and `/cookie-parser` load;
 * - `wasm-tools/` (`tools()`): everything, with inspect, audit and the command line.
 *
 * The per-request calls use the lean crossing of src/wasm/io.rs: strings are written as UTF-8
 * straight into an input buffer in wasm memory (`Buffer#write` into a view made once), the call
 * takes only integers, and the answer is read from a numbers array and an output buffer in the
 * same memory. Views are made again only when the memory has grown (their length drops to 0).
 * Each build has its own memory; the crossing's state below is that of the build in use (`use`),
 * and the helpers (sign, unsign, parse, serialize) stay on the first build they met.
 */

const NUMS = 32
const OUT_PTR = 16 // the output buffer's address; the answer's string lengths follow

/** A loaded build: its glue and its lean-crossing buffers. */
function load (dir) {
  const glue = require(dir)
  return { glue, memory: glue.ioMemory(), numsPtr: glue.ioNumbers(), inPtr: glue.ioInput(0), inCap: glue.ioInputSize() }
}

let leanBuild = null
let clientBuild = null
let helperBuild = null
let toolsGlue = null

/** The Express build (loaded on first use). */
function leanB () {
  if (leanBuild === null) leanBuild = load('./wasm/session_core.js')
  return leanBuild
}
/** The client-side build (loaded on first use). */
function clientB () {
  if (clientBuild === null) clientBuild = load('./wasm-client/session_core.js')
  return clientBuild
}
/** The build the helpers use: the first one loaded, kept (their keyed slots live in it). */
function helperB () {
  if (helperBuild === null) helperBuild = clientBuild || leanB()
  return helperBuild
}

/** The glue of each build. */
const lean = () => leanB().glue
const client = () => clientB().glue
const helpers = () => helperB().glue
/** The build with inspect, audit and the command line (loaded on first use). */
function tools () {
  if (toolsGlue === null) toolsGlue = require('./wasm-tools/session_core.js')
  return toolsGlue
}

// the crossing state of the build in use
let cur = null
let memory
let numsPtr
let inPtr
let inCap
let u8
let nums
let at = 0

/** Makes `b` the build the crossing works on. */
function use (b) {
  if (cur === b) return
  if (cur !== null) {
    cur.inPtr = inPtr
    cur.inCap = inCap
  }
  cur = b
  memory = b.memory
  numsPtr = b.numsPtr
  inPtr = b.inPtr
  inCap = b.inCap
  u8 = Buffer.from(memory.buffer)
  nums = new Float64Array(memory.buffer, numsPtr, NUMS)
}

/** Views again after the memory grew. */
function fresh () {
  if (u8.length === 0) {
    u8 = Buffer.from(memory.buffer)
    nums = new Float64Array(memory.buffer, numsPtr, NUMS)
  }
}

/** Makes room for strings of `chars` UTF-16 units in all (at most 3 UTF-8 bytes each); starts a call. */
function begin (chars) {
  const need = chars * 3
  if (need > inCap) {
    inPtr = cur.glue.ioInput(need)
    inCap = cur.glue.ioInputSize()
  }
  fresh()
  at = 0
}

/** Writes one string of the call; its byte length, or -1 for none. */
function put (s) {
  if (typeof s !== 'string') return -1
  const n = u8.write(s, inPtr + at)
  at += n
  return n
}

const len = (s) => (typeof s === 'string' ? s.length : 0)

/** The answer's string `i`; `utf8` false reads it as latin1 (ids, Set-Cookie values: ASCII). */
function out (i, utf8) {
  fresh()
  let p = nums[OUT_PTR]
  for (let k = 0; k < i; k++) p += nums[OUT_PTR + 1 + k]
  const end = p + nums[OUT_PTR + 1 + i]
  return utf8 ? u8.utf8Slice(p, end) : u8.latin1Slice(p, end)
}

/** The answer's first string (ASCII: an id, a Set-Cookie value). */
const outA = () => out(0, false)

/** The answer's second string (UTF-8: a record). */
const outB = () => out(1, true)

/** The answer's third string (UTF-8: a delta). */
const outC = () => out(2, true)

/** A number of the answer (slots 0-15). */
function num (i) {
  fresh()
  return nums[i]
}

/**
 * The session id in a Cookie header (or, with `value`, in one cookie value) that a SessionCore's
 * secrets verify: the index of the secret, or -1; the id is then `outA()`.
 */
function cookieId (sc, text, value) {
  use(clientB())
  begin(text.length)
  return sc.cookieId(put(text), value)
}

/** Why a loaded record is over: undefined, 'expired', 'idle' or 'absolute'. */
const ENDED = [undefined, 'expired', 'idle', 'absolute']
function ended (sc, record, now) {
  use(clientB())
  begin(record.length)
  return ENDED[sc.ended(put(record), now)]
}

/**
 * The per-request decision (see src/wasm/session.rs for the flags). `saved === original` is sent
 * once. `inc`/`push` (JSON text or null) are the request's increments and pushes, read only with
 * IN.WANT_DELTA. Returns the answer's flags; `outA()` is the Set-Cookie value, `outB()` the
 * record, `outC()` the delta, `num(0..3)` expires, createdAt, lastSeen, deadline.
 */
function decide (sc, phase, now, flags, sessionId, original, saved, session, inc = null, push = null) {
  const same = saved !== null && saved === original
  use(clientB())
  begin(len(sessionId) + len(original) + (same ? 0 : len(saved)) + len(session) + len(inc) + len(push))
  const a = put(sessionId)
  const b = put(original)
  const c = same ? -2 : put(saved)
  const d = put(session)
  const e = put(inc)
  return sc.decide(phase, now, flags, a, b, c, d, e, put(push))
}

// ---- the request flow (src/flow/, src/wasm/flow.rs): one call per step, on the Express build ----
// The calls are ./flow/crossing.js's (one source for the Node and the web crossing); their answer
// kinds and bits are the core's enums (FlowAnswer, FlowBit, RespondIn, RespondOut), read from the
// glue: defined once, in Rust.

const { flowCalls, enumsOf } = require('./flow/crossing')
const { argError } = require('./flow/ops')
const leanIo = {
  begin (chars) {
    use(leanB())
    begin(chars)
  },
  put,
  out,
  num
}
const flow = flowCalls(leanIo)
const clientIo = {
  begin (chars) {
    use(clientB())
    begin(chars)
  },
  put,
  out,
  num
}
const clientFlow = flowCalls(clientIo)

/** A client-side session's cache headers, as the core gives them (`{ vary, cacheControl }`, null: unchanged). */
function cacheHeaders (vary, cacheControl, setsCookie) {
  return clientFlow.cacheHeaders(client(), vary, cacheControl, setsCookie)
}

let enumsCache = null
/** The flow's answer kinds and bits (the Express build's glue). */
function enums () {
  if (enumsCache === null) enumsCache = enumsOf(leanB().glue)
  return enumsCache
}

/** RFC 6265 §5.1.4 path-match (src/flow/path.rs), for a request that has no SessionCore yet. */
function pathMatches (path, cookiePath) {
  return leanB().glue.pathMatches(path, cookiePath)
}

/**
 * A stored record with a delta applied (src/session/delta.rs): what a store's merge writes.
 * Throws ERR_SESSION_CORE_BAD_RECORD when `stored` is not a record.
 */
function applyDelta (stored, delta) {
  if (typeof stored !== 'string') throw argError('stored', 'must be the stored record (JSON text)')
  if (typeof delta !== 'string') throw argError('delta', 'must be a delta (its text)')
  use(leanB())
  begin(stored.length + delta.length)
  const a = put(stored)
  leanBuild.glue.applyDeltaSlot(a, put(delta))
  return out(0, true)
}

/** The delta between two records (`base` as loaded or last saved, `now`), with the request's ops. */
function delta (base, now, inc = null, push = null) {
  use(leanB())
  begin(len(base) + len(now) + len(inc) + len(push))
  const a = put(base)
  const b = put(now)
  const c = put(inc)
  leanBuild.glue.deltaSlot(a, b, c, put(push))
  return out(0, true)
}

/** When a store may forget a record (ms since the epoch, from its cookie.expires), or null. */
function recordDeadline (record) {
  const d = leanB().glue.recordDeadline(record)
  return d === undefined ? null : d
}

/** The per-user index's rule (src/session/users.rs): is a session of a user signed out? */
function signedOut (since, before, kept) {
  const ms = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : NaN)
  return leanB().glue.signedOut(ms(since), ms(before), kept)
}

/** A session's tag: the first 8 characters of base64url(SHA-256(id)); names it in logs, never the id. */
function tag (id) {
  if (typeof id !== 'string') throw argError('id', 'must be a string')
  use(helperB())
  begin(id.length)
  helperBuild.glue.tagSlot(put(id))
  return out(0, false)
}

// ---- the opt-in rules: ids hashed at rest, the grace window after a regenerate, the id in a header
// (src/session/{hashed,grace,transport}.rs), one lean call each ----
// They live in the client build (src/wasm/front.rs): the Express middleware loads it only when
// hashIds, regenerateGrace or header is on, so the Express build stays small for everyone else.
// Each answer is read before any other build is called (the crossing state is per build).

/**
 * The store keys of session `id` (`hash`: the hashIds option): `{ key, legacy, grace, hashable }`;
 * `legacy` is the plain id to migrate from (null without hashIds), `grace` the tombstone's key.
 */
function storeKeys (id, hash) {
  if (typeof id !== 'string') throw argError('id', 'must be a string')
  use(clientB())
  begin(id.length)
  const bits = clientBuild.glue.keysSlot(put(id), Boolean(hash), false)
  return { key: out(0, true), legacy: bits & 2 ? out(1, true) : null, grace: out(2, true), hashable: Boolean(bits & 1) }
}

/** `sessionsOf`'s `current` / `destroyUser`'s `except` as a hashing store must see it. */
function indexArg (value, hash) {
  use(clientB())
  begin(value.length)
  clientBuild.glue.keysSlot(put(value), Boolean(hash), true)
  return out(0, true)
}

/**
 * The tombstone of `record` regenerated at `now` with a window of `grace` ms (JSON text), leading to
 * the session under the store key `successor` (its window ends with that session).
 */
function tombstone (record, now, grace, successor = null) {
  use(clientB())
  begin(record.length + len(successor))
  const a = put(record)
  if (clientBuild.glue.graceSlot(a, -1, put(successor), now, grace) !== 3) {
    const err = new Error('session record is unreadable: not a session record')
    err.code = 'ERR_SESSION_CORE_BAD_RECORD'
    throw err
  }
  return out(0, true)
}

/** What a request with `method` gets from a tombstone: 'over', 'read-only' or 'conflict'. */
const GRACE = ['over', 'read-only', 'conflict']
function grace (record, method, now, window) {
  use(clientB())
  begin(record.length + method.length)
  const a = put(record)
  return GRACE[clientBuild.glue.graceSlot(a, put(String(method)), -1, now, window)]
}

/**
 * How a request's id travels: `{ header: true, id }` (the signed id the header carried, or null)
 * for a header request, `{ header: false }` for a cookie request. `idHeader` undefined: not sent.
 */
function carrier (cookieHeader, name, idHeader) {
  use(clientB())
  begin(len(cookieHeader) + name.length + len(idHeader))
  const a = put(cookieHeader)
  const b = put(name)
  if (clientBuild.glue.transportSlot(0, a, b, put(idHeader), 0) === 0) return NOT_HEADER
  const id = out(0, true)
  return { header: true, id: id === '' ? null : id }
}
const NOT_HEADER = Object.freeze({ header: false, id: null })

/**
 * The response's transport: `{ setCookie, idHeader, noStore, vary }` for a request of the given
 * carrier, the Set-Cookie value the core decided (or null) and the cookie's name.
 */
function respond (headerRequest, setCookie, name, cacheHeaders) {
  use(clientB())
  begin(len(setCookie) + name.length)
  const a = put(setCookie)
  const bits = clientBuild.glue.transportSlot(1, a, put(name), -1, (headerRequest ? 1 : 0) | (cacheHeaders ? 2 : 0))
  return { setCookie: Boolean(bits & 1), idHeader: bits & 2 ? out(0, true) : null, noStore: Boolean(bits & 4), vary: Boolean(bits & 8) }
}

/** Is a request exempt from the CSRF check (src/csrf.rs `exempt`)? */
function csrfExempt (sessionCookieSent, idHeaderSent) {
  return clientB().glue.transportSlot(2, -1, -1, -1, (sessionCookieSent ? 1 : 0) | (idHeaderSent ? 2 : 0)) === 1
}

// The crossing's flag tables are the core's (wasm-bindgen enums: src/wasm/session.rs DecideIn,
// DecideOut; src/wasm/client.rs ClientLoaded, ClientCommit, ClientCommitted), read from the glue of
// the build that answers with them, when first asked for (see the getters at the end).

/** What a Cookie header holds for a ClientSessionCore: LOADED flags; strings body, raw, reason. */
function clientLoad (cc, header, now) {
  use(clientBuild)
  begin(header.length)
  return cc.load(put(header), now)
}

/**
 * A client-side commit. `c` holds the strings (raw, original, session, path, domain, sameSite,
 * priority) and numbers (now, keyIndex, createdAt, lastSeen, maxAge, expires, issuedAt, present); `flags` are COMMIT
 * flags saying which numbers are there. Returns COMMITTED flags; `num(0)` cookies, then `out()`
 * name and Set-Cookie value of each (or, too large, the cookie's name and `num(1)` its size).
 */
function clientCommit (cc, flags, c) {
  use(clientBuild)
  begin(len(c.raw) + len(c.original) + len(c.session) + len(c.path) + len(c.domain) + len(c.sameSite) + len(c.priority))
  nums[0] = c.now
  nums[1] = c.keyIndex
  nums[2] = c.createdAt
  nums[3] = c.lastSeen
  nums[4] = c.maxAge
  nums[5] = c.expires
  nums[6] = put(c.raw)
  nums[7] = put(c.original)
  nums[8] = put(c.session)
  nums[9] = put(c.path)
  nums[10] = put(c.domain)
  nums[11] = put(c.sameSite)
  nums[12] = put(c.priority)
  nums[13] = c.issuedAt
  nums[14] = c.present
  return cc.commit(flags)
}

// ---- keyed secrets in numbered slots (src/wasm/helpers.rs), for sign/unsign ----
const SLOTS = 64
const slotOfOne = new Map() // a single secret string -> slot
const slotOfList = new Map() // a list of secret strings, length-prefixed and joined -> slot
const keyOfSlot = new Array(SLOTS)
let nextSlot = 0

/** The slot keyed with one secret string (the common case: no list to make). */
function slotForOne (secret) {
  const slot = slotOfOne.get(secret)
  return slot === undefined ? slotFor([secret]) : slot
}

/** The slot keyed with `secrets` (strings only; -1 for anything else: the caller goes the slow way). */
function slotFor (secrets) {
  let map = slotOfOne
  let key
  if (secrets.length === 1 && typeof secrets[0] === 'string') {
    key = secrets[0]
  } else {
    map = slotOfList
    key = ''
    for (const s of secrets) {
      if (typeof s !== 'string') return -1
      key += s.length + ':' + s
    }
  }
  let slot = map.get(key)
  if (slot === undefined) {
    slot = nextSlot
    helpers().setSigner(slot, secrets) // a bad secret throws here, before anything is remembered
    nextSlot = (nextSlot + 1) % SLOTS
    const old = keyOfSlot[slot]
    if (old !== undefined) old[0].delete(old[1])
    keyOfSlot[slot] = [map, key]
    map.set(key, slot)
  }
  return slot
}

/** `value` signed with slot `slot`'s first secret. */
function signSlot (slot, value) {
  use(helperBuild)
  begin(value.length)
  helperBuild.glue.signSlot(slot, put(value))
  return out(0, true)
}

/** The index of the secret of slot `slot` that verifies `signed` (then `out(0, true)` is the value), or -1. */
function unsignSlot (slot, signed) {
  use(helperBuild)
  begin(signed.length)
  return helperBuild.glue.unsignSlot(slot, put(signed))
}

/** `cookie@0.7`'s parse by the core: an object of the header's cookies (values raw with `decode` false). */
function parseCookie (header, decode) {
  use(helperB())
  begin(header.length)
  const n = helperBuild.glue.parseCookieSlot(put(header), decode)
  const obj = {}
  if (n === 0) return obj
  fresh()
  const base = nums[OUT_PTR]
  const start = base + 8 * n
  const text = u8.utf8Slice(start, start + nums[0]) // every name and value, one after the other
  let p = 0
  for (let i = 0; i < n; i++) {
    const kl = u8.readUInt32LE(base + 8 * i)
    const vl = u8.readUInt32LE(base + 4 + 8 * i)
    const key = text.slice(p, p + kl)
    p += kl
    const value = text.slice(p, p + vl)
    p += vl
    if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, configurable: true, writable: true })
    else obj[key] = value
  }
  return obj
}

const SERIALIZE = { RAW: 1, HTTP_ONLY: 2, SECURE: 4, PARTITIONED: 8, MAX_AGE: 16, EXPIRES: 32 }

/** `cookie@0.7`'s serialize by the core: `flags` are SERIALIZE flags; absent strings are null. */
function serializeCookie (flags, maxAge, expires, name, value, domain, path, priority, sameSite) {
  use(helperB())
  begin(len(name) + len(value) + len(domain) + len(path) + len(priority) + len(sameSite))
  nums[0] = maxAge
  nums[1] = expires
  nums[2] = put(name)
  nums[3] = put(value)
  nums[4] = put(domain)
  nums[5] = put(path)
  nums[6] = put(priority)
  nums[7] = put(sameSite)
  helperBuild.glue.serializeSlot(flags)
  return out(0, false) // ASCII: every part is checked or percent-encoded
}

// CSRF (src/csrf.rs) lives in the client build: csrf() of either session kind loads it on first use.

/** A new CSRF secret. */
function csrfSecret () {
  return client().csrfSecret()
}

/** A fresh CSRF token (salt-hash) of `secret`. */
function csrfToken (secret) {
  const b = clientB()
  use(b)
  begin(secret.length)
  b.glue.csrfTokenSlot(put(secret))
  return out(0, true)
}

/** Does `token` verify against `secret`? (constant time, in the core) */
function csrfVerify (secret, token) {
  const b = clientB()
  use(b)
  begin(secret.length + token.length)
  const a = put(secret)
  return b.glue.csrfVerifySlot(a, put(token))
}

module.exports = {
  lean,
  csrfSecret,
  csrfToken,
  csrfVerify,
  client,
  helpers,
  serializeCookie,
  SERIALIZE,
  slotFor,
  slotForOne,
  signSlot,
  unsignSlot,
  parseCookie,
  tools,
  begin,
  put,
  out,
  num,
  cookieId,
  ended,
  enums,
  pathMatches,
  ...flow,
  cacheHeaders,
  decide,
  applyDelta,
  delta,
  recordDeadline,
  signedOut,
  tag,
  storeKeys,
  indexArg,
  tombstone,
  grace,
  carrier,
  respond,
  csrfExempt,
  outA,
  outB,
  outC,

  clientLoad,
  clientCommit
}

// the flag tables, from the glue (defined once, in Rust), loaded with their build on first use
for (const [name, of] of [['IN', () => client().DecideIn], ['OUT', () => client().DecideOut], ['LOADED', () => client().ClientLoaded],
  ['COMMIT', () => client().ClientCommit], ['COMMITTED', () => client().ClientCommitted]]) {
  Object.defineProperty(module.exports, name, { enumerable: true, get: of })
}
