'use strict'
/** Per-request state of the middleware, kept on `req` under a symbol. */

const kState = Symbol('session-core.state')

/** The data part of a generated session is always empty: no need to serialise it to know that. */
const EMPTY_RECORD = '{}'

class RequestState {
  constructor () {
    this.cookieId = undefined // the id the request's cookie carried, when its signature verified
    this.secretIndex = null // which secret verified it
    this.originalId = undefined
    this.original = EMPTY_RECORD // the record as loaded (JSON text)
    this.saved = null // the record at the last save(), or as loaded when resave is off
    this.destroyed = false
    this.touched = false
    this.headersDone = false
    this.ended = false
    this.endedReason = undefined // why a loaded session was discarded: expired, idle, absolute
  }

  markSaved (sess) {
    this.saved = JSON.stringify(sess)
  }
}

module.exports = { kState, RequestState, EMPTY_RECORD }
