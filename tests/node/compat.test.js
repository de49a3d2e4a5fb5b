'use strict'
// Cross-checks against the real express-session 1.19 package: cookies it issued are accepted here
// and ours there, records either writes are read by the other through a shared store, and the
// Set-Cookie bytes and stored records are the same for the same session.
const { describe, it } = require('node:test')
const assert = require('node:assert')
const request = require('supertest')
const expressSession = require('express-session')
const { session, EXPRESSES, setCookie, cookiePair, sidOf } = require('./helpers')

const SECRET = ['keyboard cat', 'older cat']

/** Two MemoryStores of express-session over one backing object: a store both apps share. */
function sharedStores () {
  const a = new expressSession.MemoryStore()
  const b = new expressSession.MemoryStore()
  b.sessions = a.sessions
  return [a, b]
}

for (const [label, express] of EXPRESSES) {
  describe(`${label}: session-core/express and express-session side by side`, () => {
    const opts = { secret: SECRET, resave: false, saveUninitialized: false, cookie: { maxAge: 3600000, sameSite: 'lax' } }
    const handler = (req, res) => {
      if (req.query.set) req.session.user = req.query.set
      req.session.n = (req.session.n || 0) + 1
      res.json({ user: req.session.user || null, n: req.session.n, id: req.sessionID })
    }
    function pair () {
      const [s1, s2] = sharedStores()
      const theirs = express().use(expressSession({ ...opts, store: s1 })).use(handler)
      const ours = express().use(session({ ...opts, store: s2 })).use(handler)
      return { theirs, ours, store: s1 }
    }

    it('a cookie and record from express-session are read by session-core, and back', async () => {
      const { theirs, ours } = pair()
      const r1 = await request(theirs).get('/?set=alice')
      assert.deepStrictEqual([r1.body.user, r1.body.n], ['alice', 1])
      const r2 = await request(ours).get('/').set('Cookie', cookiePair(r1))
      assert.deepStrictEqual([r2.body.user, r2.body.n, r2.body.id], ['alice', 2, r1.body.id])
      const r3 = await request(theirs).get('/').set('Cookie', cookiePair(r1))
      assert.deepStrictEqual([r3.body.user, r3.body.n], ['alice', 3])
    })

    it('a cookie and record from session-core are read by express-session, and back', async () => {
      const { theirs, ours } = pair()
      const r1 = await request(ours).get('/?set=bob')
      const r2 = await request(theirs).get('/').set('Cookie', cookiePair(r1))
      assert.deepStrictEqual([r2.body.user, r2.body.n, r2.body.id], ['bob', 2, r1.body.id])
      const r3 = await request(ours).get('/').set('Cookie', cookiePair(r1))
      assert.deepStrictEqual([r3.body.user, r3.body.n], ['bob', 3])
    })

    it('a cookie signed with an older secret by express-session is accepted here', async () => {
      const [s1, s2] = sharedStores()
      const theirs = express().use(expressSession({ ...opts, secret: 'older cat', store: s1 })).use(handler)
      const ours = express().use(session({ ...opts, store: s2 })).use(handler)
      const r1 = await request(theirs).get('/?set=carol')
      const r2 = await request(ours).get('/').set('Cookie', cookiePair(r1))
      assert.deepStrictEqual([r2.body.user, r2.body.id], ['carol', r1.body.id])
    })

    it('the same session gives the same Set-Cookie bytes and the same stored record', async () => {
      const id = 'j2Zt1dW9dRnLQnYtKxBJ3bM0_fYw9-Hq'
      const variants = [
        { cookie: {} },
        { cookie: { maxAge: 3600000 } },
        { cookie: { domain: 'example.com', partitioned: true, priority: 'high', sameSite: 'strict', path: '/' } },
        { cookie: { secure: 'auto', sameSite: 'auto', maxAge: 1000 }, proxy: true }
      ]
      for (const v of variants) {
        const [s1, s2] = sharedStores()
        const o = { secret: SECRET, resave: false, saveUninitialized: true, genid: () => id, ...v }
        const h = (req, res) => { req.session.user = 'alice'; req.session.list = [1, 'é', { a: null }]; res.end() }
        const theirs = express().use(expressSession({ ...o, store: s1 })).use(h)
        const ours = express().use(session({ ...o, store: s2 })).use(h)
        const a = await request(theirs).get('/')
        const theirRecord = s1.sessions[id]
        delete s1.sessions[id]
        const b = await request(ours).get('/')
        const ourRecord = s2.sessions[id]
        // the times differ by when each ran; express-session also computes originalMaxAge from two
        // clock readings, so it can come out a millisecond short (999 for 1000): compare those apart
        const noTimes = (s) => s && s.replace(/Expires=[^;]+/, 'Expires=X').replace(/"expires":"[^"]+"/, '"expires":"X"')
          .replace(/"originalMaxAge":\d+/, '"originalMaxAge":N')
        assert.strictEqual(noTimes(setCookie(b)), noTimes(setCookie(a)), JSON.stringify(v))
        assert.strictEqual(noTimes(ourRecord), noTimes(theirRecord), JSON.stringify(v))
        const maxAge = (rec) => JSON.parse(rec).cookie.originalMaxAge
        if (v.cookie.maxAge) {
          assert.strictEqual(maxAge(ourRecord), v.cookie.maxAge)
          assert.ok(Math.abs(maxAge(theirRecord) - v.cookie.maxAge) <= 1)
        }
        assert.strictEqual(sidOf(cookiePair(b)), id)
      }
    })
  })
}
