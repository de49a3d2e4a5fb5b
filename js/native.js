'use strict'
/**
 * The one importer of the wasm-bindgen glue: every other JS file reaches the core through here.
 *
 * The per-request calls use the lean crossing of src/wasm/io.rs: strings are written as UTF-8
 * straight into an input buffer in wasm memory (`Buffer#write` into a view made once), the call
 * takes only integers, and the answer is read from a numbers array and an output buffer in the
 * same memory. Views are made again only when the memory has grown (their length drops to 0).
 */

const glue = require('./wasm/session_core.js')

const memory = glue.ioMemory()
const numsPtr = glue.ioNumbers()
let inPtr = glue.ioInput(0)
let inCap = glue.ioInputSize()
let u8 = Buffer.from(memory.buffer)
let nums = new Float64Array(memory.buffer, numsPtr, 16)
let at = 0

const OUT_PTR = 13
const OUT_LEN_A = 14
const OUT_LEN_B = 15

/** Views again after the memory grew. */
function fresh () {
  if (u8.length === 0) {
    u8 = Buffer.from(memory.buffer)
    nums = new Float64Array(memory.buffer, numsPtr, 16)
  }
}

/** Makes room for strings of `chars` UTF-16 units in all (at most 3 UTF-8 bytes each); starts a call. */
function begin (chars) {
  const need = chars * 3
  if (need > inCap) {
    inPtr = glue.ioInput(need)
    inCap = glue.ioInputSize()
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

/** The answer's first string (latin1: ids and Set-Cookie values are ASCII). */
function outA () {
  fresh()
  const p = nums[OUT_PTR]
  return u8.latin1Slice(p, p + nums[OUT_LEN_A])
}

/** The answer's second string (UTF-8: a record). */
function outB () {
  fresh()
  const p = nums[OUT_PTR] + nums[OUT_LEN_A]
  return u8.utf8Slice(p, p + nums[OUT_LEN_B])
}

/** A number of the answer (slots 0-12). */
function num (i) {
  fresh()
  return nums[i]
}

/**
 * The session id in a Cookie header (or, with `value`, in one cookie value) that a SessionCore's
 * secrets verify: the index of the secret, or -1; the id is then `outA()`.
 */
function cookieId (sc, text, value) {
  begin(text.length)
  return sc.cookieId(put(text), value)
}

/** Why a loaded record is over: undefined, 'expired', 'idle' or 'absolute'. */
const ENDED = [undefined, 'expired', 'idle', 'absolute']
function ended (sc, record, now) {
  begin(record.length)
  return ENDED[sc.ended(put(record), now)]
}

/**
 * The per-request decision (see src/wasm/session.rs for the flags). `saved === original` is sent
 * once. Returns the answer's flags; `outA()` is the Set-Cookie value, `outB()` the record,
 * `num(0..3)` expires, createdAt, lastSeen, deadline.
 */
function decide (sc, phase, now, flags, sessionId, original, saved, session) {
  const same = saved !== null && saved === original
  begin(len(sessionId) + len(original) + (same ? 0 : len(saved)) + len(session))
  const a = put(sessionId)
  const b = put(original)
  const c = same ? -2 : put(saved)
  return sc.decide(phase, now, flags, a, b, c, put(session))
}

/** Input flags of decide. */
const IN = {
  SECURE: 1,
  COOKIE_PRESENT: 1 << 1,
  COOKIE_MATCHES: 1 << 2,
  COOKIE_OLD_SECRET: 1 << 3,
  SAME_ORIGINAL_ID: 1 << 4,
  SAVED_IS_ORIGINAL: 1 << 5,
  DESTROYED: 1 << 6,
  TOUCHED: 1 << 7,
  STORE_TOUCH: 1 << 8,
  WANT_RECORD: 1 << 9
}

/** Answer flags of decide. */
const OUT = {
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
  RECORD: 1 << 11
}

/** A decision as a plain object in the vector format of decide.json (tests and tools). */
function decision (sc, input) {
  const s = (v) => (v === null || v === undefined ? null : JSON.stringify(v))
  const cookie = typeof input.cookieId === 'string'
  let flags = 0
  if (input.secure) flags |= IN.SECURE
  if (cookie) flags |= IN.COOKIE_PRESENT
  if (cookie && input.cookieId === input.sessionId) flags |= IN.COOKIE_MATCHES
  if (input.cookieSecretIndex > 0) flags |= IN.COOKIE_OLD_SECRET
  if ((input.originalId ?? null) === (input.id ?? null)) flags |= IN.SAME_ORIGINAL_ID
  const original = s(input.original)
  const saved = s(input.saved)
  if (original !== null && original === saved) flags |= IN.SAVED_IS_ORIGINAL
  if (input.destroyed) flags |= IN.DESTROYED
  if (input.touched) flags |= IN.TOUCHED
  if (input.storeTouch) flags |= IN.STORE_TOUCH
  if (input.wantRecord !== false) flags |= IN.WANT_RECORD
  const phase = { headers: 0, end: 1, both: 2 }[input.phase]
  const bits = decide(sc, phase, input.now, flags, input.sessionId ?? null, original, saved, s(input.session))
  const out = {}
  if (bits & OUT.SET_COOKIE) out.setCookie = outA()
  if (bits & OUT.COOKIE_SKIPPED) out.cookieSkipped = 'insecure'
  out.save = Boolean(bits & OUT.SAVE)
  out.touch = Boolean(bits & OUT.TOUCH)
  out.destroy = Boolean(bits & OUT.DESTROY)
  out.touched = Boolean(bits & OUT.TOUCHED)
  if (bits & OUT.EXPIRES) out.expires = bits & OUT.EXPIRES_NULL ? null : num(0)
  if (bits & OUT.CREATED_AT) out.createdAt = num(1)
  if (bits & OUT.LAST_SEEN) out.lastSeen = num(2)
  if (bits & OUT.RECORD) out.record = outB()
  if (bits & OUT.DEADLINE) out.deadline = num(3)
  return out
}

module.exports = { glue, cookieId, ended, decide, decision, outA, outB, num, IN, OUT }
