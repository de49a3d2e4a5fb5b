'use strict'
// The HTTP side of session-core/web's tests: a cookie jar, and the scenario every runtime runs
// (token, sign-in, counter, sign-out) over real HTTP.
const assert = require('node:assert')

class Jar {
  constructor () { this.cookies = new Map() }
  /** Takes a response's Set-Cookie headers (an expired or emptied cookie is dropped). */
  take (res) {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';')
      const i = pair.indexOf('=')
      const name = pair.slice(0, i).trim()
      const value = pair.slice(i + 1).trim()
      const expired = attrs.some((a) => /^\s*expires=/i.test(a) && Date.parse(a.split('=')[1]) <= Date.now())
      if (expired || value === '') this.cookies.delete(name)
      else this.cookies.set(name, value)
    }
  }

  header () { return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') }
}

/** A request with the jar's cookies; the answer's cookies go back to the jar. */
async function call (jar, url, init = {}) {
  const headers = Object.assign({}, init.headers)
  const cookie = jar.header()
  if (cookie) headers.cookie = cookie
  const res = await fetch(url, Object.assign({}, init, { headers, redirect: 'manual' }))
  jar.take(res)
  const text = await res.text()
  let body = text
  try { body = JSON.parse(text) } catch (e) {}
  return { status: res.status, body, res }
}

/** Sign-in (with its CSRF token), the counter, sign-out, at `base` (e.g. http://host/signed). */
async function scenario (base) {
  const jar = new Jar()
  let r = await call(jar, base + '/count')
  assert.deepStrictEqual(r.body, { user: null, n: 1 })
  assert.match(r.res.headers.get('vary') || '', /Cookie/)
  r = await call(jar, base + '/count')
  assert.deepStrictEqual(r.body, { user: null, n: 2 })
  // an unsafe request without a token is refused
  r = await call(jar, base + '/login?user=ann', { method: 'POST' })
  assert.strictEqual(r.status, 403)
  const { token } = (await call(jar, base + '/token')).body
  assert.strictEqual(typeof token, 'string')
  // a cross-site request is refused even with the token
  r = await call(jar, base + '/login?user=ann', { method: 'POST', headers: { 'x-csrf-token': token, 'sec-fetch-site': 'cross-site' } })
  assert.strictEqual(r.status, 403)
  r = await call(jar, base + '/login?user=ann', { method: 'POST', headers: { 'x-csrf-token': token } })
  assert.deepStrictEqual(r.body, { user: 'ann' })
  for (let n = 1; n <= 3; n++) {
    r = await call(jar, base + '/count')
    assert.deepStrictEqual(r.body, { user: 'ann', n })
  }
  // the old token went with the old session (regenerate)
  r = await call(jar, base + '/logout', { method: 'POST', headers: { 'x-csrf-token': token } })
  assert.strictEqual(r.status, 403)
  const fresh = (await call(jar, base + '/token')).body.token
  const before = jar.header()
  r = await call(jar, base + '/logout', { method: 'POST', headers: { 'x-csrf-token': fresh } })
  assert.deepStrictEqual(r.body, { user: null })
  r = await call(jar, base + '/whoami')
  assert.strictEqual(r.body.user, null)
  // the cookie from before the sign-out no longer signs anybody in (server-side: the record is
  // gone; client-side: the browser dropped it, so replay it by hand to check the server side)
  const replay = new Jar()
  for (const part of before.split('; ')) { const i = part.indexOf('='); replay.cookies.set(part.slice(0, i), part.slice(i + 1)) }
  r = await call(replay, base + '/whoami')
  return { replayed: r.body }
}

module.exports = { Jar, call, scenario }
