'use strict'
// One Store conformance suite, parameterised by store: the same tests for our MemoryStore, for
// RedisStore on a real standalone redis-server and on a real 3+3 Redis Cluster (node-redis 4, 5, 6
// and ioredis 5, 6 on standalone; the newest of each on the Cluster), and for connect-redis
// (standalone, node-redis 5) behind our middleware. `all()` may answer in either shape:
// express-session's `{ id: session }` (MemoryStore) or connect-redis's `[{ ...session, id }]`.
const { describe, it, before, after } = require('node:test')
const assert = require('node:assert')
const path = require('node:path')
const request = require('supertest')
const { RedisStore: ConnectRedisStore } = require('connect-redis')
const { session, EXPRESSES, cookiePair, sidOf, sleep } = require('./helpers')
const { dir } = require('./pkg')
const servers = require('./redis-servers')
const { open, FAMILIES } = require('./redis-clients')
const RedisStore = require(path.join(dir, 'redis'))

/** A store method as a Promise, through its callback (every store takes one). */
const call = (store, method, ...args) => new Promise((resolve, reject) => {
  store[method](...args, (err, value) => (err ? reject(err) : resolve(value)))
})

const record = (ms, data) => ({
  cookie: { originalMaxAge: ms, expires: ms === null ? null : new Date(Date.now() + ms).toISOString(), httpOnly: true, path: '/' },
  ...data
})

/** `all()`'s two shapes, as { id: session }. */
function byId (all) {
  if (Array.isArray(all)) {
    const out = {}
    for (const s of all) {
      const { id, ...rest } = s
      out[id] = rest
    }
    return out
  }
  return { ...all }
}

let standalone
let cluster
const opened = []
let prefixes = 0

before(async () => {
  ;[standalone, cluster] = await Promise.all([servers.standalone(), servers.cluster()])
})
after(async () => {
  for (const c of opened) await c.close()
  await Promise.all([standalone && standalone.stop(), cluster && cluster.stop()])
})

async function redisStore (family, target, options) {
  const c = await open(family, target === 'cluster' ? { rootNodes: cluster.rootNodes } : { url: standalone.url })
  opened.push(c)
  return new RedisStore({ client: c.client, prefix: `conf${++prefixes}:`, ...options })
}

// name -> () => Promise<store>; `redis` marks the stores whose keys live in Redis
const STORES = [
  ['MemoryStore', async () => new session.MemoryStore()],
  ...FAMILIES.map((f) => [`RedisStore ${f} standalone`, () => redisStore(f, 'standalone'), { redis: 'standalone', promises: true }]),
  ['RedisStore redis6 Cluster', () => redisStore('redis6', 'cluster'), { redis: 'cluster', promises: true }],
  ['RedisStore ioredis6 Cluster', () => redisStore('ioredis6', 'cluster'), { redis: 'cluster', promises: true }],
  ['connect-redis standalone', async () => {
    const c = await open('redis', { url: standalone.url })
    opened.push(c)
    return new ConnectRedisStore({ client: c.client, prefix: `conf${++prefixes}:` })
  }, { redis: 'standalone', promises: true, seconds: true }]
]

for (const [name, make, traits = {}] of STORES) {
  describe(`Store conformance: ${name}`, () => {
    let store
    before(async () => { store = await make() })

    it('set then get gives the record back; an unknown id gives nothing', async () => {
      const sess = record(60000, { user: 'alice', big: 12345678901234567890, empty: [], nested: { a: { b: [1, { c: 'é☃' }] } } }) // eslint-disable-line no-loss-of-precision -- a number JSON cannot keep exactly, on purpose
      await call(store, 'set', 'one', sess)
      assert.deepStrictEqual(await call(store, 'get', 'one'), JSON.parse(JSON.stringify(sess)))
      assert.ok(!(await call(store, 'get', 'nobody')))
    })

    it('set replaces; destroy removes; destroying an unknown id is no error', async () => {
      await call(store, 'set', 'two', record(60000, { n: 1 }))
      await call(store, 'set', 'two', record(60000, { n: 2 }))
      assert.strictEqual((await call(store, 'get', 'two')).n, 2)
      await call(store, 'destroy', 'two')
      assert.ok(!(await call(store, 'get', 'two')))
      await call(store, 'destroy', 'two')
    })

    it('all, ids, length and clear see exactly this store\'s live sessions', async () => {
      await call(store, 'clear')
      await call(store, 'set', 'a', record(60000, { v: 'a' }))
      await call(store, 'set', 'b', record(null, { v: 'b' }))
      const all = byId(await call(store, 'all'))
      assert.deepStrictEqual(Object.keys(all).sort(), ['a', 'b'])
      assert.strictEqual(all.a.v, 'a')
      if (typeof store.ids === 'function') assert.deepStrictEqual((await call(store, 'ids')).sort(), ['a', 'b'])
      assert.strictEqual(await call(store, 'length'), 2)
      await call(store, 'clear')
      assert.strictEqual(await call(store, 'length'), 0)
    })

    it('a record past its expiry is gone; touch extends it', async () => {
      const life = traits.seconds ? 1000 : 400 // connect-redis rounds TTLs up to whole seconds
      await call(store, 'set', 'short', record(life, { v: 1 }))
      await call(store, 'set', 'kept', record(life, { v: 2 }))
      await call(store, 'touch', 'kept', record(60000, { v: 2 }))
      await sleep(life + 300)
      assert.ok(!(await call(store, 'get', 'short')), 'expired record gone')
      assert.strictEqual((await call(store, 'get', 'kept')).v, 2, 'touched record still there')
      await call(store, 'set', 'past', record(-1000, { v: 3 }))
      assert.ok(!(await call(store, 'get', 'past')), 'an already-expired record is not kept')
    })

    if (traits.promises) {
      it('every method also answers as a Promise', async () => {
        await store.set('p', record(60000, { v: 'p' }))
        assert.strictEqual((await store.get('p')).v, 'p')
        await store.touch('p', record(60000, { v: 'p' }))
        assert.ok((await store.length()) >= 1)
        assert.ok(Array.isArray(await store.all()))
        await store.destroy('p')
        assert.ok(!(await store.get('p')))
      })
    }

    if (traits.redis) {
      it('connect-redis layout: <prefix><id> holds the JSON text, TTL from the cookie', async () => {
        const sess = record(60000, { user: 'bob' })
        await call(store, 'set', 'layout', sess)
        const c = await open('redis6', traits.redis === 'cluster' ? { rootNodes: cluster.rootNodes } : { url: standalone.url })
        try {
          const key = store.prefix + 'layout'
          assert.strictEqual(await c.client.get(key), JSON.stringify(sess))
          const pttl = await c.client.pTTL(key)
          assert.ok(pttl > 58000 && pttl <= 60000, `pttl ${pttl}`)
          await call(store, 'set', 'forever', record(null, {}))
          const ttl = await c.client.ttl(store.prefix + 'forever')
          assert.ok(ttl > 86300 && ttl <= 86400, `no expiry: the ttl option (${ttl})`)
        } finally {
          await c.close()
        }
      })
    }

    for (const [label, express] of EXPRESSES) {
      it(`${label}: behind our middleware, a session is created, read back and destroyed`, async () => {
        const app = express()
          .use(session({ secret: 'conformance', store, resave: false, saveUninitialized: false, cookie: { maxAge: 60000 } }))
          .get('/out', (req, res, next) => req.session.destroy((err) => (err ? next(err) : res.send('out'))))
          .use((req, res) => {
            req.session.n = (req.session.n || 0) + 1
            res.send(String(req.session.n))
          })
        const r = await request(app).get('/').expect('1')
        const sid = sidOf(cookiePair(r))
        assert.strictEqual((await call(store, 'get', sid)).n, 1)
        await request(app).get('/').set('Cookie', cookiePair(r)).expect('2')
        await request(app).get('/out').set('Cookie', cookiePair(r)).expect('out')
        assert.ok(!(await call(store, 'get', sid)))
        await request(app).get('/').set('Cookie', cookiePair(r)).expect('1')
      })
    }
  })
}
