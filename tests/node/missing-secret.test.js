'use strict'
// A middleware made without a secret (`secret: process.env.SESSION_SECRET` with the variable unset)
// says so: a warning at construction in every environment, once per process, naming cookie-parser's
// req.secret as the other source; each request that has no secret then fails through next(err)
// with a code and status, keeping express-session's wording. With req.secret it works as before.
const { describe, it } = require('node:test')
const assert = require('node:assert')
const request = require('supertest')
const { session, EXPRESSES, setCookie } = require('./helpers')

const SECRET = 'a missing-secret test secret, long enough'

describe('no secret option', () => {
  it('warns once at construction, in any NODE_ENV', async () => {
    const seen = []
    const on = (w) => seen.push(w)
    process.on('warning', on)
    try {
      assert.notStrictEqual(process.env.NODE_ENV, 'production')
      session({ secret: process.env.SESSION_CORE_NO_SUCH_VARIABLE, resave: false, saveUninitialized: false })
      session({ resave: false, saveUninitialized: false })
      await new Promise((resolve) => setImmediate(resolve))
    } finally {
      process.off('warning', on)
    }
    const mine = seen.filter((w) => w.code === 'SESSION_CORE_NO_SECRET')
    assert.strictEqual(mine.length, 1, 'once per process')
    assert.match(mine[0].message, /without a secret option/)
    assert.match(mine[0].message, /req\.secret from cookie-parser/)
  })

  for (const [label, express] of EXPRESSES) {
    it(`${label}: a request without any secret fails with a code, to the app's error handler`, async () => {
      const a = express().use(session({ resave: false, saveUninitialized: true })).use((req, res) => res.send('ok'))
        .use((err, req, res, next) => res.status(err.status).json({ message: err.message, code: err.code }))
      const r = await request(a).get('/').expect(500)
      assert.deepStrictEqual(r.body, { message: 'secret option required for sessions', code: 'ERR_SESSION_CORE_NO_SECRET' })
      // cookie-parser's req.secret is the other source
      const b = express().use((req, res, next) => { req.secret = SECRET; next() })
        .use(session({ resave: false, saveUninitialized: true })).use((req, res) => res.send('ok'))
      assert.ok(setCookie(await request(b).get('/').expect(200)))
    })
  }
})
