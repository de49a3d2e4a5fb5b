'use strict'
/**
 * A tiny `debug`: `debug('session-core:express')('fmt %s', x)` prints to stderr when the DEBUG
 * environment variable names the namespace (comma-separated, `*` wildcards), silent otherwise.
 */
const { format } = require('node:util')

function enabled (namespace) {
  const spec = (typeof process !== 'undefined' && process.env && process.env.DEBUG) || ''
  let on = false
  for (const part of spec.split(/[\s,]+/)) {
    if (!part) continue
    const negate = part[0] === '-'
    const pattern = new RegExp('^' + (negate ? part.slice(1) : part).replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*?') + '$')
    if (pattern.test(namespace)) on = !negate
  }
  return on
}

module.exports = function debug (namespace) {
  const on = enabled(namespace)
  const log = on ? (...args) => process.stderr.write(`  ${namespace} ${format(...args)}\n`) : () => {}
  log.enabled = on
  return log
}

/** How a log line names a session: its tag (src/id.rs), never the id (an id in a log is a login). */
module.exports.tag = function tag (id) {
  return typeof id === 'string' ? 'tag ' + require('./native').tag(id) : '(no id)'
}
