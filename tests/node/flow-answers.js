'use strict'
// One step of the request flow through a crossing's calls (js/flow/crossing.js: flowBegin, …,
// keyOf), its answer decoded with the core's enums (FlowAnswer, FlowBit, RespondOut) into the
// vector format of tests/vectors/flow.json (scripts/gen-flow-vectors.js describes it). Written
// once: the package's vector runner (js/native.js's crossing), session-core/web's (its crossing
// over the web glue) and the differential (scripts/differential.js) all decode with it.
// No Node built-ins: `x` is either crossing.

const ENDED = [undefined, 'expired', 'idle', 'absolute', 'signed-out']
const PHASE = { headers: 0, end: 1, both: 2 }
const nil = (v) => (v === undefined ? null : v)
const ms = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : NaN)

/** The answer of `step` with `input` on the SessionCore `sc` through the crossing `x`. */
function flowAnswer (x, sc, step, input) {
  const { FlowAnswer: K, FlowBit: B, RespondIn: I, RespondOut: O } = x.enums()
  const kind = (bits) => bits & 0xff
  /** An error answer (its code and status), read before anything else crosses. */
  const error = (name) => {
    const e = x.flowError()
    return { kind: name, code: e.code, status: e.status }
  }
  /** The answers of `loaded` and `signedOut`. */
  const loaded = (bits) => {
    switch (kind(bits)) {
      case K.Load: {
        const stage = x.num(0)
        const o = { kind: 'load', stage, key: x.out(0, true) }
        if (stage === 3) o.tombstone = x.out(1, true)
        return o
      }
      case K.Ready: return { kind: 'ready', moved: bits & B.Moved ? [x.out(0, true), x.out(1, true)] : null }
      case K.ReadOnly: return { kind: 'readOnly', record: x.out(0, true) }
      case K.Over: return { kind: 'over', destroy: x.out(0, true), why: ENDED[x.num(0)] }
      case K.Missing: return { kind: 'missing' }
      case K.Refused: return error('refused')
      case K.Ok: return { kind: 'ok' }
      default: return error('error')
    }
  }
  /** A store write of `respond` or `flowSave` (strings 1 record, 2 delta, 5 key). */
  // (the key is not written out when it is the session's id: RespondOut.KeyIsId)
  const write = (bits, sid) => {
    const key = () => (bits & O.KeyIsId ? sid : x.out(5, true))
    if (bits & O.Destroy) return { kind: 'destroy', key: key() }
    if (bits & O.Merge) return { kind: 'merge', key: key(), record: x.out(1, true), delta: x.out(2, true) }
    if (bits & O.Touch) return { kind: 'touch', key: key(), record: x.out(1, true) }
    if (bits & O.Save) return { kind: 'save', key: key(), record: x.out(1, true), existing: (bits & O.Existing) !== 0 }
    return null
  }
  const i = input
  switch (step) {
    case 'begin': {
      const bits = x.flowBegin(sc, i.cookie, i.idHeader, i.parsedSigned, i.parsedRaw, i.path, i.cookiePath)
      const byHeader = (bits & B.ByHeader) !== 0
      if (kind(bits) === K.Skip) return { kind: 'skip' }
      if (kind(bits) === K.New) return { kind: 'new', byHeader, rejected: (bits & B.Rejected) !== 0 }
      if (kind(bits) !== K.Load) return error('error')
      const signed = x.out(2, true)
      const id = x.out(0, true)
      // (the key is not written out when it is the id: FlowBit.KeyIsId)
      return { kind: 'load', id, key: bits & B.KeyIsId ? id : x.out(1, true), signed: signed === '' ? null : signed, secretIndex: x.num(0), byHeader }
    }
    case 'loaded':
      return loaded(x.flowLoaded(sc, i.stage, i.id, i.key, i.tombstone, i.found, i.method, i.now))
    case 'signedOut':
      return loaded(x.flowSignedOut(sc, i.id, ms(i.since), ms(i.before), Boolean(i.kept)))
    case 'generated': {
      const bits = x.flowGenerated(sc, i.id)
      return kind(bits) === K.Ok ? { kind: 'ok', key: x.out(0, true) } : error('error')
    }
    case 'respond': {
      let flags = 0
      for (const [field, bit] of [['secure', I.Secure], ['cookiePresent', I.CookiePresent], ['cookieMatches', I.CookieMatches],
        ['cookieOldSecret', I.CookieOldSecret], ['sameOriginalId', I.SameOriginalId], ['savedIsOriginal', I.SavedIsOriginal],
        ['destroyed', I.Destroyed], ['touched', I.Touched], ['storeTouch', I.StoreTouch], ['wantRecord', I.WantRecord],
        ['fromStore', I.FromStore], ['byHeader', I.ByHeader], ['readOnly', I.ReadOnly], ['storeFailed', I.StoreFailed], ['merges', I.Merges],
        ['lazyDelta', I.LazyDelta]]) {
        if (i[field]) flags |= bit
      }
      const bits = x.flowRespond(sc, PHASE[i.phase], i.now, flags, i.sessionId, i.original, i.saved, i.session, i.inc, i.push,
        i.idHeaderName, i.vary, i.cacheControl, i.signed)
      if (bits & B.Failed) return error('error')
      const o = { kind: 'effects' }
      if (bits & O.SetCookie) o.setCookie = x.out(0, false)
      if (bits & O.IdHeader) o.idHeader = x.out(0, true)
      if (bits & O.Vary) o.vary = bits & O.VaryCookie ? 'Cookie' : x.out(3, true)
      if (bits & O.CacheControl) o.cacheControl = x.out(4, true)
      o.write = write(bits, i.sessionId)
      o.index = (bits & O.Index) !== 0
      o.touched = (bits & O.Touched) !== 0
      o.cookieSkipped = (bits & O.CookieSkipped) !== 0
      if (bits & O.Expires) o.expires = bits & O.ExpiresNull ? null : x.num(0)
      if (bits & O.CreatedAt) o.createdAt = x.num(1)
      if (bits & O.LastSeen) o.lastSeen = x.num(2)
      if (bits & O.Deadline) o.deadline = x.num(3)
      return o
    }
    case 'save': {
      const flags = (i.existing ? 1 : 0) | (i.merges ? 2 : 0) | (i.readOnly ? 4 : 0)
      const bits = x.flowSave(sc, flags, i.id, i.session, nil(i.base), nil(i.inc), nil(i.push))
      if (bits & B.Failed) return error('error')
      const o = write(bits & ~O.KeyIsId, i.id)
      if (bits & O.Deadline) o.deadline = x.num(3)
      return o
    }
    case 'regenerate': {
      const bits = x.flowRegenerate(sc, i.id, nil(i.stored), i.newId, Boolean(i.readOnly), i.now)
      if (kind(bits) !== K.Ok) return error('error')
      const tombstone = bits & B.Tombstone ? { key: x.out(0, true), record: x.out(1, true), deadline: x.num(0) } : null
      return { kind: 'ok', tombstone, destroy: x.out(2, true), newKey: x.out(3, true) }
    }
    case 'keyOf':
      return { key: x.keyOf(sc, i.id) }
    default:
      throw new Error(`unknown flow step ${step}`)
  }
}

module.exports = { flowAnswer }
