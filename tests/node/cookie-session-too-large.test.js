'use strict'
// session-core/cookie-session: a session too large for its cookie (over 4096 bytes; with chunk,
// over chunk.maxBytes of Cookie header) goes to the app's error handler, next(err) with its code and
// status, as every other error does: on real Express 4 and 5 apps with an error handler, for the
// ways a route answers (json, send, redirect, a streamed body written at once or over time). The
// session cookie is never sent and the app's own body never goes out; what the client sees is the
// error handler's. `onError`, when given, still decides instead.
const { describe, it } = require('node:test')
const assert = require('node:assert')
const path = require('node:path')
const request = require('supertest')
const { EXPRESSES } = require('./helpers')
const { dir } = require('./pkg')

const cookieSession = require(path.join(dir, 'cookie-session'))

const setCookies = (res) => res.headers['set-cookie'] || []
const blob = (n) => Array.from({ length: n }, (_, i) => String.fromCharCode(97 + ((i * 7919) % 26))).join('')

/** What console.error printed while `fn` ran. */
async function errorOutput (fn) {
  const lines = []
  const error = console.error
  console.error = (...args) => lines.push(args.join(' '))
  try {
    await fn()
  } finally {
    console.error = error
  }
  return lines
}

for (const [label, express] of EXPRESSES) {
  describe(`${label}: a client session too large for its cookie goes to next(err)`, () => {
    const routes = (a, seen) => a
      .get('/json', (req, res) => { req.session.blob = blob(Number(req.query.size)); res.json({ stored: true }) })
      .get('/send', (req, res) => { req.session.blob = blob(Number(req.query.size)); res.send('stored') })
      .get('/redirect', (req, res) => { req.session.blob = blob(Number(req.query.size)); res.redirect('/next') })
      .get('/stream', (req, res) => { req.session.blob = blob(Number(req.query.size)); res.write('part one, '); res.end('part two') })
      .get('/later', (req, res) => {
        req.session.blob = blob(Number(req.query.size))
        res.write('part one, ')
        setTimeout(() => { res.write('part two, '); res.end('part three') }, 30)
      })
      .use((err, req, res, next) => {
        seen.push(err)
        res.status(err.code === 'ERR_SESSION_COOKIE_TOO_LARGE' ? 413 : 500).json({ code: err.code, status: err.status })
      })

    for (const [kind, opts, size] of [['one cookie', {}, 4000], ['chunk', { chunk: true }, 6000], ['sealed, chunk', { encrypt: true, chunk: true }, 6000]]) {
      for (const route of ['/json', '/send', '/redirect', '/stream', '/later']) {
        it(`${kind}, ${route}: the app's error handler answers; no session cookie, none of the route's body`, async () => {
          const seen = []
          const app = routes(express().use(cookieSession({ keys: ['k'], ...opts })), seen)
          let r
          const printed = await errorOutput(async () => { r = await request(app).get(`${route}?size=${size}`) })
          assert.strictEqual(r.status, 413, r.text)
          assert.deepStrictEqual(r.body, { code: 'ERR_SESSION_COOKIE_TOO_LARGE', status: 500 })
          assert.deepStrictEqual(setCookies(r).filter((c) => c.startsWith('session')), [])
          assert.ok(!/part|stored|Redirecting/.test(r.text), r.text)
          assert.strictEqual(seen.length, 1)
          assert.ok(seen[0].size > seen[0].limit, `${seen[0].size} ${seen[0].limit}`)
          assert.match(seen[0].message, new RegExp(String(seen[0].size)))
          assert.deepStrictEqual(printed, [], 'the middleware prints nothing itself: the error handler decides')
          // a session that fits: the route answers, the handler is not called
          const ok = await request(app).get(`${route}?size=100`)
          assert.ok(ok.status === 200 || ok.status === 302, `${ok.status}`)
          assert.ok(setCookies(ok).some((c) => c.startsWith('session')))
          assert.strictEqual(seen.length, 1)
        })
      }
    }

    it('without an error handler of the app: Express\'s own answers 500, and the cookie is not sent', async () => {
      const app = express().use(cookieSession({ keys: ['k'] })).get('/', (req, res) => { req.session.blob = blob(4000); res.send('stored') })
      let r
      await errorOutput(async () => { r = await request(app).get('/') })
      assert.strictEqual(r.status, 500)
      assert.deepStrictEqual(setCookies(r), [])
      assert.ok(!r.text.includes('stored'))
    })

    it('onError, when given, decides instead (as documented); next(err) is not called', async () => {
      const seen = []
      let given = null
      const app = routes(express().use(cookieSession({ keys: ['k'], onError: (err, req, res) => { given = err; res.statusCode = 507 } })), seen)
      const r = await request(app).get('/send?size=4000')
      assert.deepStrictEqual([r.status, r.text, setCookies(r)], [507, 'stored', []])
      assert.strictEqual(given.code, 'ERR_SESSION_COOKIE_TOO_LARGE')
      assert.deepStrictEqual(seen, [])
    })
  })
}
