'use strict'
// What the benchmark floors (bench/floor-express.js, floor-cookie-session.js, floor-hono.js) share:
// reading one cookie out of a Cookie header, and the two cache headers session-core sets by default
// (`cacheHeaders: true`, js/cache.js), as pure functions of the value the app left.

/**
 * The value of the first cookie `name` in a Cookie header (trimmed, a leading and trailing `"`
 * dropped, percent-decoded when `decode` and it has a `%`, as `cookie@0.7`'s parse), or undefined.
 */
function cookieValue (header, name, decode) {
  if (!header) return undefined
  for (let at = header.indexOf(name); at >= 0; at = header.indexOf(name, at + 1)) {
    const eq = at + name.length
    if (header.charCodeAt(eq) !== 61 || (at > 0 && header[at - 1] !== ' ' && header[at - 1] !== ';')) continue
    const end = header.indexOf(';', eq)
    let v = header.slice(eq + 1, end < 0 ? header.length : end).trim()
    if (v.charCodeAt(0) === 34) v = v.slice(1, -1)
    if (!decode || v.indexOf('%') < 0) return v
    try { return decodeURIComponent(v) } catch (e) { return v }
  }
  return undefined
}

/** `Vary` with `Cookie` added, or null when it is there already (or `*`). */
const varyCookie = (prev) => (!prev ? 'Cookie' : /(^|,)\s*(cookie|\*)\s*(,|$)/i.test(prev) ? null : prev + ', Cookie')

/** `Cache-Control` of a response that sets a session cookie, or null when it already forbids keeping it. */
const noCacheSetCookie = (prev) => (!prev
  ? 'no-cache="Set-Cookie"'
  : /no-store|private|no-cache\s*=\s*"?[^"]*set-cookie/i.test(prev) ? null : prev + ', no-cache="Set-Cookie"')

const text = (v) => (Array.isArray(v) ? v.join(', ') : v === undefined ? v : String(v))

/** The cache headers on a Node response (Express), as `res.end` is called. */
function nodeCacheHeaders (res, setsCookie) {
  const v = varyCookie(text(res.getHeader('Vary')))
  if (v !== null) res.setHeader('Vary', v)
  if (!setsCookie) return
  const cc = noCacheSetCookie(text(res.getHeader('Cache-Control')))
  if (cc !== null) res.setHeader('Cache-Control', cc)
}

/** The same on a Web `Headers` (Hono's `c.res.headers`). */
function webCacheHeaders (headers, setsCookie) {
  const v = varyCookie(headers.get('Vary'))
  if (v !== null) headers.set('Vary', v)
  if (!setsCookie) return
  const cc = noCacheSetCookie(headers.get('Cache-Control'))
  if (cc !== null) headers.set('Cache-Control', cc)
}

/** What the bench prints about the floors' headers. */
const describeCacheHeaders = (on) => (on
  ? 'the floors set the headers session-core sets by default (cacheHeaders: true): Vary: Cookie on every response, Cache-Control: no-cache="Set-Cookie" beside a Set-Cookie'
  : 'the floors set no cache headers (Vary, Cache-Control)')

module.exports = { cookieValue, varyCookie, noCacheSetCookie, nodeCacheHeaders, webCacheHeaders, describeCacheHeaders }
