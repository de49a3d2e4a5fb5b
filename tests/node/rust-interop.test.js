'use strict'
// One login across Node and Rust: the Express demo (examples-node/server.js, session-core/
// express + session-core/redis) and the axum API (examples-rust/axum-api.rs, the Rust tower layer and
// RedisStore) on one real redis-server started here. The axum binary is built by `cargo test
// --features tower,redis --all-targets` (make test-rust), at target/debug/examples/axum-api.
const { test, before, after } = require('node:test')
const assert = require('node:assert')
const path = require('node:path')
const fs = require('node:fs')
const request = require('supertest')
const { dir } = require('./pkg')
const { RedisStore } = require(path.join(dir, 'redis'))
const { standalone } = require('./redis-servers')
const h = require('./rust-interop-helpers')
const createApp = require(path.join(__dirname, '..', '..', 'examples-node', 'server.js'))

const { SECRET, BIN, pairOf, idOf, overlappingWrites } = h

let redis, client, store, express, rustUrl

before(async () => {
  assert.ok(fs.existsSync(BIN), `${BIN} is built by make test-rust (cargo test --features tower,redis --all-targets)`)
  redis = await standalone()
  const Redis = require('ioredis5')
  client = new Redis({ host: '127.0.0.1', port: redis.port, lazyConnect: true })
  await client.connect()
  store = new RedisStore({ client, prefix: 'demo:' })
  express = createApp({ secret: SECRET, store })
  ;[, rustUrl] = await startRust({ SESSION_SECRET: SECRET })
})

const others = []
/** The axum example on a free port with `env` (and this test's Redis): [child, base URL]. */
async function startRust (env) {
  const [child, url] = await h.startAxum({ REDIS_URL: redis.url, ...env })
  others.push(child)
  return [child, url]
}

/** A plain Express app on session-core/express + this test's RedisStore (the demo's layout and user index). */
function expressApp (options) {
  const express = require('express5')
  const session = require(path.join(dir, 'express'))
  const a = express()
  a.use(session({ store, resave: false, saveUninitialized: false, user: (req) => req.session.user, cookie: { maxAge: 30 * 60 * 1000, sameSite: 'lax' }, ...options }))
  a.get('/login', (req, res) => { req.session.user = req.query.user; res.json({ ok: true }) })
  a.get('/me', (req, res) => res.json({ user: req.session.user || null }))
  return a
}

after(async () => {
  for (const c of others) c.kill()
  if (client) client.disconnect()
  if (redis) await redis.stop()
})

/** Signs in on the Express demo: the cookie pair of the signed-in session. */
const signIn = (user, password) => h.signIn(express, user, password)

const api = (p, cookie, init = {}, base = rustUrl) => h.api(base, p, cookie, init)
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

const rustPost = (p, cookie) => h.apiPost(rustUrl, p, cookie)

test('signed in on Express, the axum API sees the same user', async () => {
  const cookie = await signIn('alice', 'wonderland')
  const me = await (await api('/api/me', cookie)).json()
  assert.strictEqual(me.user, 'alice')
  const page = await request(express).get('/profile').set('Cookie', cookie).expect(200)
  assert.match(page.text, /Profile of alice/)
  assert.match(page.text, new RegExp(me.tag))
})

test('overlapping writes from both servers are all kept (delta merge on both sides)', async () => {
  await overlappingWrites({ express, callApi: api, client, cookie: await signIn('alice', 'wonderland') })
})

test('sign out on the axum API ends the session on Express too', async () => {
  const cookie = await signIn('bob', 'builder')
  const r = await rustPost('/api/logout', cookie)
  assert.strictEqual(r.status, 200)
  assert.match(r.headers.get('set-cookie'), /Expires=Thu, 01 Jan 1970 00:00:00 GMT/)
  assert.strictEqual(await client.get('demo:' + idOf(cookie)), null)
  const page = await request(express).get('/').set('Cookie', cookie).expect(200)
  assert.match(page.text, /You are not signed in/)
})

test('sign out everywhere from either side ends every session of the user on both', async () => {
  const a = await signIn('alice', 'wonderland')
  const b = await signIn('alice', 'wonderland')
  await api('/api/me', b) // indexed by the Rust side too
  const r = await rustPost('/api/logout-everywhere', a)
  assert.strictEqual(r.status, 200)
  for (const c of [a, b]) {
    assert.strictEqual((await (await api('/api/me', c)).json()).user, null)
    assert.match((await request(express).get('/').set('Cookie', c).expect(200)).text, /You are not signed in/)
  }
  // and from the Express side: the Rust API sees it
  const c = await signIn('bob', 'builder')
  assert.strictEqual((await (await api('/api/me', c)).json()).user, 'bob')
  assert.ok(await store.destroyUser('bob') >= 1) // the Node store's sign out everywhere
  assert.strictEqual((await (await api('/api/me', c)).json()).user, null)
})

test('an idle timeout passed on one side is enforced by the other', async () => {
  const IDLE = 1500
  const [, url] = await startRust({ SESSION_SECRET: SECRET, SESSION_IDLE_TIMEOUT_MS: String(IDLE) })
  const app = expressApp({ secret: SECRET, idleTimeout: IDLE })
  // signed in on Express, idle past the timeout: the Rust side ends it
  const a = pairOf(await request(app).get('/login?user=alice').expect(200))
  assert.strictEqual((await (await api('/api/me', a, {}, url)).json()).user, 'alice')
  // the key's TTL (the idle deadline) would end it in Redis itself: kept longer, so the rule decides
  await client.pexpire('demo:' + idOf(a), 60000)
  await sleep(IDLE + 300)
  assert.strictEqual((await (await api('/api/me', a, {}, url)).json()).user, null)
  assert.strictEqual((await request(app).get('/me').set('Cookie', a).expect(200)).body.user, null)
  // seen last by the Rust side, idle past the timeout: Express ends it
  const b = pairOf(await request(app).get('/login?user=bob').expect(200))
  await sleep(400)
  assert.strictEqual((await (await api('/api/me', b, {}, url)).json()).user, 'bob')
  assert.strictEqual((await request(app).get('/me').set('Cookie', b).expect(200)).body.user, 'bob')
  await client.pexpire('demo:' + idOf(b), 60000)
  await sleep(IDLE + 300)
  assert.strictEqual((await request(app).get('/me').set('Cookie', b).expect(200)).body.user, null)
})

test('a cookie signed by an older secret is re-signed the same way by both', async () => {
  const [, url] = await startRust({ SESSION_SECRET: 'newer-secret ' + SECRET })
  const old = expressApp({ secret: SECRET })
  const rotated = expressApp({ secret: ['newer-secret', SECRET] })
  const cookie = pairOf(await request(old).get('/login?user=carol').expect(200))
  const fromRust = await api('/api/me', cookie, {}, url)
  assert.strictEqual((await fromRust.json()).user, 'carol')
  const fromNode = await request(rotated).get('/me').set('Cookie', cookie).expect(200)
  const rustSet = fromRust.headers.get('set-cookie')
  const nodeSet = fromNode.headers['set-cookie'][0]
  assert.ok(rustSet && nodeSet, 'both re-sign')
  assert.notStrictEqual(rustSet.split(';')[0], cookie, 're-signed')
  assert.strictEqual(rustSet.split(';')[0], nodeSet.split(';')[0], 'the same cookie value')
  // the same attributes (Expires moves with the clock of each request)
  const attrs = (c) => c.split('; ').slice(1).map((a) => a.replace(/^Expires=.*/, 'Expires'))
  assert.deepStrictEqual(attrs(rustSet), attrs(nodeSet))
})

// The opt-in rules (hashIds, grace, header, revocable and big client sessions) across the two front doors.
const keyOf = (id) => require('node:crypto').createHash('sha256').update(id).digest('base64url')
/** The cookies a browser would send next, from the previous jar and a fetch or supertest response. */
function jarAfter (prev, setCookies) {
  const jar = new Map((prev ? prev.split('; ') : []).filter(Boolean).map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]))
  for (const h of setCookies) {
    const pair = h.split(';')[0]
    const name = pair.slice(0, pair.indexOf('='))
    if (/expires=Thu, 01 Jan 1970/i.test(h)) jar.delete(name)
    else jar.set(name, pair.slice(name.length + 1))
  }
  return [...jar].map(([n, v]) => `${n}=${v}`).join('; ')
}

test('hashIds: a record written by Express is read by axum, and one written by axum by Express', async () => {
  const [, url] = await startRust({ SESSION_SECRET: SECRET, SESSION_HASH_IDS: '1' })
  const app = expressApp({ secret: SECRET, hashIds: true })
  app.get('/session', (req, res) => res.json(req.session))
  const a = pairOf(await request(app).get('/login?user=dora').expect(200))
  const id = idOf(a)
  assert.strictEqual(await client.get('demo:' + id), null, 'no record under the id')
  assert.ok(await client.get('demo:' + keyOf(id)), 'under its key')
  const me = await (await api('/api/me', a, {}, url)).json()
  assert.strictEqual(me.user, 'dora')
  // axum's write (a delta) lands under the key, and Express reads it
  assert.strictEqual((await request(app).get('/session').set('Cookie', a).expect(200)).body.apiCalls, 1)
  // a session made by axum (its CSRF secret) is kept under its key and read by Express
  const r = await api('/api/csrf', '', {}, url)
  const b = r.headers.get('set-cookie').split(';')[0]
  const bid = idOf(b)
  assert.strictEqual(await client.get('demo:' + bid), null)
  const stored = JSON.parse(await client.get('demo:' + keyOf(bid)))
  assert.ok(stored.csrfSecret)
  assert.strictEqual((await request(app).get('/session').set('Cookie', b).expect(200)).body.csrfSecret, stored.csrfSecret)
  // nothing in the whole Redis names a session id
  const dump = JSON.stringify(await Promise.all((await client.keys('*')).map(async (k) => [k, await client.type(k)])))
  for (const i of [id, bid]) assert.ok(!dump.includes(i), 'no id among the keys')
})

test('hashIds: sign out everywhere from axum ends the user\'s Express sessions, and the other way', async () => {
  const [, url] = await startRust({ SESSION_SECRET: SECRET, SESSION_HASH_IDS: '1' })
  const app = expressApp({ secret: SECRET, hashIds: true })
  const a = pairOf(await request(app).get('/login?user=erin').expect(200))
  const b = pairOf(await request(app).get('/login?user=erin').expect(200))
  assert.strictEqual((await (await api('/api/me', b, {}, url)).json()).user, 'erin') // indexed by Rust too
  const { token } = await (await api('/api/csrf', a, {}, url)).json()
  const r = await api('/api/logout-everywhere', a, { method: 'POST', headers: { 'x-csrf-token': token } }, url)
  assert.strictEqual(r.status, 200)
  assert.ok((await r.json()).ended >= 2)
  for (const c of [a, b]) {
    assert.strictEqual((await request(app).get('/me').set('Cookie', c).expect(200)).body.user, null)
    assert.strictEqual((await (await api('/api/me', c, {}, url)).json()).user, null)
    assert.strictEqual(await client.get('demo:' + keyOf(idOf(c))), null)
  }
  // from the Express side (the hashing view of the store): the Rust API sees it
  const c = pairOf(await request(app).get('/login?user=finn').expect(200))
  assert.strictEqual((await (await api('/api/me', c, {}, url)).json()).user, 'finn')
  app.get('/everywhere', async (req, res) => res.json({ ended: await req.sessionStore.destroyUser('finn') }))
  assert.ok((await request(app).get('/everywhere').set('Cookie', c).expect(200)).body.ended >= 1)
  assert.strictEqual((await (await api('/api/me', c, {}, url)).json()).user, null)
})

test('cookie-session with compress and chunk: a big cookie passes from the drop-in to the Rust layer and back', async () => {
  const KEYS = ['cs-key-new', 'cs-key-old']
  const [, url] = await startRust({ SESSION_SECRET: SECRET, COOKIE_SESSION_KEYS: KEYS.join(' ') })
  const express = require('express5')
  const cookieSession = require(path.join(dir, 'cookie-session'))
  const app = express()
  app.use(cookieSession({ keys: KEYS, compress: true, chunk: true }))
  const blob = require('node:crypto').randomBytes(4200).toString('base64') // 5600 characters that do not deflate
  app.get('/big', (req, res) => { req.session.user = 'gus'; req.session.blob = blob; req.session.pad = 'x'.repeat(3000); res.end() })
  app.get('/small', (req, res) => { req.session.blob = 'small'; req.session.pad = ''; res.end() })
  app.get('/session', (req, res) => res.json({ user: req.session.user, blob: req.session.blob, pad: req.session.pad }))
  const big = await request(app).get('/big').expect(200)
  const jar = jarAfter('', big.headers['set-cookie'])
  assert.match(jar, /session\.0=.*session\.1=/, 'chunked')
  assert.ok(jar.length < blob.length + 3000, 'compressed (the pad deflates)')
  // read by the Rust layer
  const fromRust = await (await fetch(url + '/cs/session', { headers: { cookie: jar } })).json()
  assert.deepStrictEqual(fromRust, { user: 'gus', blob, pad: 'x'.repeat(3000) })
  // written by the Rust layer (a new value), read by the drop-in
  const other = require('node:crypto').randomBytes(4000).toString('base64')
  const w = await fetch(url + '/cs/set?blob=' + encodeURIComponent(other), { headers: { cookie: jar } })
  const jar2 = jarAfter(jar, w.headers.getSetCookie())
  assert.match(jar2, /session\.1=/)
  const back = (await request(app).get('/session').set('Cookie', jar2).expect(200)).body
  assert.deepStrictEqual(back, { user: 'gus', blob: other, pad: 'x'.repeat(3000) })
  // shrunk by the Rust layer into one cookie: the chunks are expired, and the drop-in reads the one cookie
  const s = await fetch(url + '/cs/set?blob=small&pad=', { headers: { cookie: jar2 } })
  const jar3 = jarAfter(jar2, s.headers.getSetCookie())
  assert.doesNotMatch(jar3, /session\.0=/)
  assert.deepStrictEqual((await request(app).get('/session').set('Cookie', jar3).expect(200)).body, { user: 'gus', blob: 'small', pad: '' })
  // mixed chunks (chunk 1 of another session): a fresh session on both sides
  const mixed = jar.replace(/session\.1=[^;]*/, jar2.match(/session\.1=[^;]*/)[0])
  assert.deepStrictEqual(await (await fetch(url + '/cs/session', { headers: { cookie: mixed } })).json(), {})
  assert.deepStrictEqual((await request(app).get('/session').set('Cookie', mixed).expect(200)).body, {})
})

test('listing sessions: the Node store and the Rust store count the same ones, not the user index nor the tombstones', async () => {
  await store.clear() // this test's sessions only
  const app = expressApp({ secret: SECRET, regenerateGrace: 10000 })
  app.get('/visit', (req, res) => { req.session.n = 1; res.json({ ok: true }) })
  app.get('/relogin', (req, res, next) => req.session.regenerate({ keep: true }, (err) => (err ? next(err) : res.json({ ok: true }))))
  for (const user of ['hal', 'ivy']) {
    for (let i = 0; i < 2; i++) {
      const c = pairOf(await request(app).get('/login?user=' + user).expect(200))
      assert.strictEqual((await (await api('/api/me', c)).json()).user, user) // indexed by the Rust side too
      await request(app).get('/relogin').set('Cookie', c).expect(200) // a tombstone of the old id
    }
  }
  await request(app).get('/visit').expect(200) // an anonymous session
  const keys = await client.keys('demo:*')
  const sessions = keys.filter((k) => !k.startsWith('demo:user:{') && !k.startsWith('demo:regenerated:')).map((k) => k.slice(5))
  assert.strictEqual(keys.filter((k) => k.startsWith('demo:user:{')).length, 4, 'the index of both users')
  assert.strictEqual(keys.filter((k) => k.startsWith('demo:regenerated:')).length, 4, 'a tombstone per regenerate')
  assert.strictEqual(sessions.length, 5)
  assert.strictEqual(await store.length(), 5)
  assert.deepStrictEqual((await store.ids()).sort(), sessions.sort())
  assert.strictEqual((await store.all()).length, 5)
  assert.deepStrictEqual(await (await fetch(rustUrl + '/api/stats')).json(), { ids: 5, length: 5, all: 5 })
})
