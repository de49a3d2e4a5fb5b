/**
 * The lean crossing of js/native.js without Buffer: the same calls into the same core functions
 * (src/wasm/io.rs, session.rs, client.rs, csrf.rs), over a wasm-bindgen glue of the web target that
 * the caller has initialised. Strings go in as UTF-8 through `TextEncoder#encodeInto` straight into
 * the core's input buffer; answers come back as numbers and strings from its output buffer.
 * Nothing here runs at import time but the making of an encoder and a decoder.
 */

// The request flow's calls are written once for both crossings (../flow/crossing.js); the flag
// tables are the core's (wasm-bindgen enums, from the glue): defined once, in Rust.
import crossingCalls from '../flow/crossing.js'

const NUMS = 32
const OUT_PTR = 16 // the output buffer's address; the answer's string lengths follow

export const PHASE = { headers: 0, end: 1, both: 2 }

const encoder = new TextEncoder()
const utf8 = new TextDecoder('utf-8')
const latin1 = new TextDecoder('latin1')

const GRACE = ['over', 'read-only', 'conflict']
const NOT_HEADER = Object.freeze({ header: false, id: null })
const len = (s) => (typeof s === 'string' ? s.length : 0)

/** The crossing over one initialised glue (the web target's exports). */
export function crossing (glue) {
  const memory = glue.ioMemory()
  const numsPtr = glue.ioNumbers()
  let inPtr = glue.ioInput(0)
  let inCap = glue.ioInputSize()
  let u8 = new Uint8Array(memory.buffer)
  let nums = new Float64Array(memory.buffer, numsPtr, NUMS)
  let at = 0

  function fresh () {
    if (u8.byteLength === 0) {
      u8 = new Uint8Array(memory.buffer)
      nums = new Float64Array(memory.buffer, numsPtr, NUMS)
    }
  }
  function begin (chars) {
    const need = chars * 3
    if (need > inCap) {
      inPtr = glue.ioInput(need)
      inCap = glue.ioInputSize()
    }
    fresh()
    at = 0
  }
  function put (s) {
    if (typeof s !== 'string') return -1
    const n = encoder.encodeInto(s, u8.subarray(inPtr + at, inPtr + inCap)).written
    at += n
    return n
  }
  function out (i, asUtf8 = true) {
    fresh()
    let p = nums[OUT_PTR]
    for (let k = 0; k < i; k++) p += nums[OUT_PTR + 1 + k]
    const end = p + nums[OUT_PTR + 1 + i]
    return (asUtf8 ? utf8 : latin1).decode(u8.subarray(p, end))
  }
  function num (i) {
    fresh()
    return nums[i]
  }
  function setNum (i, v) {
    fresh()
    nums[i] = v
  }

  const flow = crossingCalls.flowCalls({ begin, put, out, num })
  const tables = Object.assign(crossingCalls.enumsOf(glue), {
    IN: glue.DecideIn,
    OUT: glue.DecideOut,
    LOADED: glue.ClientLoaded,
    COMMIT: glue.ClientCommit,
    COMMITTED: glue.ClientCommitted
  })
  return {
    glue,
    out,
    num,
    ...flow,
    /** The flag tables and the flow's answer kinds (the core's enums). */
    enums () { return tables },
    /** The verified session id in a Cookie header: the secret's index (id in `out(0)`), or -1. */
    cookieId (sc, header, bare = false) {
      begin(header.length)
      return sc.cookieId(put(header), bare)
    },
    /** Why a loaded record is over: 0 (not), 1 expired, 2 idle, 3 absolute. */
    ended (sc, record, now) {
      begin(record.length)
      return sc.ended(put(record), now)
    },
    /** The per-response decision (js/native.js decide). */
    decide (sc, phase, now, flags, sessionId, original, saved, session, inc = null, push = null) {
      const same = saved !== null && saved === original
      begin(len(sessionId) + len(original) + (same ? 0 : len(saved)) + len(session) + len(inc) + len(push))
      const a = put(sessionId)
      const b = put(original)
      const c = same ? -2 : put(saved)
      const d = put(session)
      const e = put(inc)
      return sc.decide(phase, now, flags, a, b, c, d, e, put(push))
    },
    clientLoad (cc, header, now) {
      begin(header.length)
      return cc.load(put(header), now)
    },
    clientCommit (cc, flags, c) {
      begin(len(c.raw) + len(c.original) + len(c.session) + len(c.path) + len(c.domain) + len(c.sameSite) + len(c.priority))
      setNum(0, c.now)
      setNum(1, c.keyIndex)
      setNum(2, c.createdAt)
      setNum(3, c.lastSeen)
      setNum(4, c.maxAge)
      setNum(5, c.expires)
      const strings = [c.raw, c.original, c.session, c.path, c.domain, c.sameSite, c.priority]
      for (let i = 0; i < strings.length; i++) setNum(6 + i, put(strings[i]))
      setNum(13, c.issuedAt)
      setNum(14, c.present)
      return cc.commit(flags)
    },
    csrfToken (secret) {
      begin(secret.length)
      glue.csrfTokenSlot(put(secret))
      return out(0)
    },
    csrfVerify (secret, token) {
      begin(secret.length + token.length)
      const a = put(secret)
      return glue.csrfVerifySlot(a, put(token))
    },
    applyDelta (stored, delta) {
      begin(stored.length + delta.length)
      const a = put(stored)
      glue.applyDeltaSlot(a, put(delta))
      return out(0)
    },
    delta (base, now, inc = null, push = null) {
      begin(len(base) + len(now) + len(inc) + len(push))
      const a = put(base)
      const b = put(now)
      const c = put(inc)
      glue.deltaSlot(a, b, c, put(push))
      return out(0)
    },
    /** A session's tag: the first 8 characters of base64url(SHA-256(id)) (js/native.js tag). */
    tag (id) {
      begin(id.length)
      glue.tagSlot(put(id))
      return out(0, false)
    },
    // ---- the server options hashIds, regenerateGrace, header (src/wasm/front.rs; js/native.js storeKeys ... csrfExempt) ----
    /** The store keys of `id`: `{ key, legacy, grace, hashable }` (src/session/hashed.rs). */
    storeKeys (id, hash) {
      begin(id.length)
      const bits = glue.keysSlot(put(id), Boolean(hash), false)
      return { key: out(0), legacy: bits & 2 ? out(1) : null, grace: out(2), hashable: Boolean(bits & 1) }
    },
    /** `sessionsOf`'s `current` / `destroyUser`'s `except` as a hashing store must see it. */
    indexArg (value, hash) {
      begin(value.length)
      glue.keysSlot(put(value), Boolean(hash), true)
      return out(0)
    },
    /** The tombstone of `record` regenerated at `now`, leading to the store key `successor` (JSON text); throws ERR_SESSION_CORE_BAD_RECORD. */
    tombstone (record, now, grace, successor = null) {
      begin(record.length + len(successor))
      const a = put(record)
      if (glue.graceSlot(a, -1, put(successor), now, grace) !== 3) {
        const err = new Error('session record is unreadable: not a session record')
        err.code = 'ERR_SESSION_CORE_BAD_RECORD'
        throw err
      }
      return out(0)
    },
    /** What a request with `method` gets from a tombstone: 'over', 'read-only' or 'conflict'. */
    grace (record, method, now, window) {
      begin(record.length + method.length)
      const a = put(record)
      return GRACE[glue.graceSlot(a, put(method), -1, now, window)]
    },
    /** A header request's `{ header: true, id }`, a cookie request's `{ header: false }` (src/session/transport.rs). */
    carrier (cookieHeader, name, idHeader) {
      begin(len(cookieHeader) + name.length + len(idHeader))
      const a = put(cookieHeader)
      const b = put(name)
      if (glue.transportSlot(0, a, b, put(idHeader), 0) === 0) return NOT_HEADER
      const id = out(0)
      return { header: true, id: id === '' ? null : id }
    },
    /** The response's transport: `{ setCookie, idHeader, noStore, vary }`. */
    respond (headerRequest, setCookie, name, cacheHeaders) {
      begin(len(setCookie) + name.length)
      const a = put(setCookie)
      const bits = glue.transportSlot(1, a, put(name), -1, (headerRequest ? 1 : 0) | (cacheHeaders ? 2 : 0))
      return { setCookie: Boolean(bits & 1), idHeader: bits & 2 ? out(0) : null, noStore: Boolean(bits & 4), vary: Boolean(bits & 8) }
    },
    /** Is a request exempt from the CSRF check (src/csrf.rs exempt)? */
    csrfExempt (sessionCookieSent, idHeaderSent) {
      return glue.transportSlot(2, -1, -1, -1, (sessionCookieSent ? 1 : 0) | (idHeaderSent ? 2 : 0)) === 1
    }
  }
}
