'use strict'
// The benchmarks' floor for session-core/cookie-session: cookie-session's wire format written by
// hand in plain JavaScript, no wasm. `session=<base64 of the JSON>` and `session.sig=<HMAC-SHA1 of
// "session=<value>" under the first key, base64url without padding>` (keygrip's format, verified
// under any key in constant time); `req.session` is the JSON parsed, `{}` when the cookie is
// missing or does not verify. At `res.end`, when the JSON changed (and a new session is not empty),
// both cookies are sent with cookie-session's attributes (`path=/; httponly`). What it leaves out:
// `req.session = null`, maxAge, re-signing under a rotated key, a Set-Cookie for a bad signature,
// and a response whose headers went out before `res.end` gets none (the bench's `res.send` is not
// one). Options: { keys, cacheHeaders? (default true), name? }.
const crypto = require('node:crypto')
const { cookieValue, nodeCacheHeaders } = require('./floor-parts')

/** The session logic of the client kind, over header text: `load` at the request, `commit` at its end. */
function clientKind ({ keys, name = 'session' }) {
  const sign = (data, key) => crypto.createHmac('sha1', key).update(data).digest('base64url')
  const verify = (data, sig) => {
    const sent = Buffer.from(sig)
    return keys.some((key) => {
      const good = Buffer.from(sign(data, key))
      return sent.length === good.length && crypto.timingSafeEqual(sent, good)
    })
  }
  const attributes = '; path=/; httponly'
  return {
    /** The session a Cookie header carries: { session, original: its JSON text, null when new }. */
    load (header) {
      const value = cookieValue(header, name, false)
      const sig = value ? cookieValue(header, name + '.sig', false) : undefined
      if (sig && verify(`${name}=${value}`, sig)) {
        try {
          const original = Buffer.from(value, 'base64').toString('utf8')
          return { session: JSON.parse(original), original }
        } catch (e) {}
      }
      return { session: {}, original: null }
    },
    /** Both Set-Cookie values when the session changed, or null. */
    commit ({ session, original }) {
      if (!session || typeof session !== 'object') return null
      const json = JSON.stringify(session)
      if (json === original || (original === null && json === '{}')) return null
      const pair = `${name}=${Buffer.from(json).toString('base64')}`
      return [pair + attributes, `${name}.sig=${sign(pair, keys[0])}${attributes}`]
    }
  }
}

/** The Express middleware. */
function floorCookieSession (options) {
  const kind = clientKind(options)
  const cache = options.cacheHeaders !== false
  return function floorCookieSession (req, res, next) {
    const st = kind.load(req.headers.cookie)
    req.session = st.session
    const end = res.end
    res.end = function (chunk, encoding, cb) {
      res.end = end
      st.session = req.session
      const setCookies = kind.commit(st)
      if (!res.headersSent) {
        if (setCookies !== null) res.appendHeader('Set-Cookie', setCookies)
        if (cache) nodeCacheHeaders(res, setCookies !== null)
      }
      return end.call(res, chunk, encoding, cb)
    }
    next()
  }
}

module.exports = { floorCookieSession, clientKind }
