'use strict'
/** What the middleware reads off a request: is it secure, and the path it was made to. */

/** Is the request secure: TLS socket, else `X-Forwarded-Proto` (proxy: true) or `req.secure`. */
function issecure (req, trustProxy) {
  if (req.connection && req.connection.encrypted) return true
  if (trustProxy === false) return false
  if (trustProxy !== true) return req.secure === true
  const header = req.headers['x-forwarded-proto'] || ''
  const index = header.indexOf(',')
  const proto = index !== -1 ? header.slice(0, index) : header
  return proto.toLowerCase().trim() === 'https'
}

/** The path of the original request URL (before any mount point). */
function originalPathname (req) {
  const url = req.originalUrl || req.url || ''
  if (url[0] === '/') {
    const cut = url.search(/[?#]/)
    return cut === -1 ? url : url.slice(0, cut)
  }
  try {
    return new URL(url).pathname
  } catch (e) {
    return url.split(/[?#]/)[0] || '/'
  }
}

module.exports = { issecure, originalPathname }
