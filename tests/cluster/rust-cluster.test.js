'use strict'
// One login across Node and Rust on a real 3+3 Redis Cluster (`make test-cluster`): the Express demo
// (examples-node/server.js, session-core/express + session-core/redis on an ioredis Cluster client)
// and the axum API (examples-rust/axum-api.rs, RedisStore::connect_cluster through
// REDIS_CLUSTER_NODES) on the same Cluster, driven as tests/node/rust-interop.test.js drives them on
// one redis-server. The axum binary is target/debug/examples/axum-api (make test-cluster builds it).
const { test, before, after } = require('node:test')
const assert = require('node:assert')
const path = require('node:path')
const fs = require('node:fs')
const request = require('supertest')
const { dir } = require('../node/pkg')
const { RedisStore } = require(path.join(dir, 'redis'))
const servers = require('../node/redis-servers')
const { open } = require('../node/redis-clients')
const { SECRET, BIN, idOf, startAxum, signIn, api, apiPost, overlappingWrites } = require('../node/rust-interop-helpers')
const createApp = require(path.join(__dirname, '..', '..', 'examples-node', 'server.js'))

let cluster, conn, client, express, rust, url

before(async () => {
  assert.ok(fs.existsSync(BIN), `${BIN} is built by make test-cluster (cargo build --features tower,redis --example axum-api)`)
  cluster = await servers.cluster()
  conn = await open('ioredis5', { rootNodes: cluster.rootNodes })
  client = conn.client
  express = createApp({ secret: SECRET, store: new RedisStore({ client, prefix: 'demo:' }) })
  const nodes = cluster.rootNodes.map((n) => `redis://${n.host}:${n.port}`).join(' ')
  ;[rust, url] = await startAxum({ SESSION_SECRET: SECRET, REDIS_CLUSTER_NODES: nodes })
})

after(async () => {
  if (rust) rust.kill()
  if (conn) await conn.close()
  if (cluster) await cluster.stop()
})

const me = async (cookie) => (await (await api(url, '/api/me', cookie)).json()).user

test('signed in on Express (records on every master), the axum API sees each user', async () => {
  // sign in until the session records sit on all three masters: the Rust store follows the slots
  const masters = await cluster.masters()
  const signedIn = []
  for (let i = 0; i < 40; i++) {
    signedIn.push(await signIn(express, 'alice', 'wonderland'))
    const sizes = await Promise.all(masters.map((p) => cluster.cli(p, 'DBSIZE')))
    if (sizes.every((s) => Number(s) > 0) && signedIn.length >= 3) break
  }
  const sizes = await Promise.all(masters.map((p) => cluster.cli(p, 'DBSIZE')))
  assert.ok(sizes.every((s) => Number(s) > 0), `records on every master (${sizes.map(Number)})`)
  for (const cookie of signedIn) assert.strictEqual(await me(cookie), 'alice')
  const page = await request(express).get('/profile').set('Cookie', signedIn[0]).expect(200)
  assert.match(page.text, /Profile of alice/)
})

test('overlapping writes from both servers are all kept (delta merge on both sides)', async () => {
  await overlappingWrites({ express, callApi: (path, cookie) => api(url, path, cookie), client, cookie: await signIn(express, 'alice', 'wonderland') })
})

test('sign out everywhere from the axum API ends every Express session of the user', async () => {
  const sessions = []
  for (let i = 0; i < 4; i++) sessions.push(await signIn(express, 'bob', 'builder'))
  assert.strictEqual(await me(sessions[1]), 'bob') // indexed by the Rust side too
  // the per-user index: both keys in one slot (the {user} hash tag), on one master, written by both sides
  const keys = ['demo:user:{bob}', 'demo:user:{bob}:info']
  const slots = await Promise.all(keys.map((k) => cluster.cli(cluster.ports[0], 'CLUSTER', 'KEYSLOT', k)))
  assert.strictEqual(slots[0].trim(), slots[1].trim(), 'the index keys share a slot')
  assert.strictEqual(await client.exists(...keys), 2, 'both index keys exist')
  assert.ok((await client.zcard(keys[0])) >= sessions.length, 'every session indexed')
  // the session records themselves are spread over slots
  const recordSlots = new Set(await Promise.all(sessions.map((c) => cluster.cli(cluster.ports[0], 'CLUSTER', 'KEYSLOT', 'demo:' + idOf(c)))))
  assert.ok(recordSlots.size > 1, 'the records sit in several slots')
  const r = await apiPost(url, '/api/logout-everywhere', sessions[0])
  assert.strictEqual(r.status, 200)
  assert.strictEqual((await r.json()).ended, sessions.length)
  for (const c of sessions) {
    assert.strictEqual(await client.get('demo:' + idOf(c)), null)
    assert.strictEqual(await me(c), null)
    assert.match((await request(express).get('/').set('Cookie', c).expect(200)).text, /You are not signed in/)
  }
  // and a new sign-in afterwards works on both
  const again = await signIn(express, 'bob', 'builder')
  assert.strictEqual(await me(again), 'bob')
})

test('listing sessions on every master: the Node store and the Rust store count the same ones, not the user index', async () => {
  const store = new RedisStore({ client, prefix: 'demo:' })
  await store.clear()
  const sessions = []
  for (let i = 0; i < 6; i++) sessions.push(await signIn(express, 'alice', 'wonderland'))
  assert.strictEqual(await me(sessions[0]), 'alice') // indexed by the Rust side too
  assert.strictEqual(await client.exists('demo:user:{alice}', 'demo:user:{alice}:info'), 2)
  const recordSlots = new Set(await Promise.all(sessions.map((c) => cluster.cli(cluster.ports[0], 'CLUSTER', 'KEYSLOT', 'demo:' + idOf(c)))))
  assert.ok(recordSlots.size > 1, 'the records sit in several slots')
  const n = await store.length()
  assert.ok(n >= sessions.length, `at least the signed-in sessions (${n})`) // and the sign-in pages' sessions
  assert.strictEqual((await store.ids()).length, n)
  for (const c of sessions) assert.ok((await store.ids()).includes(idOf(c)))
  assert.deepStrictEqual(await (await fetch(url + '/api/stats')).json(), { ids: n, length: n, all: n })
})
