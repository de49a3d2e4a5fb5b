'use strict'
/** Per-request state of the middleware, kept on `req` under a symbol (plain data the flow hands back). */

const kState = Symbol('session-core.state')

class RequestState {
  constructor (mw, d, req, res, next) {
    this.mw = mw // the middleware's settings and store
    this.d = d // the flow's door: the core (options and keyed secrets), the store adapter
    this.req = req
    this.res = res
    this.next = next
    this._writeHead = null
    this._end = null
    // what the first step said (../flow/server.js begin)
    this.id = undefined // the id the request carried (verified)
    this.key = undefined // the store key being read
    this.secretIndex = 0 // which secret verified it
    this.byHeader = false // it came in the id header
    this.signed = null // its cookie value, verified by the newest secret
    this.stage = 0 // what the load reads: 0 record, 1 plain id (hashIds), 2 tombstone, 3 its successor
    this.tomb = null
    this.text = null // the record's text as the store answered it
    this.obj = null // ... and as an object, when the store gave one
    this.cookieId = undefined // req.sessionID as the request carried it (the cookie's, or the header's)
    this.idHeader = null // the id header's name, on a header request (the header option)
    this.originalId = undefined
    this.original = '{}' // the record as loaded (JSON text)
    this.saved = null // the record at the last save(), or as loaded when resave is off
    this.fromStore = false // the session was loaded from the store (not generated)
    this.destroyed = false
    this.touched = false
    this.headersDone = false
    this.ended = false
    this.readOnly = false // a regenerated id inside the grace window: no cookie, no store write
    this.readOnlySession = null // ... for this session object
    this.storeFailed = false // a store call of req.session's failed: the response writes no session
    this.endedReason = undefined // why a loaded session was discarded: expired, idle, absolute, signed-out
    // what the response's step said (../flow/server.js respond)
    this.setCookie = null
    this.record = undefined
    this.delta = undefined
    this.deadline = undefined
    this.writeKey = undefined
    this.vary = null
    this.cacheControl = null
    this.ops = null // the request's increments and pushes as the response's step sent them
    // when the request began (a session's "signed in since", for its user's index): only with `user`
    this.startedAt = mw.user !== null ? Date.now() : 0
  }

  /** Remembers the record as saved now; returns its text. */
  markSaved (sess) {
    this.saved = JSON.stringify(sess)
    return this.saved
  }

  /** The response as it was before the hooks (the session leaves the request). */
  unhook () {
    if (this._writeHead !== null) this.res.writeHead = this._writeHead
    if (this._end !== null) this.res.end = this._end
  }
}

module.exports = { kState, RequestState }
