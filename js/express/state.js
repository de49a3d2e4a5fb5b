'use strict'
/** Per-request state of the middleware, kept on `req` under a symbol. */

const kState = Symbol('session-core.state')

/** The data part of a generated session is always empty: no need to serialise it to know that. */
const EMPTY_RECORD = '{}'

class RequestState {
  constructor (mw, sc, req, res, next) {
    this.mw = mw // the middleware's settings and store
    this.sc = sc // its SessionCore (options and keyed secrets, in the core)
    this.req = req
    this.res = res
    this.next = next
    this._writeHead = null
    this._end = null
    // the store's get() callback, bound once
    this.loaded = (err, sess, json) => loaded(this, err, sess, json)
    this.cookieId = undefined // the id the request's cookie carried, when its signature verified
    this.secretIndex = null // which secret verified it
    this.originalId = undefined
    this.original = EMPTY_RECORD // the record as loaded (JSON text)
    this.saved = null // the record at the last save(), or as loaded when resave is off
    this.fromStore = false // the session was loaded from the store (not generated)
    this.destroyed = false
    this.touched = false
    this.headersDone = false
    this.ended = false
    this.record = undefined // the record the last decision wrote (for the store)
    this.deadline = undefined // ... and when the store may forget it
    this.delta = undefined // ... and, for a store that merges, what this request changed (wire text)
    this.idHeader = null // the id header's name, on a header request (the header option)
    this.lookup = 0 // on a miss: 1 the plain id tried (hashIds), 2 the tombstone (regenerateGrace)
    this.keys = null // the store keys of the id (hashIds, regenerateGrace)
    this.readOnly = false // a regenerated id inside the grace window: no cookie, no store write
    this.readOnlySession = null // ... for this session object
    this.storeFailed = false // a store call of req.session's failed: the response writes no session
    this.endedReason = undefined // why a loaded session was discarded: expired, idle, absolute, signed-out
    // when the request began (a session's "signed in since", for its user's index): only with `user`
    this.startedAt = mw.user !== null ? Date.now() : 0
  }

  /** Remembers the record as saved now; returns its text. */
  markSaved (sess) {
    this.saved = JSON.stringify(sess)
    return this.saved
  }
}

let loaded // set by index.js: the handler of a store's get() answer
module.exports = { kState, RequestState, EMPTY_RECORD, setLoaded: (fn) => { loaded = fn } }
