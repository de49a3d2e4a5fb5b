'use strict'
// Defects found under attack and by a new user, each reproduced on real Express 4 and 5.
const { describe, it } = require('node:test')
const assert = require('node:assert')
const http = require('node:http')
const path = require('node:path')
const request = require('supertest')
const { session, EXPRESSES, cookiePair, setCookie, sidOf, sleep } = require('./helpers')
const { dir } = require('./pkg')
const core = require(dir)

const SECRET = 'keyboard cat'

/** A store whose methods only return Promises (no callback is ever called); `fail` makes them reject. */
function promiseOnlyStore () {
  const data = new Map()
  const store = {
    data,
    fail: false,
    async get (sid) {
      if (store.fail) throw new Error('database outage')
      return data.has(sid) ? JSON.parse(data.get(sid)) : null
    },
    async set (sid, sess) {
      if (store.fail) throw new Error('database outage')
      data.set(sid, JSON.stringify(sess))
    },
    async destroy (sid) {
      if (store.fail) throw new Error('database outage')
      data.delete(sid)
    },
    async touch (sid, sess) {
      if (store.fail) throw new Error('database outage')
      if (data.has(sid)) data.set(sid, JSON.stringify({ ...JSON.parse(data.get(sid)), cookie: sess.cookie }))
    }
  }
  return store
}

/** Calls `method` on req.session with a callback or with await; resolves to the error or null. */
function call (req, method, form, ...args) {
  if (form === 'await') return req.session[method](...args).then(() => null, (e) => e)
  return new Promise((resolve) => req.session[method](...args, (e) => resolve(e || null)))
}

for (const [label, express] of EXPRESSES) {
  describe(`${label}: a Promise-only store (item 1)`, () => {
    for (const form of ['callback', 'await']) {
      for (const method of ['save', 'destroy', 'regenerate', 'reload']) {
        it(`${method} (${form}) settles when the store resolves, and reports its rejection`, async () => {
          const store = promiseOnlyStore()
          let unhandled = null
          const onUnhandled = (e) => { unhandled = e }
          process.on('unhandledRejection', onUnhandled)
          try {
            const a = express()
            a.use(session({ secret: SECRET, store, resave: false, saveUninitialized: false }))
            a.get('/login', (req, res) => { req.session.user = 'u'; res.send('in') })
            a.get('/op', async (req, res) => {
              store.fail = req.query.fail === '1'
              const err = await call(req, method, form)
              store.fail = false
              res.json({ err: err && err.message })
            })
            const jar = cookiePair(await request(a).get('/login').expect(200))
            const ok = await request(a).get('/op').set('Cookie', jar).timeout(3000).expect(200)
            assert.deepStrictEqual(ok.body, { err: null })
            const jar2 = cookiePair(await request(a).get('/login').expect(200))
            const bad = await request(a).get('/op?fail=1').set('Cookie', jar2).timeout(3000).expect(200)
            assert.deepStrictEqual(bad.body, { err: 'database outage' })
            await sleep(20)
            assert.strictEqual(unhandled, null)
          } finally {
            process.off('unhandledRejection', onUnhandled)
          }
        })
      }
    }

    it('touch: a store touch that rejects reaches next(err), one that resolves lets the response go', async () => {
      const store = promiseOnlyStore()
      const a = express()
      a.use(session({ secret: SECRET, store, resave: false, saveUninitialized: false }))
      a.get('/login', (req, res) => { req.session.user = 'u'; res.send('in') })
      a.get('/read', (req, res) => { store.fail = req.query.fail === '1'; res.send(req.session.user || 'none') })
      const seen = []
      a.use((err, req, res, next) => { seen.push(err.message); next() })
      const jar = cookiePair(await request(a).get('/login'))
      await request(a).get('/read').set('Cookie', jar).timeout(3000).expect(200, 'u')
      await request(a).get('/read?fail=1').set('Cookie', jar).timeout(3000).expect(200, 'u')
      store.fail = false
      await sleep(20)
      assert.deepStrictEqual(seen, ['database outage'])
    })

    it('Store#load and Store#regenerate go through the same guarded path', async () => {
      const inner = promiseOnlyStore()
      const store = Object.assign(new session.Store(), inner)
      session({ secret: SECRET, store })
      store.data.set('x', JSON.stringify({ cookie: { originalMaxAge: null, expires: null, httpOnly: true, path: '/' }, n: 1 }))
      const loaded = await new Promise((resolve, reject) => store.load('x', (e, s) => (e ? reject(e) : resolve(s))))
      assert.strictEqual(loaded.n, 1)
      inner.fail = true
      const err = await new Promise((resolve) => store.load('x', resolve))
      assert.strictEqual(err.message, 'database outage')
      const req = { sessionID: 'x' }
      const err2 = await new Promise((resolve) => store.regenerate(req, resolve))
      assert.strictEqual(err2.message, 'database outage')
      assert.ok(req.session && req.sessionID !== 'x')
    })
  })

  describe(`${label}: MemoryStore under a flood of anonymous requests (item 2)`, () => {
    it('12,000 cookie-less requests do not sign a user out, and the store stays bounded', async () => {
      const store = new session.MemoryStore()
      const a = express()
      a.use(session({ secret: SECRET, store })) // saveUninitialized: true, the default
      a.get('/login', (req, res) => { req.session.user = 'alice'; res.send('in') })
      a.get('/', (req, res) => res.send(req.session.user || 'anonymous'))
      const server = http.createServer(a).listen(0, '127.0.0.1')
      await new Promise((resolve) => server.once('listening', resolve))
      const { port } = server.address()
      const agent = new http.Agent({ keepAlive: true, maxSockets: 16 })
      const get = (p, cookie) => new Promise((resolve, reject) => {
        const req = http.get({ host: '127.0.0.1', port, path: p, agent, headers: cookie ? { cookie } : {} }, (res) => {
          let body = ''
          res.on('data', (c) => { body += c })
          res.on('end', () => resolve({ body, headers: res.headers }))
        })
        req.on('error', reject)
      })
      try {
        const login = await get('/login')
        const jar = login.headers['set-cookie'][0].split(';')[0]
        let sent = 0
        const worker = async () => {
          while (sent < 12000) {
            sent++
            await get('/')
          }
        }
        await Promise.all(Array.from({ length: 16 }, worker))
        assert.ok(store.size <= store.maxEntries, `store holds ${store.size}`)
        assert.strictEqual(store.sessions.size, 1)
        assert.strictEqual((await get('/', jar)).body, 'alice')
      } finally {
        agent.destroy()
        server.close()
      }
    })

    it('expired records are evicted first, then empty ones, then the least recently used with data', async () => {
      const store = new session.MemoryStore({ maxEntries: 3 })
      const rec = (data, expires = null) => ({ cookie: { originalMaxAge: null, expires, httpOnly: true, path: '/' }, ...data })
      store.set('old', rec({ user: 'o' }, new Date(Date.now() + 30).toISOString()))
      store.set('u1', rec({ user: 'a' }))
      store.set('e1', rec({}))
      await sleep(60)
      store.set('u2', rec({ user: 'b' })) // the expired one goes
      assert.deepStrictEqual([...store.sessions.keys()], ['u1', 'u2'])
      store.set('u3', rec({ user: 'c' })) // then the empty one
      assert.deepStrictEqual([...store.sessions.keys()], ['u1', 'u2', 'u3'])
      assert.strictEqual(store.empty.size, 0)
      store.set('e2', rec({})) // an empty one never pushes out a session with data
      assert.deepStrictEqual([...store.sessions.keys()], ['u1', 'u2', 'u3'])
      assert.strictEqual(store.empty.size, 0)
      store.set('u4', rec({ user: 'd' })) // data beyond the bound: least recently used data goes
      assert.deepStrictEqual([...store.sessions.keys()], ['u2', 'u3', 'u4'])
      store.close()
    })
  })

  describe(`${label}: logout sticks (item 3)`, () => {
    it('a slow request that started before destroy() does not bring the session back', async () => {
      const store = new session.MemoryStore()
      const a = express()
      a.use(session({ secret: SECRET, store, resave: false, saveUninitialized: false }))
      a.get('/login', (req, res) => { req.session.user = 'alice'; res.send('in') })
      a.get('/slow', async (req, res) => {
        await sleep(200)
        req.session.visits = (req.session.visits || 0) + 1 // changes the session after the logout
        res.send('slow done')
      })
      a.get('/logout', (req, res) => req.session.destroy(() => res.send('out')))
      a.get('/me', (req, res) => res.send(req.session.user || 'anonymous'))
      const jar = cookiePair(await request(a).get('/login'))
      const slow = request(a).get('/slow').set('Cookie', jar).then((r) => r)
      await sleep(50)
      await request(a).get('/logout').set('Cookie', jar).expect(200, 'out')
      await slow
      await request(a).get('/me').set('Cookie', jar).expect(200, 'anonymous')
      assert.strictEqual(store.size, 0)
    })

    it('an explicit save() after the record was destroyed elsewhere is dropped too', async () => {
      const store = new session.MemoryStore()
      const a = express()
      a.use(session({ secret: SECRET, store, resave: false, saveUninitialized: false }))
      a.get('/login', (req, res) => { req.session.user = 'alice'; res.send('in') })
      a.get('/save', (req, res) => {
        store.destroy(req.sessionID) // signed out everywhere while this request runs
        req.session.x = 1
        req.session.save((err) => res.send(err ? 'error' : 'saved'))
      })
      const jar = cookiePair(await request(a).get('/login'))
      await request(a).get('/save').set('Cookie', jar).expect(200, 'saved')
      assert.strictEqual(store.size, 0)
    })
  })

  describe(`${label}: key rotation through cookie-parser re-signs (item 5)`, () => {
    const SECRETS = ['new secret', 'old secret']
    for (const [which, cookieParser] of [['the real cookie-parser', require('cookie-parser')], ['session-core/cookie-parser', require(path.join(dir, 'cookie-parser'))]]) {
      it(`${which}: a cookie signed by the second of two secrets is re-signed with the first`, async () => {
        const store = new session.MemoryStore()
        const a = express()
        a.use(cookieParser(SECRETS))
        a.use(session({ store, resave: false, saveUninitialized: false })) // no secret: req.secret
        a.get('/', (req, res) => res.send(req.session.user || 'anonymous'))
        const id = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'
        store.set(id, { cookie: { originalMaxAge: null, expires: null, httpOnly: true, path: '/' }, user: 'alice' })
        const old = 'connect.sid=' + encodeURIComponent('s:' + core.sign(id, SECRETS[1]))
        const r = await request(a).get('/').set('Cookie', old).expect(200, 'alice')
        const fresh = cookiePair(r)
        assert.ok(fresh, 'the cookie is sent again')
        assert.strictEqual(sidOf(fresh), id)
        assert.strictEqual(decodeURIComponent(fresh.split('=')[1]), 's:' + core.sign(id, SECRETS[0]))
      })
    }
  })

  describe(`${label}: sessions that cannot be saved, records in any shape (item 6)`, () => {
    const errors = (a) => {
      a.use((err, req, res, next) => res.status(err.status || 500).json({ code: err.code, message: err.message }))
      return a
    }
    for (const [what, fill] of [
      ['nested 20,000 deep', (s) => { let c = s; for (let i = 0; i < 20000; i++) { c.x = {}; c = c.x } }],
      ['with a cycle', (s) => { s.self = s }],
      ['with a BigInt', (s) => { s.n = 10n }]
    ]) {
      it(`a session ${what} fails the request before the response, with a clear error`, async () => {
        const store = new session.MemoryStore()
        const a = express()
        a.use(session({ secret: SECRET, store, resave: false, saveUninitialized: false }))
        a.get('/', (req, res) => { fill(req.session); res.send('looks fine') })
        errors(a)
        const r = await request(a).get('/').expect(500)
        assert.strictEqual(r.body.code, 'ERR_SESSION_CORE_UNSAVEABLE')
        assert.match(r.body.message, /req\.session cannot be saved/)
        assert.strictEqual(setCookie(r), undefined)
        assert.strictEqual(store.size, 0)
      })
    }

    it('a store that returns something that is not a session record: a clear error with a code', async () => {
      for (const junk of ['garbage', 42, { x: 1 }, { cookie: null }]) {
        const store = { async get () { return junk }, async set () {}, async destroy () {} }
        const a = express()
        a.use(session({ secret: SECRET, store, resave: false, saveUninitialized: false }))
        a.get('/', (req, res) => res.send('ok'))
        errors(a)
        const jar = 'connect.sid=' + encodeURIComponent('s:' + core.sign('AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', SECRET))
        const r = await request(a).get('/').set('Cookie', jar).expect(500)
        assert.strictEqual(r.body.code, 'ERR_SESSION_CORE_BAD_RECORD')
        assert.match(r.body.message, /not a session record/)
      }
    })

    it('a store that returns keys sorted (cookie not first) and data nested deeper than 128', async () => {
      const data = new Map()
      const sortKeys = (v) => {
        if (Array.isArray(v)) return v.map(sortKeys)
        if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys(v[k])]))
        return v
      }
      let deep = 1
      for (let i = 0; i < 1000; i++) deep = [deep]
      const store = {
        async get (sid) { return data.has(sid) ? sortKeys(JSON.parse(data.get(sid))) : null },
        async set (sid, sess) { data.set(sid, JSON.stringify(sess)) },
        async destroy (sid) { data.delete(sid) }
      }
      const a = express()
      a.use(session({ secret: SECRET, store, resave: false, saveUninitialized: false, idleTimeout: 60000 }))
      a.get('/', (req, res) => {
        if (!req.session.aa) req.session.aa = deep
        req.session.n = (req.session.n || 0) + 1
        res.send(String(req.session.n))
      })
      a.get('/read', (req, res) => res.send(String(req.session.n)))
      errors(a)
      const jar = cookiePair(await request(a).get('/').expect(200, '1'))
      await request(a).get('/').set('Cookie', jar).expect(200, '2')
      await request(a).get('/read').set('Cookie', jar).expect(200, '2')
      await request(a).get('/').set('Cookie', jar).expect(200, '3')
    })
  })
}
