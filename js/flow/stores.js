'use strict'
/**
 * The store calls a door makes for the request flow (./server.js), over a store with
 * express-session's interface (callbacks or Promises: connect-redis, session-core/redis, our
 * MemoryStore, anybody's): every call bounded by the `storeTimeout` option, keys as the flow gives
 * them (with hashIds the store only ever sees hashed keys), and our own stores' fast paths (the
 * record as text both ways, conditional writes). No Node built-ins: session-core/web uses it too.
 *
 *   get(key, cb(err, object, text))         text: the record's JSON text when the store has it
 *   save(key, text, deadline, existing, session, empty, cb)
 *   merge(key, delta, cb)                    delta: { text, record, expires, session, base, apply }
 *   touch(key, text, deadline, session, cb)
 *   destroy(key, cb)
 *   userState(user, key, cb), indexUser(user, key, info, cb)
 *   merges, touches, indexes: what the store can do
 */

const { callStore, kNative } = require('./call-store')

/** Our stores' private protocol (records as JSON text): js/express/memory.js, js/redis/store.js. */
const kGetRecord = Symbol.for('session-core.getRecord')
const kSetRecord = Symbol.for('session-core.setRecord')

/** Does the store hand over (take) the record as text, unless someone replaced its get (set)? */
const givesRecord = (store) => typeof store[kGetRecord] === 'function' && Boolean(store.get) && store.get[kNative] === true
const takesRecord = (store) => typeof store[kSetRecord] === 'function' && Boolean(store.set) && store.set[kNative] === true

/**
 * The adapter over `store`. `timeout`: the storeTimeout option (ms); `timed`: the store-call hook
 * (see ./call-store.js), or null.
 */
function expressStore (store, timeout, timed) {
  const call = (method, args, cb) => callStore(store, method, args, cb, timeout, timed)
  // our stores' fast paths are called as they are: they answer in the check phase (the MemoryStore)
  // or bound every command themselves (session-core/redis's operationTimeout)
  const fast = (method, cb) => {
    if (!timed || !timed.on()) return cb
    const t0 = performance.now()
    return (err, a, b) => {
      timed(method, performance.now() - t0, err ? err.code || 'ERROR' : null)
      cb(err, a, b)
    }
  }
  return {
    store,
    // (asked each time, as the fast paths are) our MemoryStore's merge only while its own set is
    // in place: code that replaced set, to watch or redirect the writes as express-session's tests
    // do, gets its set called, as before
    get merges () {
      const merge = store.merge
      return typeof merge === 'function' && (merge[kNative] !== true || (typeof store.set === 'function' && store.set[kNative] === true))
    },
    touches: typeof store.touch === 'function',
    indexes: typeof store.indexUser === 'function' && typeof store.userState === 'function',
    get takesRecord () { return takesRecord(store) },
    get (key, cb) {
      // (asked each time: code that replaces the store's get or set gets its own called)
      if (givesRecord(store)) return store[kGetRecord](key, fast('get', cb))
      call('get', [key], (err, sess) => cb(err, sess))
    },
    save (key, text, deadline, existing, session, empty, cb) {
      if (takesRecord(store)) return store[kSetRecord](key, text, deadline, { existing, empty }, fast('set', cb))
      call('set', [key, session], cb)
    },
    merge (key, delta, cb) {
      call('merge', [key, delta], cb)
    },
    touch (key, text, deadline, session, cb) {
      call('touch', [key, session], cb)
    },
    destroy (key, cb) {
      call('destroy', [key], cb)
    },
    userState (user, key, cb) {
      call('userState', [user, key], cb)
    },
    indexUser (user, key, info, cb) {
      call('indexUser', [user, key, info], cb)
    }
  }
}

module.exports = { expressStore, givesRecord, takesRecord, kGetRecord, kSetRecord }
