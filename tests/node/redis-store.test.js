'use strict'
// RedisStore's own promises, against a real redis-server and a real 3+3 Cluster: writes refused
// past their deadline (a stopped server's late delivery never lands), every failure a 503 with a
// code and within operationTimeout, no revival of a destroyed session, the compare-and-set merge
// (queued per id, retried, then ESESSIONSTORE_CONFLICT; ESESSION_GONE when the key is gone),
// waitReplicas, and options checked up front.
const { describe, it, before, after } = require('node:test')
const assert = require('node:assert')
const path = require('node:path')
const request = require('supertest')
const { session, EXPRESSES, cookiePair, sidOf, sleep } = require('./helpers')
const { dir } = require('./pkg')
const servers = require('./redis-servers')
const { open, FAMILIES } = require('./redis-clients')
const RedisStore = require(path.join(dir, 'redis'))

const record = (ms, data) => ({ cookie: { originalMaxAge: ms, expires: new Date(Date.now() + ms).toISOString(), httpOnly: true, path: '/' }, ...data })

// A stand-in for the middleware's Delta (the real one, and the core's merge, come with the delta
// part): it sets one top-level key on whatever record is stored. Only the store's compare-and-set,
// queueing and retries are under test here.
function setKey (key, value, before) {
  return {
    text: JSON.stringify({ set: { [key]: value } }),
    expires: Date.now() + 60000,
    apply (stored) {
      if (before) before()
      const r = JSON.parse(stored)
      r[key] = value
      return JSON.stringify(r)
    }
  }
}

let server
let cluster
const opened = []
const client = async (family, target) => {
  const c = await open(family, target || { url: server.url })
  opened.push(c)
  return c.client
}

before(async () => {
  ;[server, cluster] = await Promise.all([servers.standalone(), servers.cluster()])
})
after(async () => {
  for (const c of opened) await c.close()
  await Promise.all([server && server.stop(), cluster && cluster.stop()])
})

describe('RedisStore options', () => {
  it('a missing or foreign client, or a bad option, is a TypeError naming it', async () => {
    assert.throws(() => new RedisStore({}), { name: 'TypeError', message: /client option/ })
    assert.throws(() => new RedisStore({ client: {} }), { name: 'TypeError', message: /client option/ })
    const c = await client('redis5')
    for (const [k, v] of [['operationTimeout', 0], ['retries', -1], ['waitReplicas', 1.5], ['scanCount', 'x'], ['prefix', 1], ['ttl', -5]]) {
      assert.throws(() => new RedisStore({ client: c, [k]: v }), { name: 'TypeError', message: new RegExp(k) })
    }
  })

  it('is the module, its RedisStore and its default export', () => {
    const m = require(path.join(dir, 'redis'))
    assert.strictEqual(m.RedisStore, m)
    assert.strictEqual(m.default, m)
  })
})

describe('RedisStore records', () => {
  it('a value that is not a session record: the store says ESESSIONSTORE_RECORD (503); a request gets the core\'s ERR_SESSION_CORE_BAD_RECORD (500), as in every door', async () => {
    const c = await client('redis5')
    const store = new RedisStore({ client: c, prefix: 'bad:' })
    await c.set('bad:text', 'not json')
    await c.hSet('bad:hash', 'a', '1')
    for (const id of ['text', 'hash']) {
      await assert.rejects(store.get(id), { code: 'ESESSIONSTORE_RECORD', status: 503 })
    }
    const app = EXPRESSES[1][1]()
      .use(session({ secret: 'k', store }))
      .use((req, res) => res.send('ok'))
      .use((err, req, res, next) => res.status(err.status).send(err.code))
    const cookie = (id) => 'connect.sid=s%3A' + encodeURIComponent(require('cookie-signature').sign(id, 'k'))
    await request(app).get('/').set('Cookie', cookie('text')).expect(500, 'ERR_SESSION_CORE_BAD_RECORD')
    // a key Redis cannot even GET (another type) is still the store's failure
    await request(app).get('/').set('Cookie', cookie('hash')).expect(503, 'ESESSIONSTORE_RECORD')
  })

  it('a session loaded by a request and destroyed meanwhile is not revived by its save', async () => {
    const c = await client('ioredis6')
    const store = new RedisStore({ client: c, prefix: 'revive:' })
    let release
    const app = EXPRESSES[0][1]()
      .use(session({ secret: 'k', store, resave: false, saveUninitialized: false }))
      .get('/slow', async (req, res) => {
        await new Promise((resolve) => { release = resolve })
        req.session.late = true
        res.send('slow')
      })
      .use((req, res) => {
        req.session.n = 1
        res.send('ok')
      })
    const r = await request(app).get('/')
    const sid = sidOf(cookiePair(r))
    const slow = request(app).get('/slow').set('Cookie', cookiePair(r)).then((x) => x)
    while (!release) await sleep(5) // eslint-disable-line no-unmodified-loop-condition -- set by the app's handler
    await store.destroy(sid)
    release()
    assert.strictEqual((await slow).status, 200)
    assert.strictEqual(await c.exists('revive:' + sid), 0)
  })

  it('a new session saved twice in one request is written twice (its own create is not a collision)', async () => {
    const c = await client('redis6')
    const store = new RedisStore({ client: c, prefix: 'twice:' })
    const app = EXPRESSES[1][1]()
      .use(session({ secret: 'k', store, resave: false, saveUninitialized: false }))
      .use(async (req, res) => {
        req.session.a = 1
        await req.session.save()
        req.session.b = 2
        res.send('ok')
      })
    const r = await request(app).get('/').expect(200, 'ok')
    const stored = JSON.parse(await c.get('twice:' + sidOf(cookiePair(r))))
    assert.deepStrictEqual([stored.a, stored.b], [1, 2])
  })
})

describe('RedisStore faults', () => {
  it('a write delivered after its deadline is refused (the server was stopped, then resumed)', async () => {
    for (const family of ['redis5', 'ioredis6']) {
      const c = await client(family)
      const store = new RedisStore({ client: c, prefix: `late-${family}:`, operationTimeout: 300 })
      await store.set('s', record(60000, { v: 'before' }))
      process.kill(server.node.proc.pid, 'SIGSTOP')
      try {
        const t0 = Date.now()
        await assert.rejects(store.set('s', record(60000, { v: 'late' })), { code: 'ESESSIONSTORE_TIMEOUT', status: 503 })
        assert.ok(Date.now() - t0 < 300 + 200, 'failed within operationTimeout + 200 ms')
        await sleep(400)
      } finally {
        process.kill(server.node.proc.pid, 'SIGCONT')
      }
      await sleep(100)
      assert.strictEqual((await store.get('s')).v, 'before', `${family}: the late write did not land`)
    }
  })

  for (const family of FAMILIES) {
    it(`${family}: with the server gone, every method fails with 503 within operationTimeout + 200 ms`, async () => {
      const own = await servers.standalone()
      const c = await open(family, { url: own.url })
      try {
        const store = new RedisStore({ client: c.client, operationTimeout: 300 })
        await store.set('x', record(60000, {}))
        await own.node.kill()
        const calls = [() => store.get('x'), () => store.set('x', record(60000, {})), () => store.touch('x', record(60000, {})),
          () => store.destroy('x'), () => store.length(), () => store.merge('x', setKey('k', 1))]
        for (const f of calls) {
          const t0 = Date.now()
          await assert.rejects(f(), (err) => {
            assert.strictEqual(err.status, 503)
            assert.match(err.code, /^ESESSIONSTORE_(TIMEOUT|UNAVAILABLE)$/)
            return true
          })
          assert.ok(Date.now() - t0 < 500, `${Date.now() - t0} ms`)
        }
      } finally {
        await c.close()
        await own.stop()
      }
    })
  }
})

describe('RedisStore merge (compare-and-set)', () => {
  for (const [label, target] of [['standalone', null], ['Cluster', 'cluster']]) {
    it(`${label}: 100 overlapping merges from two clients, each setting a different key, all land`, async () => {
      const t = target ? { rootNodes: cluster.rootNodes } : undefined
      const a = new RedisStore({ client: await client('redis6', t), prefix: 'merge:' })
      const b = new RedisStore({ client: await client('ioredis6', t), prefix: 'merge:' })
      await a.set('m', record(60000, {}))
      await Promise.all(Array.from({ length: 100 }, (_, i) => (i % 2 ? a : b).merge('m', setKey('k' + i, i))))
      const stored = await a.get('m')
      assert.strictEqual(Object.keys(stored).filter((k) => k.startsWith('k')).length, 100)
    })
  }

  it('a key gone is ESESSION_GONE and nothing is written', async () => {
    const c = await client('redis5')
    const store = new RedisStore({ client: c, prefix: 'gone:' })
    await assert.rejects(store.merge('nobody', setKey('k', 1)), { code: 'ESESSION_GONE' })
    assert.strictEqual(await c.exists('gone:nobody'), 0)
  })

  it('a race lost more than `retries` times is ESESSIONSTORE_CONFLICT (503)', async () => {
    const c = await client('redis5')
    const store = new RedisStore({ client: c, prefix: 'race:', retries: 2 })
    await store.set('r', record(60000, {}))
    let n = 0
    // every attempt, another writer changes the record first (same connection: it lands first)
    const delta = setKey('k', 1, () => { c.set('race:r', JSON.stringify(record(60000, { other: ++n }))).catch(() => {}) })
    await assert.rejects(store.merge('r', delta), { code: 'ESESSIONSTORE_CONFLICT', status: 503 })
    assert.strictEqual(n, 3)
  })
})

describe('RedisStore waitReplicas', () => {
  it('standalone (no replicas): the write fails with ESESSIONSTORE_UNAVAILABLE', async () => {
    const store = new RedisStore({ client: await client('redis5'), prefix: 'wait:', waitReplicas: 1, operationTimeout: 300 })
    await assert.rejects(store.set('w', record(60000, {})), { code: 'ESESSIONSTORE_UNAVAILABLE', status: 503 })
  })

  for (const family of ['redis6', 'ioredis6']) {
    it(`Cluster, ${family}: each write waits for its master's replica`, async () => {
      const store = new RedisStore({ client: await client(family, { rootNodes: cluster.rootNodes }), prefix: 'wait:', waitReplicas: 1 })
      for (let i = 0; i < 20; i++) await store.set('w' + i, record(60000, { i }))
      await store.merge('w3', setKey('x', 1))
      assert.strictEqual((await store.get('w3')).x, 1)
    })
  }
})
