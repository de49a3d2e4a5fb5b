'use strict'
// A store that goes down in the middle of a request: `await req.session.regenerate()` (or save,
// destroy) rejects within one store timeout, and that is the request's one error: the response then
// writes no session and sets no cookie, so it is not held for a second store call and no second
// error reaches Express's default handler after the response. Express 4 and 5 on
// session-core/redis with a real redis-server paused (CLIENT PAUSE), and session-core/web.
const { describe, it } = require('node:test')
const assert = require('node:assert')
const path = require('node:path')
const request = require('supertest')
const { session, EXPRESSES, cookiePair } = require('./helpers')
const { dir } = require('./pkg')
const { redisForFile } = require('./redis-clients')
const RedisStore = require(path.join(dir, 'redis'))

const SECRET = 'a store-down-mid-request secret, long enough'
const TIMEOUT = 400
const redis = redisForFile()

/** Pauses Redis for `ms` and resolves once the pause is on. */
const pause = (ms) => redis.server.cli('CLIENT', 'PAUSE', String(ms), 'ALL')

describe('a store down in the middle of a request: one failure, one error, within one timeout', () => {
  for (const [label, express] of EXPRESSES) {
    for (const method of ['regenerate', 'save', 'destroy']) {
      it(`${label}: req.session.${method}() with Redis paused`, async () => {
        const store = new RedisStore({ client: redis.client, operationTimeout: TIMEOUT, prefix: `down${Math.random().toString(36).slice(2)}:` })
        const a = express()
        const errors = []
        a.use(session({ secret: SECRET, store, resave: false, saveUninitialized: false }))
        a.post('/login', (req, res) => { req.session.user = 'alice'; res.send('in') })
        a.post('/act', (req, res, next) => {
          a.locals.reached()
          a.locals.gate.then(() => {
            req.session.n = 1
            req.session[method]((err) => {
              if (err) return next(err)
              res.send('done')
            })
          })
        })
        a.use((err, req, res, next) => {
          errors.push({ code: err.code, headersSent: res.headersSent })
          if (!res.headersSent) res.status(err.status || 500).send(err.code)
        })
        const cookie = cookiePair(await request(a).post('/login').expect(200))
        let go
        a.locals.gate = new Promise((resolve) => { go = resolve })
        const reached = new Promise((resolve) => { a.locals.reached = resolve })
        const t0 = Date.now()
        const pending = request(a).post('/act').set('Cookie', cookie).then((r) => r)
        await reached
        await pause(TIMEOUT * 5)
        go()
        const res = await pending
        const took = Date.now() - t0
        assert.strictEqual(res.status, 503)
        assert.strictEqual(res.text, 'ESESSIONSTORE_TIMEOUT')
        assert.strictEqual(res.headers['set-cookie'], undefined, 'no cookie for a session that was never written')
        assert.ok(took < TIMEOUT * 1.8, `answered in ${took} ms: one timeout (${TIMEOUT} ms), not two`)
        await new Promise((resolve) => setTimeout(resolve, TIMEOUT * 2))
        assert.deepStrictEqual(errors, [{ code: 'ESESSIONSTORE_TIMEOUT', headersSent: false }], 'one error, and none after the response')
        await new Promise((resolve) => setTimeout(resolve, TIMEOUT * 3)) // the pause ends
      })
    }
  }

  it('session-core/web: regenerate() with Redis paused, then apply(): no second store call, no cookie', async () => {
    const web = await import(path.join(dir, 'web', 'index.node.js'))
    const options = { secret: SECRET, store: new RedisStore({ client: redis.client, operationTimeout: TIMEOUT, prefix: 'downweb:' }), resave: false, saveUninitialized: false }
    const first = await web.getSession(new Request('http://localhost/', { method: 'POST' }), options)
    first.user = 'alice'
    const res1 = await first.apply(new Response('in'))
    const cookie = res1.headers.getSetCookie()[0].split(';')[0]
    const s = await web.getSession(new Request('http://localhost/', { method: 'POST', headers: { cookie } }), options)
    await pause(TIMEOUT * 5)
    const t0 = Date.now()
    await assert.rejects(s.regenerate(), (e) => e.code === 'ESESSIONSTORE_TIMEOUT')
    const res = await s.apply(new Response('error', { status: 503 }))
    assert.ok(Date.now() - t0 < TIMEOUT * 1.8, 'apply() made no second store call')
    assert.deepStrictEqual(res.headers.getSetCookie(), [])
    await new Promise((resolve) => setTimeout(resolve, TIMEOUT * 5))
  })
})
