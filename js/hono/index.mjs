/**
 * session-core/hono: session-core/web as Hono middleware. `session(options)` puts the request's
 * session at `c.get('session')` and applies it to the response (cookie, cache headers, the store
 * written first); `csrf(options)` refuses an unsafe request without a token of the session's secret
 * (403). Unlike `hono/csrf`, which compares the Origin header (or Sec-Fetch-Site) with the app's
 * origin and so trusts any page of an allowed origin, this checks a per-session secret token
 * (csurf's format) as well as Sec-Fetch-Site and, with `options.origins`, Origin. Both check their
 * options when they are made (the error getSession() would give), not at the first request.
 */
import { getSession, checkOptions, checkCsrf } from 'session-core/web'

export function session (options) {
  const opts = options || {}
  checkOptions(opts)
  return async function sessionCore (c, next) {
    let sess
    try {
      sess = await getSession(c.req.raw, opts)
    } catch (err) {
      // regenerateGrace: an unsafe request with a regenerated id (nothing is silently lost); with
      // the headers every session response gets (Vary: err.headers, from the core's flow). Any
      // other failure (the store's, a record that is no session) goes to the app's onError, with
      // its code, status and headers.
      if (err && err.code === 'ESESSIONREGENERATED') return c.text(err.message, 409, err.headers)
      throw err
    }
    // the method, taken before the app runs: a data key `apply` it sets is data, not a method
    const apply = sess.apply
    c.set('session', sess)
    await next()
    const res = await apply.call(sess, c.res)
    if (res !== c.res) {
      // a copy (the response's headers were immutable): set it as is (Hono would merge the old headers into it)
      c.res = undefined
      c.res = res
    }
  }
}

export function csrf (options) {
  const opts = options || {}
  checkCsrf(opts)
  return async function csrfCore (c, next) {
    const sess = c.get('session')
    if (!sess || typeof sess.verifyCsrf !== 'function') throw new Error('csrf(): put session() before csrf()')
    const { csrfToken, verifyCsrf } = sess
    c.set('csrfToken', () => csrfToken.call(sess))
    if (!(await verifyCsrf.call(sess, c.req.raw, opts))) return c.text('invalid csrf token', 403)
    await next()
  }
}

export default session
