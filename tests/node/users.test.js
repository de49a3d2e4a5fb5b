'use strict'
// The per-user index (the `user` option) and sign out everywhere, with MemoryStore and with
// RedisStore on a real standalone server and on a real 3+3 Cluster: "your devices" lists a user's
// sessions by tag (never an id), one device or every other one can be signed out, and a session
// signed in before a sign-out everywhere but missing from the index (a login racing it) is ended
// at its next load. Listing a RedisStore (all, ids, length) answers its sessions only, not the index
// nor the regenerate tombstones beside them. Also: the diagnostics_channel events and the large-record
// warning.
const { describe, it, before, after } = require('node:test')
const assert = require('node:assert')
const path = require('node:path')
const dc = require('node:diagnostics_channel')
const request = require('supertest')
const { session, EXPRESSES, cookiePair } = require('./helpers')
const { dir } = require('./pkg')
const sc = require('./pkg')
const servers = require('./redis-servers')
const { open } = require('./redis-clients')
const RedisStore = require(path.join(dir, 'redis'))

const SECRET = 'a users-test secret, long enough to pass the checks'

function app (express, store, extra) {
  const a = express()
  a.use(express.json())
  a.use(session({ secret: SECRET, store, resave: false, saveUninitialized: false, user: (req) => req.session.userId, ...extra }))
  a.post('/login/:user', (req, res, next) => req.session.regenerate((err) => {
    if (err) return next(err)
    req.session.userId = req.params.user
    res.send('ok')
  }))
  a.get('/me', (req, res) => res.json({ user: req.session.userId || null }))
  a.get('/devices', async (req, res, next) => {
    try {
      res.json(await req.sessionStore.sessionsOf(req.session.userId, { current: req.sessionID }))
    } catch (e) { next(e) }
  })
  a.post('/devices/:tag/signout', async (req, res) => res.json({ ended: await req.sessionStore.destroySession(req.session.userId, req.params.tag) }))
  a.post('/signout-everywhere', async (req, res) => res.json({ ended: await req.sessionStore.destroyUser(req.session.userId, { except: req.sessionID }) }))
  a.post('/big', (req, res) => { req.session.big = 'x'.repeat(6000); res.send('big') })
  return a
}

const agents = new Map() // cookie -> the User-Agent of its device
async function login (a, user, ua) {
  const res = await request(a).post(`/login/${user}`).set('User-Agent', ua)
  assert.strictEqual(res.status, 200)
  agents.set(cookiePair(res), ua)
  return cookiePair(res)
}
const me = async (a, cookie) => (await request(a).get('/me').set('Cookie', cookie).set('User-Agent', agents.get(cookie) || 'test')).body.user

let standalone
let cluster
const clients = []
before(async () => { [standalone, cluster] = await Promise.all([servers.standalone(), servers.cluster()]) })
after(async () => {
  for (const c of clients) await c.close()
  await Promise.all([standalone && standalone.stop(), cluster && cluster.stop()])
})
let prefixes = 0
async function redisStore (family, target) {
  const c = await open(family, target === 'cluster' ? { rootNodes: cluster.rootNodes } : { url: standalone.url })
  clients.push(c)
  return new RedisStore({ client: c.client, prefix: `users${++prefixes}:` })
}

const STORES = [
  ['MemoryStore', async () => new session.MemoryStore()],
  ['RedisStore (node-redis 6, standalone)', () => redisStore('redis6', 'standalone')],
  ['RedisStore (ioredis 6, Cluster)', () => redisStore('ioredis6', 'cluster')]
]

for (const [label, express] of EXPRESSES) {
  for (const [name, make] of STORES) {
    if (label === 'Express 5' && name !== 'MemoryStore') continue // the store paths are the same under both
    describe(`${label}, ${name}: your devices and sign out everywhere`, () => {
      let a
      let store
      before(async () => {
        store = await make()
        a = app(express, store)
      })

      it('lists the user\'s sessions by tag, with when, where from and which is this one', async () => {
        const laptop = await login(a, 'alice', 'Laptop/1.0')
        const phone = await login(a, 'alice', 'Phone/2.0')
        await login(a, 'bob', 'Other/1.0')
        const res = await request(a).get('/devices').set('Cookie', phone).set('User-Agent', 'Phone/2.0')
        const list = res.body
        assert.strictEqual(list.length, 2)
        assert.deepStrictEqual(list.map((d) => d.userAgent).sort(), ['Laptop/1.0', 'Phone/2.0'])
        for (const d of list) {
          assert.match(d.tag, /^[A-Za-z0-9_-]{8}$/)
          assert.ok(d.createdAt > 0 && d.lastSeen >= d.createdAt)
        }
        assert.deepStrictEqual(list.filter((d) => d.current).map((d) => d.userAgent), ['Phone/2.0'])
        for (const c of [laptop, phone]) assert.ok(!res.text.includes(decodeURIComponent(c.split('=')[1]).slice(2, 34)), 'no id on the page')
      })

      it('signs out one device by its tag; the others stay', async () => {
        const laptop = await login(a, 'carol', 'Laptop/1.0')
        const phone = await login(a, 'carol', 'Phone/2.0')
        const list = (await request(a).get('/devices').set('Cookie', phone)).body
        const other = list.find((d) => !d.current)
        assert.deepStrictEqual((await request(a).post(`/devices/${other.tag}/signout`).set('Cookie', phone)).body, { ended: true })
        assert.strictEqual(await me(a, laptop), null, 'the laptop is signed out')
        assert.strictEqual(await me(a, phone), 'carol', 'the phone stays')
        assert.deepStrictEqual((await request(a).post('/devices/AAAAAAAA/signout').set('Cookie', phone)).body, { ended: false })
      })

      it('sign out everywhere ends every other session, also one the index never saw (a racing login)', async () => {
        const one = await login(a, 'dave', 'One/1')
        const two = await login(a, 'dave', 'Two/1')
        const here = await login(a, 'dave', 'Here/1')
        // a session of dave's that signed in before the sign-out but is missing from the index: its
        // record is in the store, its index entry never written (the login raced the sign-out)
        const id = sc.generateSessionId()
        await new Promise((resolve, reject) => store.set(id, {
          cookie: { originalMaxAge: null, expires: null, httpOnly: true, path: '/' }, userId: 'dave'
        }, (e) => (e ? reject(e) : resolve())))
        const racing = `connect.sid=${encodeURIComponent('s:' + sc.sign(id, SECRET))}`
        const res = await request(a).post('/signout-everywhere').set('Cookie', here)
        assert.deepStrictEqual(res.body, { ended: 2 })
        assert.strictEqual(await me(a, one), null)
        assert.strictEqual(await me(a, two), null)
        assert.strictEqual(await me(a, racing), null, 'the racing login is ended at its next load')
        assert.strictEqual(await me(a, here), 'dave', 'this device stays signed in')
        const again = await login(a, 'dave', 'Later/1')
        assert.strictEqual(await me(a, again), 'dave', 'a login after the sign-out stays')
        assert.deepStrictEqual((await request(a).get('/devices').set('Cookie', here).set('User-Agent', 'Here/1')).body.map((d) => d.userAgent).sort(), ['Here/1', 'Later/1'])
      })
    })
  }
}

// The per-user index and the regenerate tombstones live under the session prefix too
// (`<prefix>user:{<user>}`, `<prefix>user:{<user>}:info`, `<prefix>regenerated:<key>`): listing the
// store answers sessions only, and clear() removes all of it.
for (const [name, family, target] of [['node-redis 6, standalone', 'redis6', 'standalone'], ['ioredis 6, Cluster', 'ioredis6', 'cluster']]) {
  describe(`RedisStore (${name}): all(), ids() and length() list sessions only`, () => {
    for (const hashIds of [false, true]) {
      it(`with the user index and grace tombstones${hashIds ? ' (hashIds)' : ''}`, async () => {
        const store = await redisStore(family, target)
        const a = app(EXPRESSES[0][1], store, { regenerateGrace: 10000, hashIds })
        a.post('/visit', (req, res) => { req.session.n = 1; res.send('ok') })
        const live = []
        for (const user of ['ann', 'ben', 'cat']) {
          for (let i = 0; i < 3; i++) {
            const before = cookiePair(await request(a).post('/visit').expect(200)) // a record to regenerate
            const after = cookiePair(await request(a).post(`/login/${user}`).set('Cookie', before).expect(200))
            live.push(sc.unsign(decodeURIComponent(after.split('=')[1]).slice(2), SECRET))
          }
        }
        live.push(sc.unsign(decodeURIComponent(cookiePair(await request(a).post('/visit').expect(200)).split('=')[1]).slice(2), SECRET))
        const keys = live.map((id) => (hashIds ? keyOf(id) : id)).sort()
        // what else is under the prefix: 3 users × 2 index keys, 9 tombstones
        const raw = await scanAll(store)
        assert.strictEqual(raw.filter((k) => k.startsWith(store.prefix + 'user:{')).length, 6)
        assert.strictEqual(raw.filter((k) => k.startsWith(store.prefix + 'regenerated:')).length, 9)
        assert.strictEqual(raw.length, 10 + 6 + 9)

        assert.strictEqual(await store.length(), 10)
        assert.deepStrictEqual((await store.ids()).sort(), keys)
        const all = await store.all()
        assert.deepStrictEqual(all.map((s) => s.id).sort(), keys)
        assert.ok(all.every((s) => s.cookie && s.cookie.regenerated === undefined), 'no tombstone')
        assert.deepStrictEqual(all.map((s) => s.userId || '').sort(), ['', 'ann', 'ann', 'ann', 'ben', 'ben', 'ben', 'cat', 'cat', 'cat'])
        // the callback forms answer the same
        assert.strictEqual(await new Promise((resolve, reject) => store.length((e, n) => (e ? reject(e) : resolve(n)))), 10)

        await store.clear() // everything under the prefix: sessions, tombstones and the index
        assert.deepStrictEqual(await scanAll(store), [])
      })
    }
  })
}

/** The store key of an id with hashIds: base64url(SHA-256(id)). */
const keyOf = (id) => require('node:crypto').createHash('sha256').update(id).digest('base64url')

/** Every key under the store's prefix (SCAN on each master). */
async function scanAll (store) {
  return (await store._keys()).sort()
}

describe('diagnostics_channel events and the large-record warning', () => {
  it('publishes load, create, save, touch, destroy, regenerate, reject and store, by tag, never by id', async () => {
    const seen = []
    const subs = ['load', 'create', 'save', 'touch', 'destroy', 'regenerate', 'reject', 'store'].map((n) => {
      const fn = (msg) => seen.push([n, msg])
      dc.subscribe('session-core:' + n, fn)
      return [n, fn]
    })
    try {
      const [, express] = EXPRESSES[0]
      const store = new session.MemoryStore()
      const a = app(express, store, { rolling: true })
      a.post('/out', (req, res) => req.session.destroy(() => res.send('out')))
      const cookie = await login(a, 'erin', 'UA/1')
      await me(a, cookie)
      await request(a).get('/me').set('Cookie', cookie.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')))
      await request(a).post('/out').set('Cookie', cookie)
      await me(a, cookie)
      const names = new Set(seen.map(([n]) => n))
      for (const n of ['load', 'create', 'save', 'destroy', 'regenerate', 'reject', 'store']) assert.ok(names.has(n), `${n} published (saw ${[...names]})`)
      const save = seen.find(([n]) => n === 'save')[1]
      assert.match(save.tag, /^[A-Za-z0-9_-]{8}$/)
      assert.ok(save.size > 50)
      assert.ok(seen.some(([n, m]) => n === 'reject' && m.reason === 'bad-signature'))
      assert.ok(seen.some(([n, m]) => n === 'reject' && m.reason === 'not-found'))
      const regen = seen.find(([n]) => n === 'regenerate')[1]
      assert.match(regen.previous, /^[A-Za-z0-9_-]{8}$/)
      const st = seen.find(([n]) => n === 'store')[1]
      assert.ok(typeof st.method === 'string' && st.duration >= 0 && 'error' in st)
      const id = decodeURIComponent(cookie.split('=')[1]).slice(2, 34)
      assert.ok(!JSON.stringify(seen.map(([, m]) => m)).includes(id), 'no id in any event')
    } finally {
      for (const [n, fn] of subs) dc.unsubscribe('session-core:' + n, fn)
    }
  })

  it('warns once per process about a record over recordSizeWarning', async () => {
    const warnings = []
    const on = (w) => { if (w.code === 'SESSION_CORE_LARGE_RECORD') warnings.push(w) }
    process.on('warning', on)
    try {
      const [, express] = EXPRESSES[0]
      const a = app(express, new session.MemoryStore())
      const cookie = await login(a, 'fay', 'UA')
      await request(a).post('/big').set('Cookie', cookie)
      await request(a).post('/big').set('Cookie', (await login(a, 'gus', 'UA')))
      await new Promise((resolve) => setImmediate(resolve))
      assert.strictEqual(warnings.length, 1)
      assert.match(warnings[0].message, /keep sessions lightweight/)
    } finally {
      process.off('warning', on)
    }
  })
})

describe('two instances on one Redis: idle and absolute timeouts hold across them', () => {
  it('a session idle past idleTimeout on one instance is over on the other; activity on both cannot pass absoluteTimeout', async () => {
    const [, express] = EXPRESSES[0]
    const storeA = await redisStore('redis6', 'standalone')
    const c = await open('ioredis6', { url: standalone.url })
    clients.push(c)
    const storeB = new RedisStore({ client: c.client, prefix: storeA.prefix })
    const opts = { idleTimeout: 400, absoluteTimeout: 1600, touchAfter: 50 }
    const A = app(express, storeA, opts)
    const B = app(express, storeB, opts)
    const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))
    // idle: signed in on A, seen on B, then idle too long: over on both
    let cookie = await login(A, 'hana', 'UA')
    await sleep(200)
    assert.strictEqual(await me(B, cookie), 'hana')
    await sleep(650)
    assert.strictEqual(await me(B, cookie), null, 'idle past idleTimeout: over on the other instance')
    assert.strictEqual(await me(A, cookie), null)
    // absolute: active on both every 200 ms, still over once absoluteTimeout has passed since sign-in
    cookie = await login(A, 'hana', 'UA')
    const t0 = Date.now()
    let alive = true
    for (let i = 0; Date.now() - t0 < 1400; i++) {
      alive = alive && (await me(i % 2 ? A : B, cookie)) === 'hana'
      await sleep(200)
    }
    assert.ok(alive, 'active on both instances: still signed in before absoluteTimeout')
    await sleep(Math.max(0, 1700 - (Date.now() - t0)))
    assert.strictEqual(await me(B, cookie), null, 'past absoluteTimeout: over, however active')
  })
})

describe('MemoryStore: a session that replaces its user\'s only one stays indexed', () => {
  it('regenerate at a re-login: the new session is in the index, and a sign-out everywhere ends it', async () => {
    // the user's entry emptied by pruning the regenerated (destroyed) session was dropped, and the
    // new session written into the dropped entry: sign out everywhere then missed it
    const [, express] = EXPRESSES[1]
    const store = new session.MemoryStore()
    const a = app(express, store)
    const c1 = await login(a, 'solo', 'one device')
    const c2 = cookiePair(await request(a).post('/login/solo').set('Cookie', c1)) // regenerates: c1's session ends
    assert.notStrictEqual(c1, c2)
    assert.strictEqual((await request(a).get('/devices').set('Cookie', c2)).body.length, 1)
    assert.strictEqual(await new Promise((resolve, reject) => store.destroyUser('solo', (e, n) => (e ? reject(e) : resolve(n)))), 1)
    assert.strictEqual(await me(a, c2), null)
  })
})
