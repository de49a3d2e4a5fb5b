'use strict'
// The benchmarks' floors for session-core/hono: the same hand-written session logic as
// bench/floor-express.js (`kind: 'server'`, express-session's semantics, a Map of JSON text) and
// bench/floor-cookie-session.js (`kind: 'client'`, cookie-session's wire format), as a Hono
// middleware over Request/Response: the session at `c.get('session')`, read from the Cookie header
// before the handler; after it, when the session changed, its Set-Cookie appended to
// `c.res.headers` (and the cache headers, unless `cacheHeaders: false`). The handler's response
// must have mutable headers (`c.text`, `c.json`, ... do). Options: the server floor's
// ({ secret, maxAge?, name?, store? }) or, with `kind: 'client'`, the client floor's ({ keys, name? }).
const { serverKind } = require('./floor-express')
const { clientKind } = require('./floor-cookie-session')
const { webCacheHeaders } = require('./floor-parts')

function floorHono (options) {
  const kind = options.kind === 'client' ? clientKind(options) : serverKind(options)
  const cache = options.cacheHeaders !== false
  return async function floorSession (c, next) {
    const st = kind.load(c.req.header('cookie'))
    c.set('session', st.session)
    await next()
    const set = kind.commit(st)
    const headers = c.res.headers
    if (typeof set === 'string') headers.append('Set-Cookie', set)
    else if (set !== null) for (const v of set) headers.append('Set-Cookie', v)
    if (cache) webCacheHeaders(headers, set !== null)
  }
}

module.exports = { floorHono }
