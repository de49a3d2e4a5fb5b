'use strict'
// The benchmarks' hand-written floors (bench/floor-express.js, floor-cookie-session.js,
// floor-hono.js) speak their peers' wire formats byte for byte, so `make bench` compares like with
// like: a cookie and a record express-session wrote are read by the floor and the other way round
// (one MemoryStore shared), the floor's Set-Cookie for an id is express-session's, cookie-session's
// cookies and the client floor's are the same bytes both ways, and the floors set the cache headers
// session-core/express sets by default. Real Express 4 and 5, real express-session and
// cookie-session, Hono's app.request.
const { describe, it } = require('node:test')
const assert = require('node:assert')
const path = require('node:path')
const request = require('supertest')
const expressSession = require('express-session')
const cookieSession = require('cookie-session')
const { EXPRESSES } = require('./helpers')
const { dir } = require('./pkg')

const bench = path.join(__dirname, '..', '..', 'bench')
const { floorExpress } = require(path.join(bench, 'floor-express'))
const { floorCookieSession } = require(path.join(bench, 'floor-cookie-session'))
const { floorHono } = require(path.join(bench, 'floor-hono'))
const sessionCore = require(path.join(dir, 'express'))

const SECRET = 'keyboard cat'
const HOUR = 3600000
const setCookies = (res) => res.headers['set-cookie'] || []
const pairs = (res) => setCookies(res).map((h) => h.split(';')[0]).join('; ')
/** A Set-Cookie header with its Expires date replaced (two servers never write the same second). */
const undated = (h) => h.replace(/Expires=[^;]+/i, 'Expires=<date>')
/** The record text with its expires replaced, for the same reason. */
const undatedRecord = (t) => t.replace(/"expires":"[^"]+"/, '"expires":"<date>"')

/** An app counting `n` in its session behind `mw`, answering n in `x-n`. */
function counter (express, mw) {
  return express().use(mw).get('/', (req, res) => {
    req.session.n = (req.session.n || 0) + 1
    res.set('x-n', String(req.session.n)).send('ok')
  })
}

/** express-session's MemoryStore as the floor's store: its `sessions` are JSON text by id. */
const sharedStore = (ms) => ({ get: (id) => ms.sessions[id], set: (id, text) => { ms.sessions[id] = text } })

for (const [label, express] of EXPRESSES) {
  for (const maxAge of [undefined, HOUR]) {
    describe(`${label}: the express-session floor and express-session, ${maxAge ? 'cookie: { maxAge }' : 'no maxAge'}`, () => {
      const ms = new expressSession.MemoryStore()
      const peer = counter(express, expressSession({ secret: SECRET, resave: false, saveUninitialized: false, store: ms, cookie: maxAge ? { maxAge } : {} }))
      const floor = counter(express, floorExpress({ secret: SECRET, maxAge, store: sharedStore(ms) }))

      it('reads the cookie and record express-session wrote, and writes the record express-session writes', async () => {
        const first = await request(peer).get('/').expect('x-n', '1')
        const cookie = pairs(first)
        const id = Object.keys(ms.sessions)[0]
        const again = await request(floor).get('/').set('Cookie', cookie).expect('x-n', '2')
        const written = ms.sessions[id]
        // the record as express-session writes it for the same session
        const back = await request(peer).get('/').set('Cookie', cookie).expect('x-n', '3')
        assert.strictEqual(undatedRecord(written), undatedRecord(ms.sessions[id]).replace('"n":3', '"n":2'))
        if (maxAge) {
          // a changed session sends its cookie again: the same bytes as express-session's
          assert.strictEqual(setCookies(again).length, 1)
          assert.strictEqual(undated(setCookies(again)[0]), undated(setCookies(back)[0]))
        } else {
          assert.deepStrictEqual(setCookies(again), [], 'a returning session without maxAge sends no Set-Cookie')
          assert.deepStrictEqual(setCookies(back), [])
        }
      })

      it('makes a cookie and a record express-session reads, with its attributes', async () => {
        const first = await request(floor).get('/').expect('x-n', '1')
        assert.strictEqual(setCookies(first).length, 1)
        const [h] = setCookies(first)
        assert.match(h, maxAge
          ? /^connect\.sid=s%3A[\w-]{32}\.[\w%]{43,}; Path=\/; Expires=\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT; HttpOnly$/
          : /^connect\.sid=s%3A[\w-]{32}\.[\w%]{43,}; Path=\/; HttpOnly$/)
        // the record a new session gets: express-session's, byte for byte (but the date)
        const idOf = (res) => decodeURIComponent(pairs(res)).split(/[:.]/)[2]
        const theirs = await request(peer).get('/').expect('x-n', '1')
        assert.strictEqual(undatedRecord(ms.sessions[idOf(first)]), undatedRecord(ms.sessions[idOf(theirs)]))
        const back = await request(peer).get('/').set('Cookie', pairs(first)).expect('x-n', '2')
        if (maxAge) assert.strictEqual(undated(setCookies(back)[0]), undated(h), 'express-session re-sends the same bytes')
        await request(floor).get('/').set('Cookie', pairs(first)).expect('x-n', '3')
      })

      it('gives a fresh session for a forged or unknown cookie', async () => {
        const first = await request(floor).get('/').expect('x-n', '1')
        const sent = pairs(first)
        const forged = sent.slice(0, -2) + (sent.endsWith('AA') ? 'BB' : 'AA')
        const res = await request(floor).get('/').set('Cookie', forged).expect('x-n', '1')
        assert.notStrictEqual(pairs(res), pairs(first))
        const other = counter(express, floorExpress({ secret: 'another secret', maxAge }))
        await request(other).get('/').set('Cookie', pairs(first)).expect('x-n', '1')
      })

      it('sets the cache headers session-core/express sets by default, and none with cacheHeaders: false', async () => {
        const core = counter(express, sessionCore({ secret: SECRET, resave: false, saveUninitialized: false, cookie: maxAge ? { maxAge } : {} }))
        for (const app of [core, floor]) {
          const first = await request(app).get('/')
          assert.strictEqual(first.headers.vary, 'Cookie')
          assert.strictEqual(first.headers['cache-control'], 'no-cache="Set-Cookie"')
          const again = await request(app).get('/').set('Cookie', pairs(first)).expect('x-n', '2')
          assert.strictEqual(again.headers.vary, 'Cookie')
          assert.strictEqual(again.headers['cache-control'], maxAge ? 'no-cache="Set-Cookie"' : undefined)
        }
        const bare = counter(express, floorExpress({ secret: SECRET, maxAge, cacheHeaders: false }))
        const res = await request(bare).get('/')
        assert.strictEqual(res.headers.vary, undefined)
        assert.strictEqual(res.headers['cache-control'], undefined)
      })
    })
  }

  describe(`${label}: the cookie-session floor and cookie-session`, () => {
    const keys = ['key-new', 'key-old']
    const peer = counter(express, cookieSession({ name: 'session', keys }))
    const floor = counter(express, floorCookieSession({ keys }))

    it('sends the same Set-Cookie bytes as cookie-session, both ways', async () => {
      const a = await request(peer).get('/').expect('x-n', '1')
      const b = await request(floor).get('/').expect('x-n', '1')
      assert.strictEqual(setCookies(a).length, 2)
      assert.deepStrictEqual(setCookies(b), setCookies(a))
      const fromPeer = await request(floor).get('/').set('Cookie', pairs(a)).expect('x-n', '2')
      const fromFloor = await request(peer).get('/').set('Cookie', pairs(b)).expect('x-n', '2')
      assert.deepStrictEqual(setCookies(fromPeer), setCookies(fromFloor))
    })

    it('verifies under any key, and gives a fresh session for a bad signature', async () => {
      const old = await request(counter(express, cookieSession({ name: 'session', keys: ['key-old'] }))).get('/')
      await request(floor).get('/').set('Cookie', pairs(old)).expect('x-n', '2')
      const forged = pairs(old).replace(/session\.sig=\S+$/, 'session.sig=' + 'A'.repeat(27))
      await request(floor).get('/').set('Cookie', forged).expect('x-n', '1')
      await request(floor).get('/').set('Cookie', pairs(old).split('; ')[0]).expect('x-n', '1')
    })

    it('sends nothing for an unchanged session', async () => {
      const app = express().use(floorCookieSession({ keys })).get('/', (req, res) => res.send(String(req.session.n)))
      const first = await request(floor).get('/')
      const res = await request(app).get('/').set('Cookie', pairs(first)).expect(200, '1')
      assert.deepStrictEqual(setCookies(res), [])
      assert.strictEqual(res.headers.vary, 'Cookie')
    })
  })
}

describe('the Hono floor', () => {
  async function honoCounter (mw) {
    const { Hono } = await import('hono')
    const app = new Hono()
    app.use(mw)
    app.get('/', (c) => {
      const s = c.get('session')
      s.n = (s.n || 0) + 1
      c.header('x-n', String(s.n))
      return c.text('ok')
    })
    return (cookie) => app.request('/', { headers: cookie ? { cookie } : {} })
  }
  const webPairs = (res) => res.headers.getSetCookie().map((h) => h.split(';')[0]).join('; ')

  it('server kind: reads express-session\'s cookie and record, and writes what express-session reads', async () => {
    const express = EXPRESSES[0][1]
    const ms = new expressSession.MemoryStore()
    const peer = counter(express, expressSession({ secret: SECRET, resave: false, saveUninitialized: false, store: ms }))
    const hono = await honoCounter(floorHono({ secret: SECRET, store: sharedStore(ms) }))
    const first = await request(peer).get('/').expect('x-n', '1')
    const again = await hono(pairs(first))
    assert.strictEqual(again.headers.get('x-n'), '2')
    assert.deepStrictEqual(again.headers.getSetCookie(), [])
    assert.strictEqual(again.headers.get('vary'), 'Cookie')
    await request(peer).get('/').set('Cookie', pairs(first)).expect('x-n', '3')
    const mine = await hono()
    assert.match(mine.headers.getSetCookie()[0], /^connect\.sid=s%3A[\w-]{32}\.[\w%]{43,}; Path=\/; HttpOnly$/)
    assert.strictEqual(mine.headers.get('cache-control'), 'no-cache="Set-Cookie"')
    await request(peer).get('/').set('Cookie', webPairs(mine)).expect('x-n', '2')
  })

  it('sets the headers session-core/hono sets, both kinds', async () => {
    const { session } = await import(path.join(dir, 'hono', 'index.mjs'))
    const shape = (res) => [...res.headers].map(([k, v]) => [k, k === 'set-cookie' ? v.replace(/=s%3A[^;]+/, '=<signed id>') : v])
    for (const [options, mine] of [[{ secret: SECRET }, { resave: false, saveUninitialized: false }], [{ kind: 'client', keys: [SECRET] }, {}]]) {
      const core = await honoCounter(session({ ...options, ...mine }))
      const floor = await honoCounter(floorHono(options))
      const [a, b] = [await core(), await floor()]
      assert.deepStrictEqual(shape(b), shape(a))
      const [c, d] = [await core(webPairs(a)), await floor(webPairs(b))]
      assert.strictEqual(d.headers.get('x-n'), '2')
      assert.deepStrictEqual(shape(d), shape(c))
    }
  })

  it('client kind: the same bytes as cookie-session', async () => {
    const express = EXPRESSES[0][1]
    const peer = counter(express, cookieSession({ name: 'session', keys: [SECRET] }))
    const hono = await honoCounter(floorHono({ kind: 'client', keys: [SECRET] }))
    const a = await request(peer).get('/')
    const b = await hono()
    assert.deepStrictEqual(b.headers.getSetCookie(), setCookies(a))
    const c = await hono(pairs(a))
    assert.strictEqual(c.headers.get('x-n'), '2')
    const d = await request(peer).get('/').set('Cookie', pairs(a)).expect('x-n', '2')
    assert.deepStrictEqual(c.headers.getSetCookie(), setCookies(d))
  })
})
