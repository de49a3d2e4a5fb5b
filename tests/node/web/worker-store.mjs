// session-core/web in a Worker with a store of its own over fetch (as a Worker reaches KV or a
// Durable Object): records at env.STORE_URL/<id>, served by the test from the Express drop-in's
// store, so one server-side login is shared with the Express app.
import { getSession } from 'session-core/web'
import { makeFetch, MODES } from './app.mjs'

/** The web store contract: get/set/destroy/touch, each a Promise. */
function httpStore (base) {
  const at = (id) => `${base}/${encodeURIComponent(id)}`
  return {
    async get (id) {
      const r = await fetch(at(id))
      return r.status === 200 ? r.text() : null
    },
    async set (id, record) { await fetch(at(id), { method: 'PUT', body: JSON.stringify(record) }) },
    async touch (id, record) { await fetch(at(id), { method: 'PUT', body: JSON.stringify(record) }) },
    async destroy (id) { await fetch(at(id), { method: 'DELETE' }) }
  }
}

let handler = null
export default {
  fetch (request, env) {
    if (handler === null) {
      // options made once, on the first request (env is not there at global scope)
      MODES.store = { ...MODES.store, store: httpStore(env.STORE_URL) }
      handler = makeFetch(getSession, 'workerd')
    }
    return handler(request)
  }
}
