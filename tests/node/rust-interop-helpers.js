'use strict'
// What the Node ↔ Rust interop tests share (tests/node/rust-interop.test.js on one redis-server,
// tests/cluster/rust-cluster.test.js on a Redis Cluster): the axum example (examples-rust/axum-api.rs,
// built at target/debug/examples/axum-api) started on a free port, and the Express demo's sign-in.
const path = require('node:path')
const { spawn } = require('node:child_process')
const request = require('supertest')
const { freePort } = require('./redis-servers')

const SECRET = 'the-demo-secret-shared-by-both-servers-0123'
const BIN = path.join(__dirname, '..', '..', 'target', 'debug', 'examples', 'axum-api')
const tokenOf = (res) => res.text.match(/name="_csrf" value="([^"]+)"/)[1]
const pairOf = (res) => (res.headers['set-cookie'] || []).map((c) => c.split(';')[0]).find((c) => c.startsWith('connect.sid='))
const idOf = (pair) => decodeURIComponent(pair.split('=')[1]).slice(2).split('.')[0]

/** The axum example on a free port with `env`: [child, base URL]; the caller kills the child. */
async function startAxum (env) {
  const port = await freePort()
  const child = spawn(BIN, [], { env: { ...process.env, PORT: String(port), ...env }, stdio: ['ignore', 'pipe', 'inherit'] })
  try {
    await new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('axum-api did not start')), 20000)
      child.stdout.on('data', (d) => { if (String(d).includes('axum-api: http')) { clearTimeout(t); resolve() } })
      child.once('exit', (code) => reject(new Error('axum-api exited with ' + code)))
    })
  } catch (e) {
    child.kill()
    throw e
  }
  return [child, `http://127.0.0.1:${port}`]
}

/** Signs in on the Express demo app: the cookie pair of the signed-in session. */
async function signIn (app, user, password) {
  const login = await request(app).get('/login').expect(200)
  const first = pairOf(login)
  const r = await request(app).post('/login').set('Cookie', first).type('form')
    .send({ user, password, _csrf: tokenOf(login) }).expect(302)
  return pairOf(r) || first
}

/** fetch on the axum API at `base` with the cookie. */
const api = (base, p, cookie, init = {}) => fetch(base + p, { ...init, headers: { cookie, ...(init.headers || {}) } })

/** A POST on the axum API with its CSRF token. */
async function apiPost (base, p, cookie) {
  const { token } = await (await api(base, '/api/csrf', cookie)).json()
  return api(base, p, cookie, { method: 'POST', headers: { 'x-csrf-token': token } })
}

/** Overlapping writes from both servers on one session (`rounds` Express visits and axum marks at
 * once): every axum mark and at least one Express visit must be in the record afterwards. `callApi`
 * is the test's GET of the axum API; `client` reads the record under the demo's prefix. */
async function overlappingWrites ({ express, callApi, client, cookie, rounds = 8 }) {
  const assert = require('node:assert')
  const id = idOf(cookie)
  const before = JSON.parse(await client.get('demo:' + id))
  const calls = []
  for (let i = 0; i < rounds; i++) {
    calls.push(request(express).get('/').set('Cookie', cookie).expect(200)) // visits + 1 (Node)
    calls.push(callApi('/api/me?mark=' + i, cookie).then((r) => assert.strictEqual(r.status, 200))) // mark:i (Rust)
  }
  await Promise.all(calls)
  const now = JSON.parse(await client.get('demo:' + id))
  assert.strictEqual(now.user, 'alice')
  for (let i = 0; i < rounds; i++) assert.strictEqual(now['mark:' + i], true, `the Rust write mark:${i} kept`)
  assert.ok(now.visits >= (before.visits || 0) + 1, 'the Node writes kept')
}

module.exports = { SECRET, BIN, tokenOf, pairOf, idOf, startAxum, signIn, api, apiPost, overlappingWrites }
