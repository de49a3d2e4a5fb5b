'use strict'
// One login across Node and Rust (issue 14): the Express demo (examples-node/server.js, session-core/
// express + session-core/redis) and the axum API (examples-rust/axum-api.rs, the Rust tower layer and
// RedisStore) on one real redis-server started here. The axum binary is built by `cargo test
// --features tower,redis --all-targets` (make test-rust), at target/debug/examples/axum-api.
const { test, before, after } = require('node:test')
const assert = require('node:assert')
const path = require('node:path')
const fs = require('node:fs')
const { spawn } = require('node:child_process')
const request = require('supertest')
const { dir } = require('./pkg')
const { RedisStore } = require(path.join(dir, 'redis'))
const { standalone, freePort } = require('./redis-servers')
const createApp = require(path.join(__dirname, '..', '..', 'examples-node', 'server.js'))

const SECRET = 'the-demo-secret-shared-by-both-servers-0123'
const BIN = path.join(__dirname, '..', '..', 'target', 'debug', 'examples', 'axum-api')
const tokenOf = (res) => res.text.match(/name="_csrf" value="([^"]+)"/)[1]
const pairOf = (res) => (res.headers['set-cookie'] || []).map((c) => c.split(';')[0]).find((c) => c.startsWith('connect.sid='))
const idOf = (pair) => decodeURIComponent(pair.split('=')[1]).slice(2).split('.')[0]

let redis, client, store, express, rust, rustUrl

before(async () => {
  assert.ok(fs.existsSync(BIN), `${BIN} is built by make test-rust (cargo test --features tower,redis --all-targets)`)
  redis = await standalone()
  const Redis = require('ioredis5')
  client = new Redis({ host: '127.0.0.1', port: redis.port, lazyConnect: true })
  await client.connect()
  store = new RedisStore({ client, prefix: 'demo:' })
  express = createApp({ secret: SECRET, store })
  const port = await freePort()
  rust = spawn(BIN, [], { env: { ...process.env, REDIS_URL: redis.url, SESSION_SECRET: SECRET, PORT: String(port) }, stdio: ['ignore', 'pipe', 'inherit'] })
  await new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('axum-api did not start')), 20000)
    rust.stdout.on('data', (d) => { if (String(d).includes('axum-api: http')) { clearTimeout(t); resolve() } })
    rust.once('exit', (code) => reject(new Error('axum-api exited with ' + code)))
  })
  rustUrl = `http://127.0.0.1:${port}`
})

after(async () => {
  if (rust) rust.kill()
  if (client) client.disconnect()
  if (redis) await redis.stop()
})

/** Signs in on the Express demo: the cookie pair of the signed-in session. */
async function signIn (user, password) {
  const login = await request(express).get('/login').expect(200)
  const first = pairOf(login)
  const r = await request(express).post('/login').set('Cookie', first).type('form')
    .send({ user, password, _csrf: tokenOf(login) }).expect(302)
  return pairOf(r) || first
}

const api = (p, cookie, init = {}) => fetch(rustUrl + p, { ...init, headers: { cookie, ...(init.headers || {}) } })

async function rustPost (p, cookie) {
  const { token } = await (await api('/api/csrf', cookie)).json()
  return api(p, cookie, { method: 'POST', headers: { 'x-csrf-token': token } })
}

test('signed in on Express, the axum API sees the same user', async () => {
  const cookie = await signIn('alice', 'wonderland')
  const me = await (await api('/api/me', cookie)).json()
  assert.strictEqual(me.user, 'alice')
  const page = await request(express).get('/profile').set('Cookie', cookie).expect(200)
  assert.match(page.text, /Profile of alice/)
  assert.match(page.text, new RegExp(me.tag))
})

test('overlapping writes from both servers are all kept (delta merge on both sides)', async () => {
  const cookie = await signIn('alice', 'wonderland')
  const id = idOf(cookie)
  const before = JSON.parse(await client.get('demo:' + id))
  const rounds = 8
  const calls = []
  for (let i = 0; i < rounds; i++) {
    calls.push(request(express).get('/').set('Cookie', cookie).expect(200)) // visits + 1 (Node)
    calls.push(api('/api/me?mark=' + i, cookie).then((r) => assert.strictEqual(r.status, 200))) // mark:i (Rust)
  }
  await Promise.all(calls)
  const now = JSON.parse(await client.get('demo:' + id))
  assert.strictEqual(now.user, 'alice')
  for (let i = 0; i < rounds; i++) assert.strictEqual(now['mark:' + i], true, `the Rust write mark:${i} kept`)
  assert.ok(now.visits >= (before.visits || 0) + 1, 'the Node writes kept')
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
