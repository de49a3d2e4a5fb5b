'use strict'
// Mistakes refused with a message that says which and why: an `origins` entry with a trailing slash
// (an Origin header never has one) names the entry and the slash; a `genid` that gives an id whose
// cookie no browser keeps (over 4096 bytes) fails the request with ERR_SESSION_CORE_INVALID_GENID
// instead of storing a session whose Set-Cookie is dropped.
const { describe, it } = require('node:test')
const assert = require('node:assert')
const path = require('node:path')
const request = require('supertest')
const { session, EXPRESSES } = require('./helpers')
const { dir } = require('./pkg')

const SECRET = 'a clear-refusals test secret, long enough'

describe('origins: which entry, and why', () => {
  it('session-core/express csrf(): a trailing slash is named as such, with the entry\'s index', () => {
    assert.throws(() => session.csrf({ origins: ['https://ok.example', 'https://example.com/'] }), (e) => {
      assert.strictEqual(e.code, 'ERR_SESSION_CORE_INVALID_ORIGINS')
      assert.match(e.message, /entry 1 ends with a slash/)
      assert.ok(!e.message.includes('got an array'))
      return true
    })
    for (const [entry, why] of [['example.com', /entry 0 does not start with https:\/\/ or http:\/\//], ['https://example.com/app', /entry 0 has a path/], [42, /entry 0 is not a string/], ['https://', /entry 0 has no host/]]) {
      assert.throws(() => session.csrf({ origins: [entry] }), (e) => why.test(e.message))
    }
    assert.doesNotThrow(() => session.csrf({ origins: ['https://example.com', 'http://localhost:3000'] }))
  })

  it('session-core/web: the same words', async () => {
    const web = await import(path.join(dir, 'web', 'index.node.js'))
    const s = await web.getSession(new Request('http://localhost/', { method: 'POST' }), { secret: SECRET, resave: false, saveUninitialized: false })
    await assert.rejects(s.verifyCsrf(new Request('http://localhost/', { method: 'POST' }), { origins: ['https://example.com/'] }), /entry 0 ends with a slash/)
  })
})

describe('genid: an id no cookie can carry', () => {
  const long = 'x'.repeat(65536)
  for (const [label, express] of EXPRESSES) {
    it(`${label}: the request fails with a code; nothing is stored`, async () => {
      const store = new session.MemoryStore()
      const a = express()
      a.use(session({ secret: SECRET, store, resave: false, saveUninitialized: true, genid: () => long }))
      a.get('/', (req, res) => res.send('ok'))
      a.use((err, req, res, next) => res.status(err.status || 500).json({ code: err.code, message: err.message }))
      const r = await request(a).get('/').expect(500)
      assert.strictEqual(r.body.code, 'ERR_SESSION_CORE_INVALID_GENID')
      assert.match(r.body.message, /cookie would be over 4096 bytes: browsers drop such a cookie/)
      assert.strictEqual(r.headers['set-cookie'], undefined)
      assert.strictEqual(await new Promise((resolve) => store.length((e, n) => resolve(n))), 0)
    })
  }
  it('session-core/web: getSession rejects with the code, nothing stored', async () => {
    const web = await import(path.join(dir, 'web', 'index.node.js'))
    const store = new web.MemoryStore()
    await assert.rejects(web.getSession(new Request('http://localhost/'), { secret: SECRET, store, resave: false, saveUninitialized: true, genid: () => long }), (e) => e.code === 'ERR_SESSION_CORE_INVALID_GENID')
    assert.strictEqual(store.size, 0)
  })
})
