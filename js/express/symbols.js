'use strict'
module.exports = { kSetRecord: Symbol('session-core.setRecord') }
