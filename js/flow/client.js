'use strict'
/**
 * What session-core/cookie-session and session-core/web's client kind share around the core's
 * load and commit (src/client/): the commit's cookie fields, and the error of a session too large
 * for its cookie. No Node built-ins.
 */

/**
 * The error of a session too big for its cookie (or, with chunk, for the Cookie header its cookies
 * may take, `limit` bytes): never a silent loss. `size` and `limit` are the core's (src/client/).
 */
function tooLargeError (cookieName, size, limit, chunk, compress) {
  const what = chunk
    ? `session cookies "${cookieName}.*" would take ${size} bytes of Cookie header; chunk: true keeps them within ${limit} bytes of Cookie header` +
      ` (chunk.maxBytes; nginx and Apache refuse a request header over 8 KB, curl sends at most about 8 KB of cookies)${compress ? ', after compress' : ''}`
    : `session cookie "${cookieName}" would be ${size} bytes; browsers drop cookies over ${limit} bytes (name and value)`
  const err = new Error(`${what}, so the session was not sent. Keep less in the session, or use a server-side store.`)
  err.code = 'ERR_SESSION_COOKIE_TOO_LARGE'
  err.status = 500
  err.statusCode = 500
  err.size = size
  err.limit = limit
  err.cookie = cookieName
  return err
}

/**
 * The cookie attributes of `req.sessionOptions` (own or inherited) for the core's commit: the
 * strings and numbers, and the COMMIT flags (the core's ClientCommit enum) that say which are there.
 */
function commitFields (so, COMMIT) {
  let flags = 0
  const maxAge = typeof so.maxAge === 'number' ? so.maxAge : so.maxAge ? NaN : undefined
  if (maxAge !== undefined) flags |= COMMIT.MAX_AGE
  const expires = so.expires instanceof Date ? so.expires.valueOf() : undefined
  if (expires !== undefined) flags |= COMMIT.EXPIRES
  if (so.secure !== undefined) flags |= COMMIT.SECURE_SET | (so.secure ? COMMIT.SECURE_ON : 0)
  if (so.httpOnly !== undefined) flags |= COMMIT.HTTP_ONLY_SET | (so.httpOnly ? COMMIT.HTTP_ONLY_ON : 0)
  if (so.partitioned) flags |= COMMIT.PARTITIONED
  if (so.signed !== undefined) flags |= COMMIT.SIGNED_SET | (so.signed ? COMMIT.SIGNED_ON : 0)
  const text = (v) => (typeof v === 'string' ? v : v == null || v === false || v === '' ? null : String(v))
  return {
    flags,
    maxAge,
    expires,
    path: text(so.path),
    domain: text(so.domain),
    sameSite: so.sameSite === true ? 'strict' : text(so.sameSite),
    priority: text(so.priority),
    now: 0,
    keyIndex: undefined,
    createdAt: undefined,
    lastSeen: undefined,
    issuedAt: undefined,
    present: 0,
    raw: null,
    original: null,
    session: null
  }
}

module.exports = { commitFields, tooLargeError }
