'use strict'
/**
 * `req.flash()`, connect-flash's API, kept in `req.session.flash`:
 * `req.flash(type, msg)` adds (msg may be an array; extra arguments format msg as util.format does)
 * and returns the count for that type; `req.flash(type)` returns and clears that type's messages;
 * `req.flash()` returns and clears all.
 */
const { format } = require('node:util')

module.exports = function flash (type, msg, ...rest) {
  if (this.session === undefined || this.session === null) throw new Error('req.flash() requires sessions')
  if (type && msg !== undefined) {
    const msgs = (this.session.flash = this.session.flash || {})
    if (rest.length) msg = format(msg, ...rest)
    const list = (msgs[type] = msgs[type] || [])
    if (Array.isArray(msg)) list.push(...msg)
    else list.push(msg)
    return list.length
  }
  // reading never creates the key, so a session that only reads stays unmodified
  const msgs = this.session.flash
  if (!msgs) return type ? [] : {}
  if (type) {
    const list = msgs[type] || []
    delete msgs[type]
    if (Object.keys(msgs).length === 0) delete this.session.flash
    return list
  }
  delete this.session.flash
  return msgs
}
