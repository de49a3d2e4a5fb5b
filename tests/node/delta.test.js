'use strict'
// No lost updates: a session loaded from a store that merges is written as a delta
// (only what the request changed, merged into the record as the store holds it then), with
// req.session.increment/push relative to the stored value; a session gone at write time is not
// revived; every store call is bounded by storeTimeout. Real Express 4 and 5, real overlap.
const { describe, it } = require('node:test')
const assert = require('node:assert')
const path = require('node:path')
const request = require('supertest')
const { session, EXPRESSES, cookiePair, sidOf, sleep } = require('./helpers')
const { dir } = require('./pkg')
const native = require(path.join(dir, 'native'))

const SECRET = 'keyboard cat'
const N = 200

/** Wraps a store so that get, set and merge answer after a random delay: overlapping requests really overlap. */
function delayed (inner, { merge = true, max = 25 } = {}) {
  const later = (fn) => setTimeout(fn, Math.random() * max)
  const store = {
    get: (sid, cb) => later(() => inner.get(sid, cb)),
    set: (sid, sess, cb) => later(() => inner.set(sid, sess, cb)),
    destroy: (sid, cb) => inner.destroy(sid, cb)
  }
  if (merge) store.merge = (sid, delta, cb) => later(() => inner.merge(sid, delta, cb))
  return store
}

/** A plain third-party store: only get, set and destroy (whole-record writes, as with express-session). */
function plainStore () {
  const data = new Map()
  return {
    data,
    get (sid, cb) { setTimeout(() => cb(null, data.has(sid) ? JSON.parse(data.get(sid)) : null), Math.random() * 25) },
    set (sid, sess, cb) { setTimeout(() => { data.set(sid, JSON.stringify(sess)); cb() }, Math.random() * 25) },
    destroy (sid, cb) { data.delete(sid); cb() }
  }
}

/** Starts `app` on a loopback port; `fetch` relative paths with a cookie; `close()` when done. */
async function serve (app) {
  const server = await new Promise((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s)) })
  const base = `http://127.0.0.1:${server.address().port}`
  return {
    get: (p, cookie) => fetch(base + p, { headers: cookie ? { cookie } : {} }),
    close: () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(resolve) })
  }
}

for (const [label, express] of EXPRESSES) {
  describe(`${label}: no lost updates`, () => {
    function app (store, options = {}) {
      const a = express()
      a.use(session({ secret: SECRET, store, resave: false, saveUninitialized: false, ...options }))
      a.get('/login', (req, res) => { req.session.user = 'alice'; res.send('in') })
      a.get('/set/:k', (req, res) => { req.session[req.params.k] = Number(req.params.k); res.send('ok') })
      a.get('/inc', (req, res) => res.send(String(req.session.increment('visits'))))
      a.get('/push/:v', (req, res) => res.send(String(req.session.push('cart', { item: Number(req.params.v) }))))
      a.get('/me', (req, res) => res.json(req.session))
      a.use((err, req, res, next) => res.status(err.status || 500).send(err.code || err.message))
      return a
    }

    async function overlap (store, paths) {
      const s = await serve(app(store))
      try {
        const login = await s.get('/login')
        const cookie = login.headers.get('set-cookie').split(';')[0]
        const answers = await Promise.all(paths.map((p) => s.get(p, cookie).then(async (r) => [r.status, await r.text()])))
        const me = await (await s.get('/me', cookie)).json()
        return { answers, me, cookie }
      } finally {
        await s.close()
      }
    }

    it(`${N} overlapping requests of one session, each setting a different key: all ${N} land (MemoryStore)`, async () => {
      const inner = new session.MemoryStore()
      const { answers, me } = await overlap(delayed(inner), Array.from({ length: N }, (_, i) => `/set/${i}`))
      assert.deepStrictEqual(answers.filter(([status]) => status !== 200), [])
      const kept = Array.from({ length: N }, (_, i) => me[i] === i).filter(Boolean).length
      assert.strictEqual(kept, N)
      assert.strictEqual(me.user, 'alice', 'the login survives too')
      inner.close()
    })

    it('the same overlap with our MemoryStore used directly (its own merge, no wrapper)', async () => {
      const store = new session.MemoryStore()
      const s = await serve(express()
        .use(session({ secret: SECRET, store, resave: true, saveUninitialized: false }))
        .get('/login', (req, res) => { req.session.user = 'alice'; res.send('in') })
        .get('/set/:k', async (req, res) => { await sleep(Math.random() * 20); req.session[req.params.k] = 1; res.send('ok') })
        .get('/me', (req, res) => res.json(req.session)))
      try {
        const cookie = (await s.get('/login')).headers.get('set-cookie').split(';')[0]
        await Promise.all(Array.from({ length: 50 }, (_, i) => s.get(`/set/k${i}`, cookie)))
        const me = await (await s.get('/me', cookie)).json()
        assert.strictEqual(Object.keys(me).filter((k) => k.startsWith('k')).length, 50)
      } finally {
        await s.close()
        store.close()
      }
    })

    it(`${N} overlapping increments end at exactly ${N}`, async () => {
      const inner = new session.MemoryStore()
      const { answers, me } = await overlap(delayed(inner), Array.from({ length: N }, () => '/inc'))
      assert.deepStrictEqual(answers.filter(([status]) => status !== 200), [])
      assert.strictEqual(me.visits, N)
      inner.close()
    })

    it(`${N} overlapping pushes: every item is in the list once`, async () => {
      const inner = new session.MemoryStore()
      const { me } = await overlap(delayed(inner), Array.from({ length: N }, (_, i) => `/push/${i}`))
      assert.strictEqual(me.cart.length, N)
      assert.deepStrictEqual(me.cart.map((x) => x.item).sort((a, b) => a - b), Array.from({ length: N }, (_, i) => i))
      inner.close()
    })

    it('a plain store (get/set only) gets whole-record writes, as with express-session', async () => {
      const store = plainStore()
      // one after another: every write lands
      const a = app(store)
      const r = await request(a).get('/login')
      const jar = cookiePair(r)
      await request(a).get('/set/1').set('Cookie', jar).expect(200)
      await request(a).get('/inc').set('Cookie', jar).expect(200, '1')
      await request(a).get('/inc').set('Cookie', jar).expect(200, '2')
      await request(a).get('/push/7').set('Cookie', jar).expect(200, '1')
      const rec = JSON.parse(store.data.get(sidOf(jar)))
      assert.deepStrictEqual({ ...rec, cookie: undefined }, { cookie: undefined, user: 'alice', 1: 1, visits: 2, cart: [{ item: 7 }] })
      // overlapping: each request writes its whole copy (the last one wins); no request fails
      const { answers, me } = await overlap(plainStore(), Array.from({ length: 50 }, (_, i) => `/set/${i}`))
      assert.deepStrictEqual(answers.filter(([status]) => status !== 200), [])
      const kept = Array.from({ length: 50 }, (_, i) => me[i] === i).filter(Boolean).length
      assert.ok(kept >= 1 && kept < 50, `whole-record writes keep some (${kept} of 50)`)
    })

    it('a key assigned after increment goes as its value; bookkeeping never shows', async () => {
      const store = new session.MemoryStore()
      let seen
      const a = express()
      a.use(session({ secret: SECRET, store, resave: false, saveUninitialized: false }))
      a.get('/login', (req, res) => { req.session.visits = 5; req.session.cart = ['a']; res.send('in') })
      a.get('/', (req, res) => {
        assert.strictEqual(req.session.increment('visits'), 6)
        assert.strictEqual(req.session.increment('visits', 4), 10)
        assert.strictEqual(req.session.push('cart', 'b', 'c'), 3)
        assert.deepStrictEqual(req.session.cart, ['a', 'b', 'c'])
        assert.strictEqual(req.session.increment('fresh', 2.5), 2.5)
        assert.strictEqual(req.session.push('list'), 0)
        seen = {
          json: JSON.parse(JSON.stringify(req.session)),
          keys: Object.keys(req.session),
          spread: Object.getOwnPropertySymbols({ ...req.session }).map(String)
        }
        res.send('ok')
      })
      a.get('/assign', (req, res) => { req.session.increment('visits'); req.session.visits = 100; res.send('ok') })
      a.get('/before', (req, res) => { req.session.visits = 1; req.session.increment('visits'); res.send('ok') })
      const jar = cookiePair(await request(a).get('/login'))
      await request(a).get('/').set('Cookie', jar).expect(200)
      assert.deepStrictEqual(Object.keys(seen.json), ['cookie', 'visits', 'cart', 'fresh', 'list'])
      assert.deepStrictEqual(seen.keys, ['cookie', 'visits', 'cart', 'fresh', 'list'])
      assert.ok(seen.spread.every((s) => !/ops|loaded/.test(s)), seen.spread.join())
      const rec = () => JSON.parse(store.sessions.get(sidOf(jar)).json)
      assert.deepStrictEqual(Object.keys(rec()), ['cookie', 'visits', 'cart', 'fresh', 'list'])
      assert.deepStrictEqual([rec().visits, rec().cart, rec().fresh, rec().list], [10, ['a', 'b', 'c'], 2.5, []])
      await request(a).get('/assign').set('Cookie', jar).expect(200)
      assert.strictEqual(rec().visits, 100)
      await request(a).get('/before').set('Cookie', jar).expect(200)
      assert.strictEqual(rec().visits, 2, 'an assignment before increment: the value goes, not +1 on the stored 100')
      store.close()
    })

    it('increment and push check their arguments', async () => {
      const a = express()
      a.use(session({ secret: SECRET, resave: false, saveUninitialized: false }))
      a.get('/', (req, res) => {
        const codes = []
        for (const f of [() => req.session.increment('cookie'), () => req.session.increment(1), () => req.session.increment('n', NaN),
          () => req.session.increment('n', '1'), () => req.session.push('cookie', 1), () => req.session.push(Symbol('x'), 1)]) {
          try { f(); codes.push('none') } catch (e) { codes.push(e instanceof TypeError && e.code) }
        }
        req.session.name = 'x'
        req.session.increment('name') // not a number: counts from 0
        res.json({ codes, name: req.session.name })
      })
      const r = await request(a).get('/').expect(200)
      assert.deepStrictEqual(r.body, {
        codes: ['ERR_SESSION_CORE_INVALID_KEY', 'ERR_SESSION_CORE_INVALID_KEY', 'ERR_SESSION_CORE_INVALID_BY', 'ERR_SESSION_CORE_INVALID_BY', 'ERR_SESSION_CORE_INVALID_KEY', 'ERR_SESSION_CORE_INVALID_KEY'],
        name: 1
      })
    })

    it("a store's merge gets the Delta of the plan: text, apply, record, expires, session, base", async () => {
      const inner = new session.MemoryStore()
      const deltas = []
      const store = {
        get: (sid, cb) => inner.get(sid, cb),
        set: (sid, sess, cb) => inner.set(sid, sess, cb),
        destroy: (sid, cb) => inner.destroy(sid, cb),
        merge (sid, delta, cb) { deltas.push(delta); inner.merge(sid, delta, cb) }
      }
      const a = express()
      a.use(session({ secret: SECRET, store, resave: false, saveUninitialized: false, cookie: { maxAge: 60000 } }))
      a.get('/login', (req, res) => { req.session.user = 'alice'; req.session.gone = 1; res.send('in') })
      a.get('/', (req, res) => { req.session.increment('n'); req.session.user = 'bob'; delete req.session.gone; res.send('ok') })
      const jar = cookiePair(await request(a).get('/login'))
      assert.strictEqual(deltas.length, 0, 'a new session is set, not merged')
      await request(a).get('/').set('Cookie', jar).expect(200)
      assert.strictEqual(deltas.length, 1)
      const d = deltas[0]
      const text = JSON.parse(d.text)
      assert.deepStrictEqual(Object.keys(text), ['set', 'unset', 'inc', 'cookie'])
      assert.deepStrictEqual([text.set, text.unset, text.inc], [{ user: 'bob' }, ['gone'], { n: 1 }])
      assert.strictEqual(d.record, JSON.stringify(d.session))
      assert.strictEqual(typeof d.expires, 'number')
      assert.ok(Math.abs(d.expires - (Date.now() + 60000)) < 5000)
      assert.strictEqual(d.session.user, 'bob')
      assert.deepStrictEqual(JSON.parse(d.apply(d.base)), JSON.parse(d.record))
      assert.deepStrictEqual(JSON.parse(d.apply('{"cookie":{},"n":41,"x":true}')), { cookie: text.cookie, n: 42, x: true, user: 'bob' })
      assert.throws(() => d.apply('not json'), { code: 'ERR_SESSION_CORE_BAD_RECORD' })
      assert.strictEqual(session.Delta, d.constructor)
      inner.close()
    })

    it('req.session.save() of a loaded session merges too, and its ops are not applied twice', async () => {
      const store = new session.MemoryStore()
      const merges = []
      const merge = store.merge.bind(store)
      store.merge = (sid, delta, cb) => { merges.push(JSON.parse(delta.text)); merge(sid, delta, cb) }
      const a = express()
      a.use(session({ secret: SECRET, store, resave: false, saveUninitialized: false }))
      a.get('/login', (req, res) => { req.session.n = 1; res.send('in') })
      a.get('/', (req, res) => {
        req.session.increment('n')
        req.session.save((err) => {
          assert.ifError(err)
          req.session.increment('n')
          res.send(String(req.session.n))
        })
      })
      const jar = cookiePair(await request(a).get('/login'))
      await request(a).get('/').set('Cookie', jar).expect(200, '3')
      assert.deepStrictEqual(merges.map((m) => m.inc), [{ n: 1 }, { n: 1 }])
      assert.strictEqual(JSON.parse(store.sessions.get(sidOf(jar)).json).n, 3)
      store.close()
    })
  })

  describe(`${label}: a session gone at write time is not revived (ESESSION_GONE)`, () => {
    it('a slow request that started before a destroy: the response goes out, nothing is written, the store emits "gone"', async () => {
      const store = new session.MemoryStore()
      const gone = []
      store.on('gone', (err, req) => gone.push([err.code, req.path]))
      const errors = []
      const a = express()
      a.use(session({ secret: SECRET, store, resave: false, saveUninitialized: false }))
      a.get('/login', (req, res) => { req.session.user = 'alice'; res.send('in') })
      a.get('/slow', async (req, res) => { await sleep(150); req.session.increment('visits'); res.send('slow done') })
      a.get('/logout', (req, res) => req.session.destroy(() => res.send('out')))
      a.get('/me', (req, res) => res.send(req.session.user || 'anonymous'))
      a.use((err, req, res, next) => { errors.push(err.code); res.status(500).end() })
      const jar = cookiePair(await request(a).get('/login'))
      const slow = request(a).get('/slow').set('Cookie', jar).then((r) => r)
      await sleep(40)
      await request(a).get('/logout').set('Cookie', jar).expect(200, 'out')
      const r = await slow
      assert.strictEqual(r.status, 200)
      assert.strictEqual(r.text, 'slow done')
      await sleep(10)
      assert.deepStrictEqual(gone, [['ESESSION_GONE', '/slow']])
      assert.deepStrictEqual(errors, [])
      await request(a).get('/me').set('Cookie', jar).expect(200, 'anonymous')
      assert.strictEqual(store.size, 0)
      store.close()
    })

    it('MemoryStore.merge answers ESESSION_GONE for an absent or expired record and writes nothing', async () => {
      const store = new session.MemoryStore()
      const d = new session.Delta('{"set":{"a":1}}', '{"cookie":{},"a":1}', null, undefined, undefined)
      const err = await new Promise((resolve) => store.merge('nobody', d, resolve))
      assert.strictEqual(err.code, 'ESESSION_GONE')
      store.set('old', { cookie: { expires: new Date(Date.now() - 1000).toISOString(), path: '/' }, a: 0 })
      const err2 = await new Promise((resolve) => store.merge('old', d, resolve))
      assert.strictEqual(err2.code, 'ESESSION_GONE')
      assert.strictEqual(store.size, 0)
      store.set('live', { cookie: { path: '/' }, a: 0, b: 2 })
      assert.strictEqual(await new Promise((resolve) => store.merge('live', d, resolve)), null)
      assert.deepStrictEqual(JSON.parse(store.sessions.get('live').json), { cookie: { path: '/' }, a: 1, b: 2 })
      const bad = await new Promise((resolve) => store.merge('live', new session.Delta('{"frob":1}', '', null), resolve))
      assert.strictEqual(bad.code, 'ERR_SESSION_CORE_INVALID_DELTA')
      store.close()
    })
  })

  describe(`${label}: storeTimeout`, () => {
    const never = () => ({ get () {}, set () {}, destroy () {}, touch () {}, merge () {} })

    it('a store that never answers: the request fails within the bound through next(err), 503', async () => {
      const a = express()
      a.use(session({ secret: SECRET, store: never(), storeTimeout: 150 }))
      a.get('/', (req, res) => res.send('never'))
      a.use((err, req, res, next) => res.status(err.status).send(err.code))
      const signed = 's:' + require(dir).sign('AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', SECRET)
      const t0 = Date.now()
      await request(a).get('/').set('Cookie', 'connect.sid=' + encodeURIComponent(signed)).expect(503, 'ESESSIONSTORE_TIMEOUT')
      const took = Date.now() - t0
      assert.ok(took >= 140 && took < 1000, `took ${took} ms`)
    })

    it('a write that times out: the response goes out, next(err) is told; a late answer is ignored', async () => {
      const inner = new session.MemoryStore()
      let late = null
      const store = {
        get: (sid, cb) => inner.get(sid, cb),
        set: (sid, sess, cb) => inner.set(sid, sess, cb),
        destroy: (sid, cb) => inner.destroy(sid, cb),
        merge (sid, delta, cb) { late = () => cb(null) } // answers only when told, far too late
      }
      const errors = []
      const a = express()
      a.use(session({ secret: SECRET, store, resave: false, saveUninitialized: false, storeTimeout: 100 }))
      a.get('/login', (req, res) => { req.session.user = 'alice'; res.send('in') })
      a.get('/', (req, res) => { req.session.x = 1; res.send('ok') })
      a.get('/save', (req, res) => { req.session.y = 1; req.session.save((err) => res.send(err ? `${err.status} ${err.code}` : 'saved')) })
      a.use((err, req, res, next) => { errors.push(err.code); if (!res.headersSent) res.status(err.status).end() })
      const jar = cookiePair(await request(a).get('/login'))
      const t0 = Date.now()
      await request(a).get('/').set('Cookie', jar).expect(200, 'ok')
      assert.ok(Date.now() - t0 < 1000)
      await sleep(20)
      assert.deepStrictEqual(errors, ['ESESSIONSTORE_TIMEOUT'])
      late() // the late answer changes nothing
      await request(a).get('/save').set('Cookie', jar).expect(200, '503 ESESSIONSTORE_TIMEOUT')
      late()
      late()
      assert.deepStrictEqual(errors, ['ESESSIONSTORE_TIMEOUT'])
      inner.close()
    })

    it("req.session's reload, destroy and regenerate are bounded too", async () => {
      const store = new session.MemoryStore()
      const a = express()
      a.use(session({ secret: SECRET, store, resave: false, saveUninitialized: false, storeTimeout: 80 }))
      a.get('/login', (req, res) => { req.session.user = 'alice'; res.send('in') })
      a.get('/:op', (req, res) => {
        req.sessionStore.get = () => {} // the store stops answering
        req.sessionStore.destroy = () => {}
        req.session[req.params.op]((err) => res.status(err ? err.status : 200).send(err ? err.code : 'ok'))
      })
      const jar = cookiePair(await request(a).get('/login'))
      for (const op of ['reload', 'destroy', 'regenerate']) {
        await request(a).get('/' + op).set('Cookie', jar).expect(503, 'ESESSIONSTORE_TIMEOUT')
        delete store.get
        delete store.destroy
      }
      store.close()
    })

    it('storeTimeout is checked by the core like every option', () => {
      for (const bad of [0, -5, '5s', NaN, Infinity, 2 ** 31, true]) {
        assert.throws(() => session({ secret: SECRET, storeTimeout: bad }), (e) => e instanceof TypeError && e.code === 'ERR_SESSION_CORE_INVALID_STORETIMEOUT' && e.field === 'storeTimeout', String(bad))
      }
      assert.throws(() => session({ secret: SECRET, storetimeout: 5 }), /did you mean storeTimeout/)
      session({ secret: SECRET, storeTimeout: 250 })
    })
  })
}

describe('native: applyDelta and tag', () => {
  it('applyDelta refuses what is not a record, with a clear error', () => {
    assert.throws(() => native.applyDelta('[]', '{}'), (e) => e.code === 'ERR_SESSION_CORE_BAD_RECORD' && /not a JSON object/.test(e.message))
    assert.throws(() => native.applyDelta(null, '{}'), TypeError)
    assert.throws(() => native.applyDelta('{}', '{"inc":{"a":"x"}}'), (e) => e instanceof TypeError && e.code === 'ERR_SESSION_CORE_INVALID_DELTA')
  })

  it('any depth, any size: no trap, no recursion', () => {
    const deep = '['.repeat(200000) + ']'.repeat(200000)
    const out = native.applyDelta(`{"cookie":{},"d":${deep}}`, '{"set":{"n":1}}')
    assert.strictEqual(out.length, deep.length + 24)
  })

  it('tag: the first 8 characters of base64url(SHA-256(id))', () => {
    const id = 'zjYk4TtYRPQUX0Ou5Pq-mCEj47T2m4Lr'
    const want = require('node:crypto').createHash('sha256').update(id).digest('base64url').slice(0, 8)
    assert.strictEqual(native.tag(id), want)
    assert.throws(() => native.tag(5), TypeError)
  })
})
