'use strict'
/**
 * What a request changed in its session, per top-level key, for a store that merges
 * (`store.merge(sid, delta, callback)`): two overlapping requests that set different keys both
 * land, and `req.session.increment`/`push` apply relative to the stored value. The core makes the
 * delta and applies it (src/session/delta.rs); this file is the object a store receives and the
 * per-key operations a session records.
 */

const native = require('../native')

/**
 * The delta a store's `merge` receives.
 * - `text`: the wire text (JSON, opaque to stores):
 *   `{"set":{…},"unset":[…],"inc":{…},"push":{…},"cookie":{…}}`, members left out when empty;
 * - `apply(storedText)`: the stored record with the delta applied (throws ERR_SESSION_CORE_BAD_RECORD
 *   when the stored text is not a record);
 * - `record`: the whole record as this request sees it (what a whole-record `set` would write);
 * - `expires`: when the new record may be forgotten (ms since the epoch), or null;
 * - `session`: the Session (for stores that only know `set`);
 * - `base`: the record text the delta was taken against (as loaded or last saved): when the store
 *   still holds exactly this text, `record` is the merged result (no `apply` needed).
 */
class Delta {
  /**
   * `text` '' (or undefined): made by the core when first asked for, from `base`, `record` and the
   * request's increments and pushes (`inc`, `push`: JSON text or null). A store that still holds
   * `base` writes `record` and never asks.
   */
  constructor (text, record, expires, session, base, inc = null, push = null) {
    this._text = text || null
    this.record = record
    this.expires = expires === undefined ? null : expires
    this.session = session
    this.base = base
    this._ops = [inc, push]
  }

  get text () {
    if (this._text === null) this._text = native.delta(this.base, this.record, this._ops[0], this._ops[1])
    return this._text
  }

  set text (value) {
    this._text = value
  }

  apply (storedText) {
    return native.applyDelta(storedText, this.text)
  }
}

/** The error a store answers when the session's record is gone at write time (nothing written). */
function goneError () {
  const err = new Error('session-core: the session was destroyed or expired before this write; nothing was written')
  err.code = 'ESESSION_GONE'
  return err
}

const { increment, push, opsText, settled, setLoaded } = require('../flow/ops')

module.exports = { Delta, goneError, increment, push, opsText, settled, setLoaded }
