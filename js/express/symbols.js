'use strict'
// Private protocol between the middleware and its own MemoryStore (records as JSON text).
module.exports = {
  kSetRecord: Symbol.for('session-core.setRecord'),
  kGetRecord: Symbol.for('session-core.getRecord'),
  // marks MemoryStore's own get/set, so a store whose methods were replaced is called the public way
  kNative: Symbol.for('session-core.native'),
  // on req: 'header' when the session id came in the id header (the header option); csrf() reads it
  kCarrier: Symbol.for('session-core.carrier')
}
