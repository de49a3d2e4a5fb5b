'use strict'
/**
 * What happens to sessions, published on Node's `diagnostics_channel` (the convention of undici and
 * Fastify): nothing is computed when nobody listens. Each message names a session by its tag (the
 * first 8 characters of base64url(SHA-256(id))), never by its id: an id in a log is a login.
 *
 *   session-core:load        { tag }                      a session read from the store
 *   session-core:create      { tag }                      a new session
 *   session-core:save        { tag, size }                written (size: the record's bytes)
 *   session-core:touch       { tag }                      its expiry refreshed
 *   session-core:destroy     { tag }
 *   session-core:regenerate  { tag, previous }            a new id for the session (previous: the old tag)
 *   session-core:reject      { reason, tag? }             a cookie not taken: bad-signature, not-found,
 *                                                         expired, idle, absolute, signed-out
 *   session-core:store       { method, duration, error }  each store call (ms; error: its code or null)
 */

const dc = require('node:diagnostics_channel')
const native = require('../native')

const channels = {}
for (const name of ['load', 'create', 'save', 'touch', 'destroy', 'regenerate', 'reject', 'store']) {
  channels[name] = dc.channel('session-core:' + name)
}

/** The tag of a session id (a string), or null. */
function tagOf (id) {
  return typeof id === 'string' && id !== '' ? native.tag(id) : null
}

/** Publishes `make()` on channel `name` when somebody listens. */
function publish (name, make) {
  const ch = channels[name]
  if (ch.hasSubscribers) ch.publish(make())
}

/** A session event about the session with id `id`. */
function sessionEvent (name, id, extra) {
  const ch = channels[name]
  if (!ch.hasSubscribers) return
  const msg = { tag: tagOf(id) }
  if (extra) Object.assign(msg, extra)
  ch.publish(msg)
}

/** Does anybody listen to the store channel (so a store call is worth timing)? */
const timingStore = () => channels.store.hasSubscribers

/** `cb`, timed as store call `method` when somebody listens (for the calls that skip callStore). */
function timed (method, cb) {
  if (!channels.store.hasSubscribers) return cb
  const t0 = performance.now()
  return (err, ...rest) => {
    channels.store.publish({ method, duration: performance.now() - t0, error: err ? err.code || 'ERROR' : null })
    cb(err, ...rest)
  }
}

/** The store-call hook of ../flow/call-store.js: publishes each call when somebody listens. */
function timingHook () {
  const report = (method, duration, error) => channels.store.publish({ method, duration, error })
  report.on = timingStore
  return report
}

module.exports = { publish, sessionEvent, tagOf, timingStore, timed, timingHook, channels }
