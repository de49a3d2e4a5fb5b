/**
 * The lean crossing of js/native.js without Buffer: the same calls into the same core functions
 * (src/wasm/io.rs, session.rs, client.rs, csrf.rs), over a wasm-bindgen glue of the web target that
 * the caller has initialised. Strings go in as UTF-8 through `TextEncoder#encodeInto` straight into
 * the core's input buffer; answers come back as numbers and strings from its output buffer.
 * Nothing here runs at import time but the making of an encoder and a decoder.
 */

const NUMS = 32
const OUT_PTR = 16 // the output buffer's address; the answer's string lengths follow

/** Input flags of decide (js/native.js IN). */
export const IN = {
  SECURE: 1,
  COOKIE_PRESENT: 1 << 1,
  COOKIE_MATCHES: 1 << 2,
  COOKIE_OLD_SECRET: 1 << 3,
  SAME_ORIGINAL_ID: 1 << 4,
  SAVED_IS_ORIGINAL: 1 << 5,
  DESTROYED: 1 << 6,
  TOUCHED: 1 << 7,
  STORE_TOUCH: 1 << 8,
  WANT_RECORD: 1 << 9,
  WANT_DELTA: 1 << 10
}

/** Answer flags of decide (js/native.js OUT). */
export const OUT = {
  SAVE: 1,
  TOUCH: 1 << 1,
  DESTROY: 1 << 2,
  TOUCHED: 1 << 3,
  COOKIE_SKIPPED: 1 << 4,
  EXPIRES: 1 << 5,
  EXPIRES_NULL: 1 << 6,
  CREATED_AT: 1 << 7,
  LAST_SEEN: 1 << 8,
  DEADLINE: 1 << 9,
  SET_COOKIE: 1 << 10,
  RECORD: 1 << 11,
  DELTA: 1 << 12
}

/** Answer flags of a client-side load (js/native.js LOADED). */
export const LOADED = { BODY: 1, RAW: 2, REASON: 4, KEY_INDEX: 8, CLEAR_SIG: 16, MIGRATED: 32, CREATED_AT: 64, LAST_SEEN: 128, ISSUED_AT: 256, PRESENT: 512 }

/** Input flags of a client-side commit (js/native.js COMMIT). */
export const COMMIT = {
  SECURE: 1,
  ACCESSED: 1 << 1,
  UNSET: 1 << 2,
  IS_NEW: 1 << 3,
  CLEAR_SIG: 1 << 4,
  MIGRATED: 1 << 5,
  KEY_INDEX: 1 << 6,
  CREATED_AT: 1 << 7,
  LAST_SEEN: 1 << 8,
  MAX_AGE: 1 << 9,
  EXPIRES: 1 << 10,
  SECURE_SET: 1 << 11,
  SECURE_ON: 1 << 12,
  HTTP_ONLY_SET: 1 << 13,
  HTTP_ONLY_ON: 1 << 14,
  PARTITIONED: 1 << 15,
  SIGNED_SET: 1 << 16,
  SIGNED_ON: 1 << 17,
  ISSUED_AT: 1 << 18,
  PRESENT: 1 << 19
}

/** Answer flags of a client-side commit (js/native.js COMMITTED). */
export const COMMITTED = { WROTE: 1, SKIPPED_INSECURE: 2, TOO_LARGE: 4 }

export const PHASE = { headers: 0, end: 1, both: 2 }

const encoder = new TextEncoder()
const utf8 = new TextDecoder('utf-8')
const latin1 = new TextDecoder('latin1')

const GRACE = ['over', 'read-only', 'conflict']
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

  return {
    glue,
    out,
    num,
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
    // ---- issue 16's server options (src/wasm/front.rs; js/native.js storeKeys ... csrfExempt) ----
    /** The store keys of `id`: `{ key, legacy, grace, hashable }` (src/session/hashed.rs). */
    storeKeys (id, hash) {
      begin(id.length)
      const bits = glue.keysSlot(put(id), Boolean(hash), false)
      return { key: out(0), legacy: bits & 2 ? out(1) : null, grace: out(2), hashable: Boolean(bits & 1) }
    },
    /** The tombstone of `record` regenerated at `now` (JSON text), or null when it is no record. */
    tombstone (record, now, grace) {
      begin(record.length)
      return glue.graceSlot(put(record), -1, now, grace) === 3 ? out(0) : null
    },
    /** What a request with `method` gets from a tombstone: 'over', 'read-only' or 'conflict'. */
    grace (record, method, now, window) {
      begin(record.length + method.length)
      const a = put(record)
      return GRACE[glue.graceSlot(a, put(method), now, window)]
    },
    /** A header request's `{ header: true, id }`, or null for a cookie request (src/session/transport.rs). */
    carrier (cookieHeader, name, idHeader) {
      begin(len(cookieHeader) + name.length + len(idHeader))
      const a = put(cookieHeader)
      const b = put(name)
      if (glue.transportSlot(0, a, b, put(idHeader), 0) === 0) return null
      const id = out(0)
      return { header: true, id: id === '' ? null : id }
    },
    /** A header request's response: `{ setCookie, idHeader, noStore, vary }`. */
    respond (setCookie, name, cacheHeaders) {
      begin(len(setCookie) + name.length)
      const a = put(setCookie)
      const bits = glue.transportSlot(1, a, put(name), -1, 1 | (cacheHeaders ? 2 : 0))
      return { setCookie: Boolean(bits & 1), idHeader: bits & 2 ? out(0) : null, noStore: Boolean(bits & 4), vary: Boolean(bits & 8) }
    },
    /** Is a request exempt from the CSRF check (src/csrf.rs exempt)? */
    csrfExempt (sessionCookieSent, idHeaderSent) {
      return glue.transportSlot(2, -1, -1, -1, (sessionCookieSent ? 1 : 0) | (idHeaderSent ? 2 : 0)) === 1
    },
    tag (id) {
      begin(id.length)
      glue.tagSlot(put(id))
      return out(0, false)
    }
  }
}
