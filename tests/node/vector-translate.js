'use strict'
// The vector translators: a vector of tests/vectors/decide.json or client.json turned into the
// lean calls the middlewares make (decide, clientLoad, clientCommit: their flags and strings), and
// the answer read back into the vector's format. Only the tests and the scripts that write or
// check vectors use them (vector-runners.js, scripts/gen-*-vectors.js, scripts/differential.js).
//
// `x` is a crossing: the package's (pkg/native.js: the flag tables are its IN, OUT, LOADED,
// COMMIT and COMMITTED) or session-core/web's (web/core.js `crossing(glue)`: the same tables from
// its `enums()`). Both have the same calls, so one translation serves every runner.

/** The crossing's flag tables (the core's enums, read from the glue). */
function tables (x) {
  return 'IN' in x ? x : x.enums()
}

/** A decision as a plain object in the vector format of decide.json, over crossing `x`. */
function decision (x, sc, input) {
  const { IN, OUT } = tables(x)
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
  if (input.wantDelta) flags |= IN.WANT_DELTA
  const phase = { headers: 0, end: 1, both: 2 }[input.phase]
  const bits = x.decide(sc, phase, input.now, flags, input.sessionId ?? null, original, saved, s(input.session), input.inc ?? null, input.push ?? null)
  const o = {}
  if (bits & OUT.SET_COOKIE) o.setCookie = x.out(0, false)
  if (bits & OUT.COOKIE_SKIPPED) o.cookieSkipped = 'insecure'
  o.save = Boolean(bits & OUT.SAVE)
  o.touch = Boolean(bits & OUT.TOUCH)
  o.destroy = Boolean(bits & OUT.DESTROY)
  o.touched = Boolean(bits & OUT.TOUCHED)
  if (bits & OUT.EXPIRES) o.expires = bits & OUT.EXPIRES_NULL ? null : x.num(0)
  if (bits & OUT.CREATED_AT) o.createdAt = x.num(1)
  if (bits & OUT.LAST_SEEN) o.lastSeen = x.num(2)
  if (bits & OUT.RECORD) o.record = x.out(1, true)
  if (bits & OUT.DEADLINE) o.deadline = x.num(3)
  if (bits & OUT.DELTA) o.delta = x.out(2, true)
  return o
}

/** A load as a plain object in the vector format of client.json, over crossing `x`. */
function clientLoadObject (x, cc, header, now) {
  const { LOADED } = tables(x)
  const bits = x.clientLoad(cc, header, now)
  const o = {}
  if (bits & LOADED.BODY) o.body = x.out(0, true)
  if (bits & LOADED.RAW) o.raw = x.out(1, true)
  if (bits & LOADED.REASON) o.reason = x.out(2, true)
  if (bits & LOADED.KEY_INDEX) o.keyIndex = x.num(0)
  o.clearSig = Boolean(bits & LOADED.CLEAR_SIG)
  if (bits & LOADED.MIGRATED) o.migrated = true
  if (bits & LOADED.CREATED_AT) o.createdAt = x.num(1)
  if (bits & LOADED.LAST_SEEN) o.lastSeen = x.num(2)
  if (bits & LOADED.ISSUED_AT) o.issuedAt = x.num(3)
  if (bits & LOADED.PRESENT) o.present = x.num(4)
  return o
}

/** A commit from its vector-format input, answered in the vector format of client.json, over crossing `x`. */
function clientCommitObject (x, cc, input) {
  const { COMMIT, COMMITTED } = tables(x)
  const o = input.options || {}
  const s = (v) => (v === null || v === undefined ? null : JSON.stringify(v))
  let flags = 0
  const on = (cond, f) => { if (cond) flags |= f }
  on(input.secure, COMMIT.SECURE)
  on(input.accessed, COMMIT.ACCESSED)
  on(input.unset, COMMIT.UNSET)
  on(input.isNew, COMMIT.IS_NEW)
  on(input.clearSig, COMMIT.CLEAR_SIG)
  on(input.migrated, COMMIT.MIGRATED)
  on(input.keyIndex != null, COMMIT.KEY_INDEX)
  on(input.createdAt != null, COMMIT.CREATED_AT)
  on(input.lastSeen != null, COMMIT.LAST_SEEN)
  on(o.maxAge != null, COMMIT.MAX_AGE)
  on(o.expires != null, COMMIT.EXPIRES)
  on(o.secure != null, COMMIT.SECURE_SET)
  on(o.secure === true, COMMIT.SECURE_ON)
  on(o.httpOnly != null, COMMIT.HTTP_ONLY_SET)
  on(o.httpOnly === true, COMMIT.HTTP_ONLY_ON)
  on(o.partitioned === true, COMMIT.PARTITIONED)
  on(o.signed != null, COMMIT.SIGNED_SET)
  on(o.signed === true, COMMIT.SIGNED_ON)
  on(input.issuedAt != null, COMMIT.ISSUED_AT)
  on(input.present != null, COMMIT.PRESENT)
  const bits = x.clientCommit(cc, flags, {
    now: input.now,
    keyIndex: input.keyIndex,
    createdAt: input.createdAt,
    lastSeen: input.lastSeen,
    issuedAt: input.issuedAt,
    present: input.present,
    maxAge: o.maxAge,
    expires: o.expires,
    raw: input.raw ?? null,
    original: s(input.original),
    session: s(input.session),
    path: o.path ?? null,
    domain: o.domain ?? null,
    sameSite: o.sameSite ?? null,
    priority: o.priority ?? null
  })
  const r = { setCookies: [], wrote: Boolean(bits & COMMITTED.WROTE) }
  if (bits & COMMITTED.SKIPPED_INSECURE) r.skipped = 'insecure'
  if (bits & COMMITTED.TOO_LARGE) {
    r.tooLarge = [x.out(0, true), x.num(1), x.num(2)]
    return r
  }
  for (let i = 0; i < x.num(0); i++) r.setCookies.push([x.out(2 * i, true), x.out(2 * i + 1, true)])
  return r
}

module.exports = { decision, clientLoadObject, clientCommitObject }
