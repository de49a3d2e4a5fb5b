'use strict'
/**
 * `hashIds: true`: the store the middleware and `req.sessionStore` use is this view of the app's
 * store, which hands the store base64url(SHA-256(id)) wherever express-session's Store interface
 * (and the per-user index's) takes a session id. The store, ours or a third party's, never sees an
 * id: a dump of it opens no session. The key is the core's (src/session/hashed.rs); this file only
 * maps arguments. Every other property (the client, `prefix`, events) is the store's own.
 */

const native = require('../native')
const { kGetRecord, kSetRecord, kNative } = require('./symbols')

const key = (id) => (typeof id === 'string' ? native.storeKeys(id, true).key : id)
const arg = (v) => (typeof v === 'string' && v !== '' ? native.indexArg(v, true) : v)

/** The methods whose first argument is a session id. */
const BY_ID = ['get', 'set', 'destroy', 'touch', 'merge', kGetRecord, kSetRecord]
/** The per-user index's methods whose second argument is a session id. */
const BY_USER_AND_ID = ['indexUser', 'userState']

function hashing (store) {
  const view = Object.create(store)
  const wrap = (name, fn) => {
    const orig = store[name]
    if (typeof orig !== 'function') return
    const f = fn(orig)
    if (orig[kNative] === true) f[kNative] = true
    view[name] = f
  }
  for (const m of BY_ID) wrap(m, (orig) => function (id, ...rest) { return orig.call(store, key(id), ...rest) })
  for (const m of BY_USER_AND_ID) wrap(m, (orig) => function (user, id, ...rest) { return orig.call(store, user, key(id), ...rest) })
  // `current` (sessionsOf) and `except` (destroyUser): an id becomes its key, a tag stays
  wrap('sessionsOf', (orig) => function (user, options, ...rest) {
    if (options && typeof options === 'object' && options.current !== undefined) options = { ...options, current: arg(options.current) }
    return orig.call(store, user, options, ...rest)
  })
  wrap('destroyUser', (orig) => function (user, options, ...rest) {
    if (options && typeof options === 'object' && options.except !== undefined) options = { ...options, except: arg(options.except) }
    return orig.call(store, user, options, ...rest)
  })
  // everything else runs on the store itself (events, all, length, clear, destroySession by tag)
  for (const m of ['on', 'once', 'off', 'emit', 'addListener', 'removeListener', 'all', 'length', 'clear', 'ids', 'destroySession', 'close']) {
    wrap(m, (orig) => function (...args) { return orig.apply(store, args) })
  }
  Object.defineProperty(view, 'unhashed', { value: store, enumerable: false })
  return view
}

module.exports = { hashing }
