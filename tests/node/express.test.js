'use strict'
// session-core/express on real Express 4 and 5 apps: options, req.session methods (callback and
// Promise forms), stores, the fixes over express-session, and bad input.
const { describe, it } = require('node:test')
const assert = require('node:assert')
const request = require('supertest')
const { session, EXPRESSES, setCookie, cookiePair, attributes, sidOf, sleep, promiseStore } = require('./helpers')

const SECRET = 'keyboard cat'

for (const [label, express] of EXPRESSES) {
  describe(label, () => {
    function app (options, ...handlers) {
      const a = express()
      a.use(session({ secret: SECRET, resave: false, saveUninitialized: false, ...options }))
      for (const h of handlers) a.use(h)
      a.use((err, req, res, next) => res.status(500).send('error: ' + err.message))
      return a
    }
    const counter = (req, res) => {
      req.session.n = (req.session.n || 0) + 1
      res.send(String(req.session.n))
    }

    it('creates, signs and reloads a session (cookie shape as express-session)', async () => {
      const a = app({ cookie: { maxAge: 60000 } }, counter)
      const r1 = await request(a).get('/').expect(200, '1')
      const sc = setCookie(r1)
      assert.match(sc, /^connect\.sid=s%3A[A-Za-z0-9_-]{32}\.[A-Za-z0-9%]+; Path=\/; Expires=[A-Za-z]{3}, \d\d [A-Za-z]{3} \d{4} \d\d:\d\d:\d\d GMT; HttpOnly$/)
      await request(a).get('/').set('Cookie', cookiePair(r1)).expect(200, '2')
    })

    it('a session is saved when the response ends in another app (mounted, or handed the request as vhost does)', async () => {
      for (const mount of ['mounted', 'handed']) {
        const sub = express().use(counter)
        const a = express()
        a.use(session({ secret: SECRET, resave: false, saveUninitialized: false }))
        if (mount === 'mounted') a.use('/sub', sub)
        else a.use('/sub', (req, res, next) => sub(req, res, next))
        const r1 = await request(a).get('/sub').expect(200, '1')
        for (const n of ['2', '3']) await request(a).get('/sub').set('Cookie', cookiePair(r1)).expect(200, n)
      }
    })

    it('a response built by hand (no res.req, as some test tools make) still gets its session saved', async () => {
      const { EventEmitter } = require('node:events')
      const mw = session({ secret: SECRET, resave: false, saveUninitialized: false })
      const once = (cookie) => new Promise((resolve, reject) => {
        const req = { headers: cookie ? { cookie } : {}, url: '/', originalUrl: '/', method: 'GET', connection: {}, socket: {} }
        const headers = {}
        const res = Object.assign(new EventEmitter(), {
          statusCode: 200,
          getHeader: (k) => headers[k.toLowerCase()],
          setHeader: (k, v) => { headers[k.toLowerCase()] = v },
          removeHeader: (k) => { delete headers[k.toLowerCase()] },
          writeHead (code) { this.statusCode = code; this.headersSent = true; return this },
          end () { if (!this.headersSent) this.writeHead(this.statusCode); resolve([headers, req.session.n]); return this }
        })
        mw(req, res, (err) => {
          if (err) return reject(err)
          req.session.n = (req.session.n || 0) + 1
          res.end()
        })
      })
      const [h1] = await once()
      const cookie = [].concat(h1['set-cookie'])[0].split(';')[0]
      assert.strictEqual((await once(cookie))[1], 2)
      assert.strictEqual((await once(cookie))[1], 3)
    })

    it('saveUninitialized false: an untouched session sends no cookie and stores nothing', async () => {
      const store = new session.MemoryStore()
      const a = app({ store }, (req, res) => res.send('ok'))
      const r = await request(a).get('/').expect(200)
      assert.strictEqual(setCookie(r), undefined)
      assert.strictEqual(store.size, 0)
    })

    it('saveUninitialized true (default) stores and sends a new session', async () => {
      const store = new session.MemoryStore()
      const a = express().use(session({ secret: SECRET, store })).use((req, res) => res.send('ok'))
      const r = await request(a).get('/').expect(200)
      assert.ok(setCookie(r))
      assert.strictEqual(store.size, 1)
    })

    it('resave false: an unmodified session is touched, not saved', async () => {
      const store = new session.MemoryStore()
      let sets = 0
      let touches = 0
      const set = store.set.bind(store)
      const touch = store.touch.bind(store)
      store.set = (...a) => { sets++; return set(...a) }
      store.touch = (...a) => { touches++; return touch(...a) }
      const a = app({ store, cookie: { maxAge: 60000 } }, (req, res) => { if (req.query.w) req.session.w = 1; res.send('ok') })
      const r = await request(a).get('/?w=1')
      assert.deepStrictEqual([sets, touches], [1, 0])
      const r2 = await request(a).get('/').set('Cookie', cookiePair(r))
      assert.deepStrictEqual([sets, touches], [1, 1])
      assert.strictEqual(setCookie(r2), undefined)
    })

    it('rolling: the cookie goes out on every response', async () => {
      const a = app({ rolling: true, cookie: { maxAge: 60000 } }, counter)
      const r = await request(a).get('/')
      const r2 = await request(a).get('/').set('Cookie', cookiePair(r)).expect('2')
      assert.ok(setCookie(r2))
    })

    it('name and every cookie option', async () => {
      const a = app({ name: 'sid', proxy: true, cookie: { maxAge: 1000, domain: 'example.com', path: '/', sameSite: 'strict', partitioned: true, priority: 'high', secure: true, httpOnly: false } }, counter)
      const r = await request(a).get('/').set('X-Forwarded-Proto', 'https')
      const at = attributes(setCookie(r, 'sid'))
      assert.strictEqual(at.domain, 'example.com')
      assert.strictEqual(at.samesite, 'Strict')
      assert.strictEqual(at.priority, 'High')
      assert.ok(at.partitioned && at.secure && !at.httponly)
    })

    it('secure "auto" and sameSite "auto" work when cookie is a function (express-session fix)', async () => {
      const a = app({ proxy: true, cookie: (req) => ({ secure: 'auto', sameSite: 'auto', maxAge: 1000 }) }, counter)
      const http = await request(a).get('/')
      assert.deepStrictEqual([attributes(setCookie(http)).secure, attributes(setCookie(http)).samesite], [undefined, 'Lax'])
      const https = await request(a).get('/').set('X-Forwarded-Proto', 'https')
      assert.deepStrictEqual([attributes(setCookie(https)).secure, attributes(setCookie(https)).samesite], [true, 'None'])
    })

    it('genid: sync and async', async () => {
      let n = 0
      const sync = app({ genid: () => 'sync-id-' + ++n }, counter)
      assert.strictEqual(sidOf(cookiePair(await request(sync).get('/'))), 'sync-id-1')
      const asyncApp = app({ genid: async (req) => { await sleep(5); return 'async-' + req.path.length } }, counter)
      const r = await request(asyncApp).get('/abc')
      assert.strictEqual(sidOf(cookiePair(r)), 'async-4')
    })

    it('unset "destroy": req.session = null removes the record and expires the cookie', async () => {
      const store = new session.MemoryStore()
      const a = app({ store, unset: 'destroy' }, (req, res) => {
        if (req.query.drop) req.session = null
        else req.session.x = 1
        res.send('ok')
      })
      const r = await request(a).get('/')
      assert.strictEqual(store.size, 1)
      const r2 = await request(a).get('/?drop=1').set('Cookie', cookiePair(r))
      assert.strictEqual(store.size, 0)
      assert.match(setCookie(r2), /^connect\.sid=; Path=\/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly$/)
    })

    it('secret rotation: an old-secret cookie is accepted and re-signed with the newest, attributes kept', async () => {
      const store = new session.MemoryStore()
      const cookie = { maxAge: 60000, sameSite: 'lax', domain: 'example.com' }
      const old = app({ store, secret: 'old secret', cookie }, counter)
      const r = await request(old).get('/')
      const rotated = app({ store, secret: ['new secret', 'old secret'], cookie }, (req, res) => res.send(String(req.session.n)))
      const r2 = await request(rotated).get('/').set('Cookie', cookiePair(r)).expect(200, '1')
      const resigned = setCookie(r2)
      assert.ok(resigned, 're-signed cookie sent')
      assert.strictEqual(sidOf(resigned), sidOf(cookiePair(r)))
      assert.ok(require('./pkg').unsign(decodeURIComponent(resigned.split(';')[0].split('=')[1]).slice(2), 'new secret'))
      assert.deepStrictEqual(Object.keys(attributes(resigned)).sort(), ['domain', 'expires', 'httponly', 'path', 'samesite'])
      // and with the newest secret only, the re-signed cookie still works
      const fresh = app({ store, secret: 'new secret', cookie }, (req, res) => res.send(String(req.session.n)))
      await request(fresh).get('/').set('Cookie', resigned.split(';')[0]).expect(200, '1')
    })

    it('no secret: falls back to req.secret, else a clear 500', async () => {
      const a = express().use((req, res, next) => { req.secret = SECRET; next() })
        .use(session({ resave: false, saveUninitialized: true })).use((req, res) => res.send('ok'))
      assert.ok(setCookie(await request(a).get('/').expect(200)))
      const b = express().use(session({ resave: false, saveUninitialized: true })).use((req, res) => res.send('ok'))
        .use((err, req, res, next) => res.status(500).send(err.message))
      await request(b).get('/').expect(500, 'secret option required for sessions')
    })

    describe('req.session methods', () => {
      it('regenerate (callback and Promise), regenerate({ keep: true })', async () => {
        const a = app({}, async (req, res) => {
          req.session.user = 'alice'
          const before = req.session.id
          if (req.query.p) await req.session.regenerate()
          else if (req.query.keep) await req.session.regenerate({ keep: true })
          else await new Promise((resolve, reject) => req.session.regenerate((e) => (e ? reject(e) : resolve())))
          res.json({ changed: req.session.id !== before, user: req.session.user || null })
        })
        assert.deepStrictEqual((await request(a).get('/')).body, { changed: true, user: null })
        assert.deepStrictEqual((await request(a).get('/?p=1')).body, { changed: true, user: null })
        assert.deepStrictEqual((await request(a).get('/?keep=1')).body, { changed: true, user: 'alice' })
      })

      it('destroy (Promise) removes the record and expires the cookie with the same attributes', async () => {
        const store = new session.MemoryStore()
        const a = app({ store, cookie: { maxAge: 60000, path: '/', sameSite: 'lax', partitioned: true, secure: false } }, async (req, res) => {
          if (req.query.out) await req.session.destroy()
          else req.session.user = 'alice'
          res.send(String(req.session))
        })
        const r = await request(a).get('/')
        const r2 = await request(a).get('/?out=1').set('Cookie', cookiePair(r)).expect(200, 'undefined')
        assert.strictEqual(store.size, 0)
        assert.strictEqual(setCookie(r2), 'connect.sid=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Partitioned; SameSite=Lax')
      })

      it('save (Promise) and reload (callback and Promise); touch stays synchronous', async () => {
        const store = new session.MemoryStore()
        const a = app({ store, cookie: { maxAge: 60000 } }, async (req, res) => {
          req.session.a = 1
          await req.session.save()
          const stored = await new Promise((resolve) => store.get(req.session.id, (e, s) => resolve(s)))
          req.session.a = 2
          await req.session.reload()
          const afterPromise = req.session.a
          req.session.a = 3
          await new Promise((resolve, reject) => req.session.reload((e) => (e ? reject(e) : resolve())))
          const t = req.session.touch()
          res.json({ stored: stored.a, afterPromise, afterCallback: req.session.a, touchReturnsSession: t === req.session })
        })
        assert.deepStrictEqual((await request(a).get('/')).body, { stored: 1, afterPromise: 1, afterCallback: 1, touchReturnsSession: true })
      })

      it('a rejected Promise nobody awaits does not crash the process', async () => {
        const store = new session.MemoryStore()
        store.set = (sid, sess, cb) => cb(new Error('store down'))
        let unhandled = null
        const onUnhandled = (e) => { unhandled = e }
        process.on('unhandledRejection', onUnhandled)
        try {
          const a = app({ store }, (req, res) => { req.session.save(); res.send('ok') })
          await request(a).get('/').expect(200, 'ok')
          await sleep(20)
          assert.strictEqual(unhandled, null)
        } finally {
          process.off('unhandledRejection', onUnhandled)
        }
      })

      it('req.session.cookie: maxAge counts down, originalMaxAge kept, expires settable', async () => {
        const a = app({ cookie: { maxAge: 60000 } }, (req, res) => {
          req.session.cookie.expires = new Date(Date.now() + 5000)
          res.json({ maxAge: req.session.cookie.maxAge, original: req.session.cookie.originalMaxAge })
        })
        const { body } = await request(a).get('/')
        assert.ok(body.maxAge <= 5000 && body.maxAge > 4000)
        assert.ok(body.original <= 5000 && body.original > 4000)
      })

      it('req.flash keeps messages in the session until read', async () => {
        const a = app({}, (req, res) => {
          if (req.query.add) {
            req.flash('info', 'saved %s', 'thing')
            return res.redirect('/')
          }
          res.json(req.flash('info'))
        })
        const r = await request(a).get('/?add=1').expect(302)
        const jar = cookiePair(r)
        assert.deepStrictEqual((await request(a).get('/').set('Cookie', jar)).body, ['saved thing'])
        assert.deepStrictEqual((await request(a).get('/').set('Cookie', jar)).body, [])
      })
    })

    describe('stores', () => {
      it('a class extending session.Store', async () => {
        class MapStore extends session.Store {
          constructor () { super(); this.m = new Map() }
          get (sid, cb) { cb(null, this.m.has(sid) ? JSON.parse(this.m.get(sid)) : null) }
          set (sid, sess, cb) { this.m.set(sid, JSON.stringify(sess)); cb() }
          destroy (sid, cb) { this.m.delete(sid); cb() }
        }
        const store = new MapStore()
        const a = app({ store }, counter)
        const r = await request(a).get('/').expect('1')
        await request(a).get('/').set('Cookie', cookiePair(r)).expect('2')
        assert.strictEqual(store.m.size, 1)
      })

      it('a duck-typed store with Promise methods and no EventEmitter', async () => {
        const store = promiseStore()
        const a = app({ store }, counter)
        const r = await request(a).get('/').expect('1')
        await request(a).get('/').set('Cookie', cookiePair(r)).expect('2')
        assert.strictEqual(store.data.size, 1)
      })

      it('a store error on get reaches next(err) with the store\'s error', async () => {
        const store = promiseStore()
        store.get = async () => { throw new Error('redis is down') }
        const a = app({ store }, counter)
        const r = await request(a).get('/').expect('1')
        await request(a).get('/').set('Cookie', cookiePair(r)).expect(500, 'error: redis is down')
      })

      it('the store write finishes before the response goes out (redirect race fixed)', async () => {
        const store = new session.MemoryStore()
        let written = false
        const set = store.set.bind(store)
        store.set = (sid, sess, cb) => setTimeout(() => { written = true; set(sid, sess, cb) }, 150)
        const a = app({ store }, (req, res) => { req.session.user = 'alice'; res.redirect('/home') })
        const r = await request(a).get('/login').expect(302)
        assert.strictEqual(written, true, 'response arrived after the write')
        assert.ok(setCookie(r))
      })

      it('streaming responses (res.write before res.end) still set the cookie and save', async () => {
        const store = new session.MemoryStore()
        const a = app({ store }, (req, res) => {
          req.session.s = 1
          res.write('hello, ')
          setTimeout(() => { req.session.s = 2; res.end('world') }, 20)
        })
        const r = await request(a).get('/').expect(200, 'hello, world')
        assert.ok(setCookie(r))
        const [rec] = [...store.sessions.values()]
        assert.strictEqual(JSON.parse(rec.json).s, 2)
      })
    })

    describe('bad input gives a fresh session', () => {
      for (const [what, cookie] of [
        ['tampered signature', (pair) => pair.slice(0, -3) + 'abc'],
        ['unsigned id', (pair) => 'connect.sid=' + sidOf(pair)],
        ['foreign secret', () => 'connect.sid=' + encodeURIComponent('s:' + require('./pkg').sign('x'.repeat(32), 'other'))],
        ['malformed percent-encoding', () => 'connect.sid=s%3A%zz%E0%A4%A'],
        ['garbage bytes', () => 'connect.sid=\u00ff\u00fe\u0080;;;=;"\t%'],
        ['empty value', () => 'connect.sid='],
        ['4 KB value', () => 'connect.sid=' + 'x'.repeat(4096)]
      ]) {
        it(what, async () => {
          const a = app({}, counter)
          const r = await request(a).get('/').expect('1')
          await request(a).get('/').set('Cookie', cookie(cookiePair(r))).expect(200, '1')
        })
      }

      it('an expired record', async () => {
        const store = promiseStore()
        const a = app({ store, cookie: { maxAge: 60000 } }, counter)
        const r = await request(a).get('/').expect('1')
        const [sid] = store.data.keys()
        const rec = JSON.parse(store.data.get(sid))
        rec.cookie.expires = new Date(Date.now() - 1000).toISOString()
        store.data.set(sid, JSON.stringify(rec))
        const b = app({ store, cookie: { maxAge: 60000 }, idleTimeout: 3600000 }, counter)
        await request(b).get('/').set('Cookie', cookiePair(r)).expect(200, '1')
      })
    })

    describe('idle and absolute timeouts', () => {
      it('idleTimeout ends a session after that long without a request', async () => {
        const a = app({ idleTimeout: 500 }, counter)
        const r = await request(a).get('/').expect('1')
        await sleep(100)
        await request(a).get('/').set('Cookie', cookiePair(r)).expect('2')
        await sleep(700)
        await request(a).get('/').set('Cookie', cookiePair(r)).expect('1')
      })

      it('absoluteTimeout ends a session even while it stays active', async () => {
        const a = app({ absoluteTimeout: 700, idleTimeout: 10000 }, counter)
        const r = await request(a).get('/').expect('1')
        for (let i = 2; i <= 3; i++) {
          await sleep(100)
          await request(a).get('/').set('Cookie', cookiePair(r)).expect(String(i))
        }
        await sleep(700)
        await request(a).get('/').set('Cookie', cookiePair(r)).expect('1')
      })

      it('lastSeen is refreshed by a store write at most once per touchAfter', async () => {
        const store = new session.MemoryStore()
        let sets = 0
        const set = store.set.bind(store)
        store.set = (...args) => { sets++; return set(...args) }
        const a = app({ store, idleTimeout: 60000, touchAfter: 1000 }, (req, res) => { if (!req.session.n) req.session.n = 1; res.send('ok') })
        const r = await request(a).get('/')
        assert.strictEqual(sets, 1)
        for (let i = 0; i < 3; i++) await request(a).get('/').set('Cookie', cookiePair(r))
        assert.strictEqual(sets, 1, 'reads within touchAfter write nothing')
        await sleep(1100)
        await request(a).get('/').set('Cookie', cookiePair(r))
        assert.strictEqual(sets, 2, 'a read after touchAfter refreshes lastSeen')
        const rec = JSON.parse([...store.sessions.values()][0].json)
        assert.ok(rec.cookie.createdAt <= rec.cookie.lastSeen)
      })
    })
  })
}

describe('options are validated at construction, errors name the option', () => {
  for (const [opts, re] of [
    [{ secret: [] }, /secret/],
    [{ secret: 's', unset: 'drop' }, /unset/],
    [{ secret: 's', genid: 'x' }, /genid/],
    [{ secret: 's', idleTimeout: -1 }, /idleTimeout/],
    [{ secret: 's', absoluteTimeout: 'soon' }, /absoluteTimeout/],
    [{ secret: 's', cookie: { sameSite: 'sometimes' } }, /sameSite/],
    [{ secret: 's', cookie: { domain: 'bad domain' } }, /domain/],
    [{ secret: 's', cookie: { priority: 'urgent' } }, /priority/],
    [{ secret: 's', cookie: { maxAge: '1h' } }, /maxAge/],
    [{ secret: 's', name: 'bad name' }, /name/],
    [{ secret: 's', store: {} }, /store/],
    [{ secret: 's', resave: 'yes' }, /resave/]
  ]) {
    it(JSON.stringify(opts), () => assert.throws(() => session(opts), (e) => e instanceof TypeError && re.test(e.message)))
  }
})

describe('MemoryStore', () => {
  it('evicts the least recently used beyond maxEntries', async () => {
    const store = new session.MemoryStore({ maxEntries: 2 })
    const rec = { cookie: { originalMaxAge: null, expires: null, httpOnly: true, path: '/' }, user: 'u' }
    await new Promise((resolve) => store.set('a', rec, resolve))
    await new Promise((resolve) => store.set('b', rec, resolve))
    await new Promise((resolve) => store.get('a', resolve)) // a is now the most recent
    await new Promise((resolve) => store.set('c', rec, resolve))
    assert.deepStrictEqual([...store.sessions.keys()], ['a', 'c'])
  })

  it('prunes expired records on access and by its timer', async () => {
    const store = new session.MemoryStore({ pruneInterval: 30 })
    const soon = { cookie: { originalMaxAge: 10, expires: new Date(Date.now() + 10).toISOString(), httpOnly: true, path: '/' } }
    store.set('x', soon)
    store.set('y', soon)
    assert.strictEqual(store.size, 2)
    await sleep(250)
    assert.strictEqual(store.size, 0)
    store.close()
  })

  it('all() returns { id: session } as express-session\'s MemoryStore', async () => {
    const store = new session.MemoryStore()
    const rec = { cookie: { originalMaxAge: null, expires: null, httpOnly: true, path: '/' }, user: 'u' }
    store.set('id1', rec)
    const all = await new Promise((resolve) => store.all((e, s) => resolve(s)))
    assert.deepStrictEqual({ ...all }, { id1: rec })
    assert.strictEqual(await new Promise((resolve) => store.length((e, n) => resolve(n))), 1)
  })

  it('warns once under NODE_ENV=production', () => {
    const { spawnSync } = require('node:child_process')
    const path = require('node:path')
    const mod = JSON.stringify(path.join(require('./pkg').dir, 'express'))
    const run = (env) => spawnSync(process.execPath, ['-e', `
      const s = require(${mod})
      s({ secret: 'x', resave: false, saveUninitialized: false }); s({ secret: 'x', resave: false, saveUninitialized: false })`],
    { env: { ...process.env, NODE_ENV: env }, encoding: 'utf8' }).stderr
    const prod = run('production')
    assert.strictEqual(prod.split('MemoryStore keeps sessions in this process only').length - 1, 1, prod)
    assert.strictEqual(run('development'), '')
  })
})
