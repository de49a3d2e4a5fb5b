'use strict'
// session-core/web on real runtimes (Bun, Deno, workerd; Node with Hono is web-hono.test.js): the
// same app in each, started on a loopback port and driven over HTTP for signed, encrypted and
// store-backed sessions; and one login across the Express and cookie-session drop-ins and each
// runtime, both ways. A runtime that is missing or does not start fails these tests.
const test = require('node:test')
const assert = require('node:assert')
const http = require('node:http')
const path = require('node:path')
const express = require('express5')
const runtimes = require('./web-runtimes')
const { Jar, call, scenario } = require('./web-client')
const { dir } = require('./pkg')

const cookieSession = require(path.join(dir, 'cookie-session'))
const SECRET = 'web-test-secret'
const KEYS = ['web-test-key-1', 'web-test-key-0']

/** The cookie-session drop-in with the runtimes' keys: /<mode>/login?user=, /<mode>/whoami. */
function dropInApp () {
  const app = express()
  const signed = cookieSession({ keys: KEYS })
  const sealed = cookieSession({ keys: KEYS, encrypt: true, name: 'sealed' })
  for (const [mode, mw] of [['signed', signed], ['encrypted', sealed]]) {
    app.get(`/${mode}/login`, mw, (req, res) => { req.session.user = req.query.user; res.json({ user: req.session.user }) })
    app.get(`/${mode}/whoami`, mw, (req, res) => res.json({ user: req.session.user ?? null, n: req.session.n ?? null }))
  }
  // a client session over 4 KB (compress + chunk), as the runtimes' `big` mode
  const big = cookieSession({ keys: KEYS, compress: true, chunk: true, name: 'big' })
  app.get('/big/fill', big, (req, res) => { req.session.pad = require('node:crypto').randomBytes(Number(req.query.n) * 3 / 4).toString('base64url'); res.json({ n: req.session.pad.length }) })
  app.get('/big/whoami', big, (req, res) => res.json({ pad: req.session.pad ? req.session.pad.length : 0 }))
  return app
}

function listen (app) {
  return new Promise((resolve) => {
    const server = http.createServer(app).listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((resolve) => server.close(resolve)) }))
  })
}

for (const name of ['bun', 'deno', 'workerd']) {
  test(`session-core/web on ${name}`, async (t) => {
    const rt = await runtimes[name]()
    t.after(() => rt.stop())
    const dropIn = await listen(dropInApp())
    t.after(() => dropIn.close())
    const version = await (await fetch(rt.url + '/runtime')).text()
    assert.ok(version.startsWith(name), version)

    for (const mode of ['signed', 'encrypted', 'store']) {
      await t.test(`${mode}: sign-in, counter, sign-out`, async () => {
        const { replayed } = await scenario(`${rt.url}/${mode}`)
        // a server-side session ends with its record; a client-side one only in the browser
        assert.strictEqual(replayed.user, mode === 'store' ? null : 'ann')
      })
    }

    for (const mode of ['signed', 'encrypted']) {
      await t.test(`${mode}: a login made by the cookie-session drop-in is read by ${name}, and the other way round`, async () => {
        const jar = new Jar()
        await call(jar, `${dropIn.url}/${mode}/login?user=bob`)
        let r = await call(jar, `${rt.url}/${mode}/count`)
        assert.deepStrictEqual(r.body, { user: 'bob', n: 1 })
        r = await call(jar, `${dropIn.url}/${mode}/whoami`)
        assert.deepStrictEqual(r.body, { user: 'bob', n: 1 })

        const other = new Jar()
        const { token } = (await call(other, `${rt.url}/${mode}/token`)).body
        await call(other, `${rt.url}/${mode}/login?user=cy`, { method: 'POST', headers: { 'x-csrf-token': token } })
        r = await call(other, `${dropIn.url}/${mode}/whoami`)
        assert.deepStrictEqual(r.body, { user: 'cy', n: 0 })
      })
    }

    await t.test('big (compress + chunk): several cookies, read back, stale chunks expired; the drop-in reads them, and the other way round', async () => {
      const jar = new Jar()
      const r1 = await call(jar, `${rt.url}/big/fill?n=5000`)
      const names = r1.res.headers.getSetCookie().map((h) => h.split('=')[0])
      assert.ok(names.includes('big.0') && names.includes('big.1') && !names.includes('big'), names.join())
      assert.strictEqual((await call(jar, `${rt.url}/big/whoami`)).body.pad, 5000)
      assert.deepStrictEqual((await call(jar, `${dropIn.url}/big/whoami`)).body, { pad: 5000 })
      // shrinks to one cookie: the chunks are expired in the same response
      const r2 = await call(jar, `${rt.url}/big/fill?n=10`)
      const expired = r2.res.headers.getSetCookie().filter((h) => /expires=Thu, 01 Jan 1970/.test(h)).map((h) => h.split('=')[0])
      assert.deepStrictEqual(expired.sort(), names.filter((n) => /^big\.\d$/.test(n)).sort())
      assert.strictEqual((await call(jar, `${rt.url}/big/whoami`)).body.pad, 10)
      const other = new Jar()
      await call(other, `${dropIn.url}/big/fill?n=5000`)
      assert.ok(other.cookies.has('big.1'), [...other.cookies.keys()].join())
      assert.strictEqual((await call(other, `${rt.url}/big/whoami`)).body.pad, 5000)
    })

    await t.test('api (header: x-session-id): the id in the header, no cookie, no-store, no CSRF token without a session cookie', async () => {
      const login = await call(new Jar(), `${rt.url}/api/login?user=dee`, { method: 'POST', headers: { 'x-session-id': '' } })
      assert.strictEqual(login.status, 200, JSON.stringify(login.body))
      const id = login.res.headers.get('x-session-id')
      assert.match(id, /^s:/)
      assert.deepStrictEqual(login.res.headers.getSetCookie(), [])
      assert.strictEqual(login.res.headers.get('cache-control'), 'private, no-store')
      assert.match(login.res.headers.get('vary'), /x-session-id/i)
      const r = await call(new Jar(), `${rt.url}/api/count`, { headers: { 'x-session-id': id } })
      assert.deepStrictEqual(r.body, { user: 'dee', n: 1 })
      assert.deepStrictEqual(r.res.headers.getSetCookie(), [])
      // a session cookie beside it: the CSRF token is required again
      const browser = new Jar()
      await call(browser, `${rt.url}/api/token`)
      assert.ok(browser.cookies.has('connect.sid'))
      assert.strictEqual((await call(browser, `${rt.url}/api/logout`, { method: 'POST', headers: { 'x-session-id': id } })).status, 403)
    })

    await t.test('a tampered cookie is a fresh session, never an error', async () => {
      for (const cookie of ['connect.sid=s%3Aabc.def', 'session=e30=; session.sig=xx', 'sealed=sc1.garbage', 'session=%%%']) {
        const r = await fetch(`${rt.url}/${cookie.split('=')[0] === 'connect.sid' ? 'store' : cookie.startsWith('sealed') ? 'encrypted' : 'signed'}/whoami`, { headers: { cookie } })
        assert.strictEqual(r.status, 200, await r.clone().text())
        assert.strictEqual((await r.json()).user, null)
      }
    })
  })
}

for (const name of ['bun', 'deno']) {
  test(`${name} with session-core/redis: one server-side login shared with the Express drop-in, both ways`, async (t) => {
    const servers = require('./redis-servers')
    const { open } = require('./redis-clients')
    const RedisStore = require(path.join(dir, 'redis'))
    const server = await servers.standalone()
    t.after(() => server.stop())
    const rt = await runtimes[name + 'Redis'](server.url)
    t.after(() => rt.stop())
    const { client, close } = await open('ioredis5', { url: server.url })
    t.after(close)
    await sharedLogin(t, rt, new RedisStore({ client }))
  })
}

test('workerd with a store of its own (over fetch): one server-side login shared with the Express drop-in, both ways', async (t) => {
  const expressSession = require(path.join(dir, 'express'))
  const store = new expressSession.MemoryStore()
  // the Worker's store: the drop-in's MemoryStore behind GET/PUT/DELETE /<id> (as KV would be)
  const service = http.createServer((req, res) => {
    const id = decodeURIComponent(req.url.slice(1))
    const done = (err) => { res.statusCode = err ? 500 : 204; res.end() }
    if (req.method === 'GET') {
      return store.get(id, (err, sess) => {
        if (err || !sess) { res.statusCode = err ? 500 : 404; return res.end() }
        res.end(JSON.stringify(sess))
      })
    }
    if (req.method === 'DELETE') return store.destroy(id, done)
    let body = ''
    req.on('data', (d) => { body += d })
    req.on('end', () => store.set(id, JSON.parse(body), done))
  })
  await new Promise((resolve) => service.listen(0, '127.0.0.1', resolve))
  t.after(() => new Promise((resolve) => service.close(resolve)))
  const rt = await runtimes.workerd(`http://127.0.0.1:${service.address().port}`)
  t.after(() => rt.stop())
  await sharedLogin(t, rt, store)
})

test('the store-backed runtimes write the records of session-core/express (same secret)', async () => {
  // a record made by a runtime, read back by the Express drop-in from the same store, is in
  // web-hono.test.js (one process shares the store); here the cookie's format: s:<id>.<sig>
  const rt = await runtimes.bun()
  try {
    const jar = new Jar()
    await call(jar, `${rt.url}/store/count`)
    const sid = decodeURIComponent(jar.cookies.get('connect.sid'))
    const sc = require('./pkg')
    assert.ok(sid.startsWith('s:'))
    assert.strictEqual(sc.unsign(sid.slice(2), [SECRET]).length, 32)
  } finally {
    await rt.stop()
  }
})

/** The Express drop-in on `store` beside a runtime's store-backed app: the runtime's scenario, then a
 * login made on Express read by the runtime and counted, and one made on the runtime read by Express. */
async function sharedLogin (t, rt, store) {
  const expressSession = require(path.join(dir, 'express'))
  const ex = express()
  ex.use(expressSession({ secret: SECRET, store, resave: false, saveUninitialized: false, cookie: { maxAge: 3600000 } }))
  ex.get('/login', (req, res) => { req.session.user = req.query.user; res.json({ user: req.session.user }) })
  ex.get('/whoami', (req, res) => res.json({ user: req.session.user ?? null, n: req.session.n ?? null }))
  const exApp = await listen(ex)
  t.after(() => exApp.close())

  const { replayed } = await scenario(`${rt.url}/store`)
  assert.strictEqual(replayed.user, null)
  const jar = new Jar()
  await call(jar, `${exApp.url}/login?user=bob`)
  let r = await call(jar, `${rt.url}/store/count`)
  assert.deepStrictEqual(r.body, { user: 'bob', n: 1 })
  r = await call(jar, `${exApp.url}/whoami`)
  assert.deepStrictEqual(r.body, { user: 'bob', n: 1 })
  const other = new Jar()
  const { token } = (await call(other, `${rt.url}/store/token`)).body
  await call(other, `${rt.url}/store/login?user=cy`, { method: 'POST', headers: { 'x-csrf-token': token } })
  r = await call(other, `${exApp.url}/whoami`)
  assert.deepStrictEqual(r.body, { user: 'cy', n: 0 })
}
