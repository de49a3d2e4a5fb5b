'use strict'
// session-core/hono on Node (@hono/node-server): the runtimes' scenario for signed, encrypted and
// store-backed sessions, and one login across the Express drop-in and Hono both ways, with the
// server-side records in one store (the drop-in's MemoryStore, called through its callbacks).
const test = require('node:test')
const assert = require('node:assert')
const http = require('node:http')
const path = require('node:path')
const express = require('express5')
const { Jar, call, scenario } = require('./web-client')
const { dir } = require('./pkg')

const expressSession = require(path.join(dir, 'express'))

async function honoApp (store) {
  const { Hono } = await import('hono')
  const { session, csrf } = await import(path.join(dir, 'hono', 'index.mjs'))
  const { MODES, route } = await import('./web/app.mjs')
  const app = new Hono()
  app.get('/runtime', (c) => c.text('node ' + process.version))
  for (const mode of Object.keys(MODES)) {
    const sub = new Hono()
    sub.use(session(mode === 'store' ? { ...MODES.store, store } : MODES[mode]))
    sub.use(csrf())
    sub.all('*', async (c) => {
      const r = await route(c.get('session'), c.req.raw, c.req.path.slice(mode.length + 1))
      return c.json(r.body, r.status || 200)
    })
    app.route('/' + mode, sub)
  }
  // a fetched Response (immutable headers): apply() answers with a copy
  const fetched = new Hono()
  fetched.use(session(MODES.signed))
  fetched.get('/', async (c) => {
    c.get('session').seen = true
    return fetch('data:text/plain,fetched')
  })
  app.route('/fetched', fetched)
  return app
}

test('session-core/hono on Node', async (t) => {
  const { serve } = await import('@hono/node-server')
  const store = new expressSession.MemoryStore()
  const app = await honoApp(store)
  const server = await new Promise((resolve) => { const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s)) })
  t.after(() => new Promise((resolve) => server.close(resolve)))
  const url = `http://127.0.0.1:${server.address().port}`

  const ex = express()
  ex.use(expressSession({ secret: 'web-test-secret', store, resave: false, saveUninitialized: false, cookie: { maxAge: 3600000 } }))
  ex.get('/login', (req, res) => { req.session.user = req.query.user; res.json({ user: req.session.user }) })
  ex.get('/whoami', (req, res) => res.json({ user: req.session.user ?? null, n: req.session.n ?? null }))
  const exServer = await new Promise((resolve) => { const s = http.createServer(ex).listen(0, '127.0.0.1', () => resolve(s)) })
  t.after(() => new Promise((resolve) => exServer.close(resolve)))
  const exUrl = `http://127.0.0.1:${exServer.address().port}`

  for (const mode of ['signed', 'encrypted', 'store']) {
    await t.test(`${mode}: sign-in, counter, sign-out`, async () => {
      const { replayed } = await scenario(`${url}/${mode}`)
      assert.strictEqual(replayed.user, mode === 'store' ? null : 'ann')
    })
  }

  await t.test('store: a login made by the Express drop-in is read by Hono, and the other way round', async () => {
    const jar = new Jar()
    await call(jar, `${exUrl}/login?user=bob`)
    let r = await call(jar, `${url}/store/count`)
    assert.deepStrictEqual(r.body, { user: 'bob', n: 1 })
    r = await call(jar, `${exUrl}/whoami`)
    assert.deepStrictEqual(r.body, { user: 'bob', n: 1 })
    // the record Hono wrote is the one the Express drop-in writes: same fields, same order
    const sid = decodeURIComponent(jar.cookies.get('connect.sid')).slice(2).split('.')[0]
    const record = await new Promise((resolve, reject) => store.get(sid, (e, s) => (e ? reject(e) : resolve(s))))
    assert.deepStrictEqual(Object.keys(record), ['cookie', 'user', 'n'])
    assert.deepStrictEqual(Object.keys(record.cookie), ['originalMaxAge', 'expires', 'httpOnly', 'path'])

    const other = new Jar()
    const { token } = (await call(other, `${url}/store/token`)).body
    await call(other, `${url}/store/login?user=cy`, { method: 'POST', headers: { 'x-csrf-token': token } })
    r = await call(other, `${exUrl}/whoami`)
    assert.deepStrictEqual(r.body, { user: 'cy', n: 0 })
  })

  await t.test('signed and encrypted: a login made by the cookie-session drop-in is read by Hono, and the other way round', async () => {
    const cookieSession = require(path.join(dir, 'cookie-session'))
    const { KEYS } = await import('./web/app.mjs')
    const cs = express()
    for (const [mode, mw] of [['signed', cookieSession({ keys: KEYS })], ['encrypted', cookieSession({ keys: KEYS, encrypt: true, name: 'sealed' })]]) {
      cs.get(`/${mode}/login`, mw, (req, res) => { req.session.user = req.query.user; res.json({ user: req.session.user }) })
      cs.get(`/${mode}/whoami`, mw, (req, res) => res.json({ user: req.session.user ?? null, n: req.session.n ?? null }))
    }
    const csServer = await new Promise((resolve) => { const s = http.createServer(cs).listen(0, '127.0.0.1', () => resolve(s)) })
    const csUrl = `http://127.0.0.1:${csServer.address().port}`
    try {
      for (const mode of ['signed', 'encrypted']) {
        const jar = new Jar()
        await call(jar, `${csUrl}/${mode}/login?user=bob`)
        let r = await call(jar, `${url}/${mode}/count`)
        assert.deepStrictEqual(r.body, { user: 'bob', n: 1 })
        r = await call(jar, `${csUrl}/${mode}/whoami`)
        assert.deepStrictEqual(r.body, { user: 'bob', n: 1 })
      }
    } finally {
      await new Promise((resolve) => csServer.close(resolve))
    }
  })

  await t.test('csrf(): a 403 from the middleware without a token', async () => {
    const r = await call(new Jar(), `${url}/signed/login?user=x`, { method: 'POST' })
    assert.strictEqual(r.status, 403)
  })

  await t.test('apply() on a fetched Response (immutable headers) sends a copy with the cookie', async () => {
    const jar = new Jar()
    const r = await call(jar, `${url}/fetched`)
    assert.strictEqual(r.body, 'fetched')
    assert.ok(jar.cookies.has('session'))
    assert.match(r.res.headers.get('cache-control'), /no-cache="Set-Cookie"/)
  })
})

test('session-core/hono with session-core/redis (a real redis-server), shared with the Express drop-in', async (t) => {
  const servers = require('./redis-servers')
  const { open } = require('./redis-clients')
  const RedisStore = require(path.join(dir, 'redis'))
  const server = await servers.standalone()
  t.after(() => server.stop())
  const { client, close } = await open('ioredis5', { url: server.url })
  t.after(close)
  const store = new RedisStore({ client })
  const { serve } = await import('@hono/node-server')
  const app = await honoApp(store)
  const hono = await new Promise((resolve) => { const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s)) })
  t.after(() => new Promise((resolve) => hono.close(resolve)))
  const url = `http://127.0.0.1:${hono.address().port}`
  const ex = express()
  ex.use(expressSession({ secret: 'web-test-secret', store, resave: false, saveUninitialized: false, cookie: { maxAge: 3600000 } }))
  ex.get('/whoami', (req, res) => res.json({ user: req.session.user ?? null, n: req.session.n ?? null }))
  const exServer = await new Promise((resolve) => { const s = http.createServer(ex).listen(0, '127.0.0.1', () => resolve(s)) })
  t.after(() => new Promise((resolve) => exServer.close(resolve)))

  const { replayed } = await scenario(`${url}/store`)
  assert.strictEqual(replayed.user, null)
  const jar = new Jar()
  const { token } = (await call(jar, `${url}/store/token`)).body
  await call(jar, `${url}/store/login?user=dee`, { method: 'POST', headers: { 'x-csrf-token': token } })
  await call(jar, `${url}/store/count`)
  const r = await call(jar, `http://127.0.0.1:${exServer.address().port}/whoami`)
  assert.deepStrictEqual(r.body, { user: 'dee', n: 1 })
  // the record in Redis has a TTL from the cookie's expiry (the store's rule, as for the drop-in)
  const sid = decodeURIComponent(jar.cookies.get('connect.sid')).slice(2).split('.')[0]
  const ttl = Number((await server.cli('PTTL', 'sess:' + sid)).trim())
  assert.ok(ttl > 3500000 && ttl <= 3600000, String(ttl))
})
