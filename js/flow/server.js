'use strict'
/**
 * The server-kind request flow, driven: what every door (session-core/express, session-core/web)
 * does between the core's steps (src/flow/server.rs). It hands the core the request's facts and
 * the store's answers, and does what each answer says: read this key, write that record, destroy
 * that one. It decides nothing; the debug lines and events it emits come from the answers, so every
 * door emits the same ones. Callback style (the Express door's hot path); the web door wraps it.
 * No Node built-ins.
 *
 * `d`, a door's settings, made once: { x (the crossing: js/native.js, or session-core/web's),
 *   A (the core's enums: FlowAnswer, FlowBit, RespondIn, RespondOut), sc (its SessionCore),
 *   store (./stores.js's adapter), emit(name, id, extra) (or a no-op), debug(format, ...) }.
 * `st`, a request's state (the door's object): id, key, secretIndex, byHeader, signed, stage,
 *   tomb, text, obj, readOnly, endedReason; the response's step adds setCookie, record, delta,
 *   vary, cacheControl, writeKey, deadline.
 */

const ENDED = [undefined, 'expired', 'idle', 'absolute', 'signed-out']

/** What `begin` and `load` answer. */
const SKIP = 0
const NEW = 1
const LOAD = 2
const READY = 3
const READ_ONLY = 4

/**
 * The first step: `SKIP` (off the cookie's path), `NEW` (no id: a new session) or `LOAD` (st.id,
 * st.key set: then `load`). Strings absent are null or undefined.
 */
function begin (d, st, cookie, idHeader, parsedSigned, parsedRaw, path, cookiePath) {
  const { x, A } = d
  const bits = x.flowBegin(d.sc, cookie, idHeader, parsedSigned, parsedRaw, path, cookiePath)
  const kind = bits & 0xff
  st.byHeader = (bits & A.FlowBit.ByHeader) !== 0
  if (kind === A.FlowAnswer.Load) {
    st.id = x.out(0, true)
    st.key = bits & A.FlowBit.KeyIsId ? st.id : x.out(1, true)
    const signed = x.out(2, true)
    st.signed = signed === '' ? null : signed
    st.secretIndex = x.num(0)
    st.stage = 0
    return LOAD
  }
  if (kind === A.FlowAnswer.Skip) {
    d.debug('pathname mismatch')
    return SKIP
  }
  if (bits & A.FlowBit.Rejected) {
    d.debug('no valid session cookie')
    d.emit('reject', undefined, { reason: 'bad-signature' })
  }
  return NEW
}

/**
 * Reads the request's session: `cb(st, err, kind)` (one function for every request: no closure
 * per request), kind `READY` (st.text, and st.obj when the store answered an object), `READ_ONLY`
 * (st.text: the data before a regenerate) or `NEW` (none, or it was over: st.endedReason). A
 * refused or unreadable session is `err` (its code and status set).
 */
function load (d, st, method, cb) {
  if (d.debug.enabled) d.debug('fetching %s', d.tag(st.id))
  d.store.get(st.key, (err, obj, text) => loaded(d, st, method, cb, err, obj, text))
}

function loaded (d, st, method, cb, err, obj, text) {
  if (err && err.code !== 'ENOENT') {
    d.debug('store error %s', err.code)
    return cb(st, err)
  }
  if (err) obj = undefined
  let found = null
  if (typeof text === 'string') {
    found = text
  } else if (typeof obj === 'string') {
    found = obj
    obj = null
  } else if (obj !== undefined && obj !== null) {
    try {
      found = JSON.stringify(obj)
    } catch (e) {
      found = 'unreadable' // no JSON: the core calls it what it is
    }
  }
  const { x, A } = d
  // (at the first stage the core knows the key: the id's)
  const bits = x.flowLoaded(d.sc, st.stage, st.id, st.stage === 0 ? null : st.key, st.tomb, found, method, Date.now())
  switch (bits & 0xff) {
    case A.FlowAnswer.Load:
      st.key = x.out(0, true)
      st.stage = x.num(0)
      st.tomb = st.stage === 3 ? x.out(1, true) : null
      return load(d, st, method, cb)
    case A.FlowAnswer.Ready:
      st.text = found
      st.obj = obj !== null && typeof obj === 'object' ? obj : null
      if (bits & A.FlowBit.Moved) {
        // a record from before hashIds: written under its key, then the plain-id one removed
        const to = x.out(0, true)
        const from = x.out(1, true)
        d.debug('moving session %s to its hashed key', d.tag(st.id))
        const object = st.obj !== null ? st.obj : JSON.parse(found)
        return d.store.save(to, found, undefined, false, object, false, (e) => {
          if (e) return cb(st, e)
          d.store.destroy(from, (e2) => e2 && d.debug('the plain-id record was not removed: %s', e2.code))
          st.key = to
          st.stage = 0
          cb(st, null, READY)
        })
      }
      return cb(st, null, READY)
    case A.FlowAnswer.ReadOnly:
      st.text = x.out(0, true)
      st.obj = null
      st.readOnly = true
      d.debug('regenerated session %s served read-only', d.tag(st.id))
      return cb(st, null, READ_ONLY)
    case A.FlowAnswer.Over:
      return over(d, st, x.out(0, true), ENDED[x.num(0)], cb)
    case A.FlowAnswer.Missing:
      d.debug('no session found')
      d.emit('reject', st.id, { reason: 'not-found' })
      return cb(st, null, NEW)
    case A.FlowAnswer.Refused: {
      const err = x.flowError() // (read before anything else crosses: a tag would write over it)
      st.readOnly = true
      d.debug('unsafe request with a regenerated session id: 409')
      d.emit('reject', st.id, { reason: 'regenerated' })
      return cb(st, err)
    }
    default:
      return cb(st, x.flowError())
  }
}

/** A loaded session that is over (`why`): its record destroyed, and a new session in its place. */
function over (d, st, key, why, cb) {
  d.debug('session %s ended: %s', d.tag(st.id), why)
  d.emit('reject', st.id, { reason: why })
  st.endedReason = why
  d.store.destroy(key, (e) => e && d.debug('destroy failed: %s', e.code))
  cb(st, null, NEW)
}

/**
 * A loaded session of user `user` (the door asked the app): is it signed out everywhere? `cb(st,
 * err, kind)`: `READY`, or `NEW` (it was over, destroyed).
 */
function checkUser (d, st, user, cb) {
  d.store.userState(user, st.key, (err, s) => {
    if (err) return cb(st, err)
    const u = s || {}
    const ms = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : NaN)
    const bits = d.x.flowSignedOut(d.sc, st.id, ms(u.since), ms(u.before), Boolean(u.kept))
    if ((bits & 0xff) === d.A.FlowAnswer.Over) return over(d, st, d.x.out(0, true), ENDED[d.x.num(0)], cb)
    cb(st, null, READY)
  })
}

/** A new session's id (`genid`'s): its key, or throws the core's refusal (a code, status 500). */
function generated (d, id) {
  const bits = d.x.flowGenerated(d.sc, typeof id === 'string' ? id : null)
  if ((bits & 0xff) !== d.A.FlowAnswer.Ok) throw d.x.flowError()
  return d.x.out(0, true)
}

/**
 * The response's step (see js/native.js flowRespond): its RespondOut bits; the strings it gives
 * are read into `st` (setCookie: the Set-Cookie value or the id header's; record, delta, vary,
 * cacheControl, writeKey; deadline). Throws the core's error.
 */
function respond (d, st, phase, flags, sid, original, saved, session, inc, push, headerName, vary, cacheControl) {
  const { x, A } = d
  const O = A.RespondOut
  // the cookie's verified value, while the session's id is still the one the cookie carried
  const signed = st.signed !== null && st.signed !== undefined && sid === st.cookieId ? st.signed : null
  const bits = x.flowRespond(d.sc, phase, Date.now(), flags, sid, original, saved, session, inc, push, headerName, vary, cacheControl, signed)
  if (bits & A.FlowBit.Failed) throw x.flowError()
  // (header values are latin1 strings: what crossed as UTF-8 is read back as UTF-8, so the app's
  // Vary and Cache-Control and an id in the id header keep their characters; Set-Cookie is ASCII)
  st.setCookie = bits & O.SetCookie ? x.out(0, false) : bits & O.IdHeader ? x.out(0, true) : null
  if (bits & (O.Save | O.Merge | O.Touch | O.Destroy)) {
    st.writeKey = bits & O.KeyIsId ? sid : x.out(5, true)
    st.record = bits & (O.Save | O.Touch | O.Merge) ? x.out(1, true) : undefined
    // (an empty delta: the door makes its text when the store asks, RespondIn.LazyDelta)
    st.delta = bits & O.Merge ? x.out(2, true) : undefined
    st.deadline = bits & O.Deadline ? x.num(3) : undefined
  }
  st.vary = bits & O.Vary ? (bits & O.VaryCookie ? 'Cookie' : x.out(3, true)) : null
  st.cacheControl = bits & O.CacheControl ? x.out(4, true) : null
  return bits
}

/**
 * The store write an answer asks for (`bits`: RespondOut; `st` as `respond` or `save` left it):
 * `cb(err)`. `session`: the session object (a plain store's set/touch take it); `delta(text,
 * record, deadline, base)`: makes the object a merging store receives; `base`: the record the
 * delta was taken against; `empty`: the session holds no data. A merge whose session is gone
 * (ESESSION_GONE: a logout or an expiry won) is no error: nothing is revived, `gone(err)` hears it.
 */
function write (d, st, bits, session, base, empty, delta, gone, cb) {
  const O = d.A.RespondOut
  const key = st.writeKey
  const id = session && typeof session.id === 'string' ? session.id : st.id
  if (bits & O.Destroy) {
    d.debug('destroying')
    d.emit('destroy', id)
    return d.store.destroy(key, cb)
  }
  if (bits & O.Merge) {
    if (d.debug.enabled) d.debug('saving %s', d.tag(id))
    return d.store.merge(key, delta(st.delta, st.record, st.deadline, base), (err) => {
      if (err && err.code === 'ESESSION_GONE') {
        if (d.debug.enabled) d.debug('session %s was destroyed or expired meanwhile: not written back', d.tag(id))
        if (gone) gone(err)
        return cb(null, false)
      }
      cb(err, !err)
    })
  }
  if (bits & O.Save) {
    if (d.debug.enabled) d.debug('saving %s', d.tag(id))
    return d.store.save(key, st.record, st.deadline, (bits & O.Existing) !== 0, session, empty, cb)
  }
  d.debug('touching')
  d.emit('touch', id)
  d.store.touch(key, st.record, st.deadline, session, cb)
}

/** After a write that asked for it (RespondOut.Index): the session indexed under `user`. `cb()` always. */
function index (d, st, user, since, userAgent, cb) {
  const info = {
    since,
    lastSeen: Date.now(),
    userAgent: typeof userAgent === 'string' ? userAgent.slice(0, USER_AGENT_LIMIT) : '',
    expires: typeof st.deadline === 'number' ? st.deadline : null
  }
  // A failed index write is safe: a session missing from its user's index is ended by the next
  // sign-out everywhere (the rule's "never indexed" case). So it never fails the response.
  d.store.indexUser(user, st.writeKey, info, (err) => {
    if (err) d.debug('the user index was not updated: %s', err.code)
    cb()
  })
}

/** The most of a User-Agent the per-user index keeps (src/flow/server.rs USER_AGENT_LIMIT). */
const USER_AGENT_LIMIT = 256

/**
 * `req.session.save()`: the write's bits (the strings read into `st` as `respond` does), or
 * throws (a read-only session: 409). `flags`: 1 loaded under this id, 2 the store merges, 4 read-only.
 */
function save (d, st, flags, id, session, base, inc, push) {
  const { x, A } = d
  const bits = x.flowSave(d.sc, flags, id, session, base, inc, push)
  if (bits & A.FlowBit.Failed) throw x.flowError()
  st.writeKey = x.out(5, true)
  st.record = x.out(1, true)
  st.delta = bits & A.RespondOut.Merge ? x.out(2, true) : undefined
  st.deadline = bits & A.RespondOut.Deadline ? x.num(3) : undefined
  return bits
}

/**
 * `req.session.regenerate()` with its new id: the tombstone (regenerateGrace) written first, then
 * the old record destroyed; `cb(err, newKey)`. `stored`: the record as the store has it (null:
 * not loaded from the store under this id).
 */
function regenerate (d, st, id, stored, newId, readOnly, object, cb) {
  const { x, A } = d
  const bits = x.flowRegenerate(d.sc, id, stored, newId, readOnly, Date.now())
  if ((bits & 0xff) !== A.FlowAnswer.Ok) return cb(x.flowError())
  const destroyKey = x.out(2, true)
  const newKey = x.out(3, true)
  if (!(bits & A.FlowBit.Tombstone)) return d.store.destroy(destroyKey, (err) => cb(err, newKey))
  const tombKey = x.out(0, true)
  const tomb = x.out(1, true)
  const deadline = x.num(0)
  d.store.save(tombKey, tomb, deadline, false, object ? object(tomb) : JSON.parse(tomb), false, (err) => {
    if (err) return cb(err)
    d.store.destroy(destroyKey, (e) => cb(e, newKey))
  })
}

/** The store key of a session id. */
function keyOf (d, id) {
  return d.x.keyOf(d.sc, id)
}

module.exports = {
  SKIP,
  NEW,
  LOAD,
  READY,
  READ_ONLY,
  begin,
  load,
  checkUser,
  generated,
  respond,
  write,
  index,
  save,
  regenerate,
  keyOf
}
