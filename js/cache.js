'use strict'
/**
 * Shared caches (a CDN, a reverse proxy) must never keep a session cookie: one user's Set-Cookie
 * handed to the next is that user's session. On every response a session middleware handled,
 * `Vary: Cookie` (the answer depends on the cookie); on one that sets a session cookie,
 * `Cache-Control` gets `no-cache="Set-Cookie"` (the cookie must not be served from a cache), also
 * when the app said `public`: as Go's scs does. `cacheHeaders: false` turns both off.
 */

/** Adds `Cookie` to the response's Vary header (unless it is there, or `*`). */
function varyCookie (res) {
  const prev = res.getHeader('Vary')
  if (prev === undefined || prev === '') return res.setHeader('Vary', 'Cookie')
  const text = Array.isArray(prev) ? prev.join(', ') : String(prev)
  if (/(^|,)\s*(cookie|\*)\s*(,|$)/i.test(text)) return
  res.setHeader('Vary', text + ', Cookie')
}

/** Adds the header `name` to the response's Vary header (unless it is there, or `*`). */
function varyOn (res, name) {
  const prev = res.getHeader('Vary')
  if (prev === undefined || prev === '') return res.setHeader('Vary', name)
  const text = Array.isArray(prev) ? prev.join(', ') : String(prev)
  const have = text.toLowerCase().split(',').map((v) => v.trim())
  if (have.includes(name.toLowerCase()) || have.includes('*')) return
  res.setHeader('Vary', text + ', ' + name)
}

/** Makes Cache-Control forbid storing the Set-Cookie (private and no-store already do). */
function noCacheSetCookie (res) {
  const prev = res.getHeader('Cache-Control')
  if (prev === undefined || prev === '') return res.setHeader('Cache-Control', 'no-cache="Set-Cookie"')
  const text = Array.isArray(prev) ? prev.join(', ') : String(prev)
  if (/(^|,)\s*(no-store|private)\s*(,|$)/i.test(text) || /no-cache\s*=\s*"?[^"]*set-cookie/i.test(text)) return
  res.setHeader('Cache-Control', text + ', no-cache="Set-Cookie"')
}

/** Both, as the response's headers go out (`setsCookie`: it carries a session cookie). */
function cacheHeaders (res, setsCookie) {
  if (res.headersSent) return
  varyCookie(res)
  if (setsCookie) noCacheSetCookie(res)
}

module.exports = { cacheHeaders, varyCookie, varyOn, noCacheSetCookie }
