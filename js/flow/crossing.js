'use strict'
/**
 * The request flow's calls over the lean crossing (src/wasm/flow.rs), written once for both
 * crossings: js/native.js's (Node: Buffer) and session-core/web's (js/web/core.js: TextEncoder).
 * `io` is one build's crossing: `begin(chars)` makes room and starts a call, `put(s)` writes a
 * string (its byte length, or -1 for none), `out(i, utf8)` and `num(i)` read the answer.
 * No Node built-ins.
 */

const len = (s) => (typeof s === 'string' ? s.length : 0)

function flowCalls (io) {
  const { begin, put, out, num } = io

  /** The first step: an answer (FlowAnswer | FlowBit); a Load has out(0) id, out(1) key, out(2) the verified value, num(0) the secret's index. */
  function flowBegin (sc, cookie, idHeader, signed, raw, path, cookiePath) {
    begin(len(cookie) + len(idHeader) + len(signed) + len(raw) + len(path) + len(cookiePath))
    const a = put(cookie)
    const b = put(idHeader)
    const c = put(signed)
    const d = put(raw)
    const e = put(path)
    return sc.flowBegin(a, b, c, d, e, put(cookiePath))
  }

  /** The store answered a read (`found`: its JSON text, or null; `key` null: the id's own). */
  function flowLoaded (sc, stage, id, key, tomb, found, method, now) {
    begin(id.length + len(key) + len(tomb) + len(found) + len(method))
    const a = put(id)
    const b = put(key)
    const c = put(tomb)
    const d = put(found)
    return sc.flowLoaded(stage, a, b, c, d, put(method), now)
  }

  /** A loaded session of a user: the user's state (since/before ms or NaN, kept). */
  function flowSignedOut (sc, id, since, before, kept) {
    begin(id.length)
    return sc.flowSignedOut(put(id), since, before, kept)
  }

  /** A new session's id: FlowAnswer.Ok (out(0) its key) or an error. */
  function flowGenerated (sc, id) {
    begin(len(id))
    return sc.flowGenerated(put(id))
  }

  /**
   * The response's step: RespondOut flags (or FlowBit.Failed and an error). `saved === original`
   * is sent once. Strings out: 0 Set-Cookie or the id header, 1 record, 2 delta, 3 Vary,
   * 4 Cache-Control, 5 key; numbers: 0 expires, 1 createdAt, 2 lastSeen, 3 deadline.
   */
  function flowRespond (sc, phase, now, flags, sid, original, saved, session, inc, push, headerName, vary, cacheControl, signed) {
    const same = saved !== null && saved === original
    begin(len(sid) + len(original) + (same ? 0 : len(saved)) + len(session) + len(inc) + len(push) + len(headerName) + len(vary) + len(cacheControl) + len(signed))
    const a = put(sid)
    const b = put(original)
    const c = same ? -2 : put(saved)
    const d = put(session)
    const e = put(inc)
    const f = put(push)
    const g = put(headerName)
    const h = put(vary)
    const i = put(cacheControl)
    return sc.respond(phase, now, flags, a, b, c, d, e, f, g, h, i, put(signed))
  }

  /** `req.session.save()`'s write: RespondOut write flags (out(1) record, out(2) delta, out(5) key, num(3) deadline). */
  function flowSave (sc, flags, id, session, base, inc, push) {
    begin(id.length + session.length + len(base) + len(inc) + len(push))
    const a = put(id)
    const b = put(session)
    const c = put(base)
    const d = put(inc)
    return sc.flowSave(flags, a, b, c, d, put(push))
  }

  /** A regenerate with its new id: FlowAnswer.Ok (FlowBit.Tombstone: out(0) key, out(1) record, num(0) deadline; out(2) the key to destroy, out(3) the new key) or an error. */
  function flowRegenerate (sc, id, stored, newId, readOnly, now) {
    begin(id.length + len(stored) + len(newId))
    const a = put(id)
    const b = put(stored)
    return sc.flowRegenerate(a, b, put(newId), readOnly, now)
  }

  /** The store key of a session id (the id, or with hashIds its hash). */
  function keyOf (sc, id) {
    begin(id.length)
    sc.keyOf(put(id))
    return out(0, true)
  }

  /** The error of an answer of kind FlowAnswer.Error or Refused: out(0) its code, out(1) its message, num(0) its status. */
  function flowError () {
    const code = out(0, true)
    const err = new Error(out(1, true))
    err.code = code
    err.status = num(0)
    if (err.status === 409) {
      err.statusCode = 409
      err.expose = true
    }
    return err
  }

  /**
   * A client-side session's cache headers, as the core gives them: `{ vary, cacheControl }`, each
   * the value to set, or null to leave the header as it is.
   */
  function cacheHeaders (glue, vary, cacheControl, setsCookie) {
    begin(len(vary) + len(cacheControl))
    const a = put(vary)
    const bits = glue.cacheHeadersSlot(a, put(cacheControl), setsCookie)
    return { vary: bits & 1 ? out(0, false) : null, cacheControl: bits & 2 ? out(1, false) : null }
  }

  return { flowBegin, flowLoaded, flowSignedOut, flowGenerated, flowRespond, flowSave, flowRegenerate, keyOf, flowError, cacheHeaders }
}

/** The flow's answer kinds and bits, as the core defines them (wasm-bindgen enums of a build's glue). */
function enumsOf (glue) {
  return { FlowAnswer: glue.FlowAnswer, FlowBit: glue.FlowBit, RespondIn: glue.RespondIn, RespondOut: glue.RespondOut }
}

module.exports = { flowCalls, enumsOf }
