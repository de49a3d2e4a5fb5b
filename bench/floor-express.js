'use strict'
// The benchmarks' floor for session-core/express: express-session's semantics written by hand in
// plain JavaScript, no wasm. The cookie `connect.sid` holds `s:<id>.<HMAC-SHA256(secret, id), base64
// without padding>` percent-encoded (cookie-signature's format, express-session's bytes); the store
// is a Map of JSON text (express-session's MemoryStore keeps the same text); `req.session` is the
// record parsed, with its `cookie` as express-session writes it (`originalMaxAge`, `expires`,
// `httpOnly`, `path`). At `res.end` the session is written when it changed (saveUninitialized:
// false, resave: false); a returning session sends no Set-Cookie, except with `maxAge`, where every
// session is touched (a new `expires`, written) and a changed one sends its cookie again, as
// express-session does. A new session gets `randomBytes(24)` base64url (32 characters) as its id.
// What it leaves out: regenerate/destroy/save/reload, rolling, a cookie path, proxies and Secure,
// and a response whose headers went out before `res.end` gets no Set-Cookie (the bench's `res.send`
// is not one). Options: { secret, maxAge?, cacheHeaders? (default true), name?, store? }.
const crypto = require('node:crypto')
const { cookieValue, nodeCacheHeaders } = require('./floor-parts')

/** The session logic of the server kind, over header text: `load` at the request, `commit` at its end. */
function serverKind ({ secret, maxAge = null, name = 'connect.sid', store = new Map() }) {
  const mac = (id) => crypto.createHmac('sha256', secret).update(id).digest('base64').replace(/=+$/, '')
  const verify = (value) => {
    const dot = value ? value.lastIndexOf('.') : -1
    if (dot < 2 || !value.startsWith('s:')) return null
    const id = value.slice(2, dot)
    const sent = Buffer.from(value.slice(dot + 1))
    const good = Buffer.from(mac(id))
    return sent.length === good.length && crypto.timingSafeEqual(sent, good) ? id : null
  }
  return {
    /** The session a Cookie header names: { id, session, original: the record's text, null when new }. */
    load (header) {
      const id = verify(cookieValue(header, name, true))
      const text = id === null ? undefined : store.get(id)
      if (text !== undefined) return { id, session: JSON.parse(text), original: text }
      const expires = maxAge === null ? null : new Date(Date.now() + maxAge).toISOString()
      const session = { cookie: { originalMaxAge: maxAge, expires, httpOnly: true, path: '/' } }
      return { id: crypto.randomBytes(24).toString('base64url'), session, original: null }
    },
    /** Writes the session when it changed (or touches it, with maxAge); its Set-Cookie, or null. */
    commit ({ id, session, original }) {
      if (!session || typeof session !== 'object') return null
      let text = JSON.stringify(session)
      const changed = original === null ? Object.keys(session).length > 1 : text !== original
      if (!changed && (maxAge === null || original === null)) return null
      let expires = null
      if (maxAge !== null) {
        expires = new Date(Date.now() + maxAge)
        session.cookie.expires = expires.toISOString()
        text = JSON.stringify(session)
      }
      store.set(id, text)
      if (!changed || (original !== null && maxAge === null)) return null
      return `${name}=${encodeURIComponent(`s:${id}.${mac(id)}`)}; Path=/${expires ? '; Expires=' + expires.toUTCString() : ''}; HttpOnly`
    }
  }
}

/** The Express middleware. */
function floorExpress (options) {
  const kind = serverKind(options)
  const cache = options.cacheHeaders !== false
  return function floorSession (req, res, next) {
    const st = kind.load(req.headers.cookie)
    req.session = st.session
    req.sessionID = st.id
    const end = res.end
    res.end = function (chunk, encoding, cb) {
      res.end = end
      st.session = req.session
      const setCookie = kind.commit(st)
      if (!res.headersSent) {
        if (setCookie !== null) res.appendHeader('Set-Cookie', setCookie)
        if (cache) nodeCacheHeaders(res, setCookie !== null)
      }
      return end.call(res, chunk, encoding, cb)
    }
    next()
  }
}

module.exports = { floorExpress, serverKind }
