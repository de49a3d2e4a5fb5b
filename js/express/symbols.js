'use strict'
// Private protocol between the middleware and its own MemoryStore (records as JSON text).
module.exports = { kSetRecord: Symbol('session-core.setRecord'), kGetRecord: Symbol('session-core.getRecord') }
