'use strict'
// Aborted requests and throwing handlers leave nothing behind in wasm: the request flow keeps no
// per-request state there (the door holds it, handed back at each step), so thousands of requests
// that never finish (the client gone mid-request, a handler that throws, one that never answers,
// one that regenerates and never answers) leave the wasm memory the size it was, and the next
// request still reads its session. The server kind (session-core/express) and the client kind
// (session-core/cookie-session), on real Express apps over real sockets.
const { describe, it } = require('node:test')
const assert = require('node:assert')
const http = require('node:http')
const path = require('node:path')
const { dir } = require('./pkg')
const { session, EXPRESSES } = require('./helpers')

const native = require(path.join(dir, 'native'))
const cookieSession = require(path.join(dir, 'cookie-session'))
const SECRET = 'a secret of at least thirty-two characters, for all'

/** A request that the client drops `after` ms after sending it (or answered, when `after` is null). */
function send (port, urlPath, cookie, after) {
  return new Promise((resolve) => {
    const req = http.get({ port, host: '127.0.0.1', path: urlPath, headers: cookie ? { cookie } : {}, agent: false }, (res) => {
      let body = ''
      res.on('data', (d) => { body += d })
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body }))
      res.on('error', () => resolve(null))
    })
    req.on('error', () => resolve(null))
    if (after !== null) setTimeout(() => { req.destroy(); resolve(null) }, after)
  })
}

/** Every cookie a response set, as a Cookie header sends them back. */
const cookiesOf = (res) => (res.headers['set-cookie'] || []).map((c) => c.split(';')[0]).join('; ')

/** The routes: each sets the session, then fails to finish in its own way. */
function routes (app) {
  app.get('/ok', (req, res) => { req.session.n = (req.session.n || 0) + 1; res.send(String(req.session.n)) })
  app.get('/hang', (req, res) => { req.session.big = 'x'.repeat(2000) }) // never answers
  app.get('/throw', (req) => { req.session.t = Date.now(); throw new Error('boom') })
  app.get('/slow', (req, res) => { req.session.s = 1; setTimeout(() => res.send('late'), 30) }) // answers after the client left
  app.get('/regen', (req, res) => { if (req.session.regenerate) req.session.regenerate(() => {}); else req.session = { fresh: 1 } })
  app.use((err, req, res, next) => res.status(500).send(err.message)) // eslint-disable-line n/handle-callback-err
}

/** Runs `rounds` batches of unfinished requests, 40 at a time, every route, half with the cookie. */
async function unfinished (port, cookie, rounds) {
  for (let r = 0; r < rounds; r++) {
    const batch = []
    for (let i = 0; i < 8; i++) {
      const c = i % 2 ? cookie : undefined
      batch.push(send(port, '/hang', c, 15), send(port, '/throw', c, null), send(port, '/slow', c, 5), send(port, '/regen', c, 15), send(port, '/ok', c, 0))
    }
    await Promise.all(batch)
  }
}

async function check (express, mount, memoryOf, cookieName) {
  const app = express()
  app.use(mount())
  routes(app)
  const server = app.listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  const { port } = server.address()
  try {
    const first = await send(port, '/ok', null, null)
    const cookie = cookiesOf(first)
    assert.ok(cookie.startsWith(cookieName + '='), 'the first request gets its cookie')
    await unfinished(port, cookie, 25) // warm: the memory reaches the size the load needs
    const before = memoryOf().buffer.byteLength
    await unfinished(port, cookie, 100) // 4,000 requests that do not finish normally
    const after = memoryOf().buffer.byteLength
    assert.strictEqual(after, before, `wasm memory grew from ${before} to ${after} bytes over 4,000 unfinished requests`)
    // (the cookie above may be gone: /regen replaced its session) a new session is made and read back
    const fresh = await send(port, '/ok', null, null)
    const next = await send(port, '/ok', cookiesOf(fresh), null)
    assert.strictEqual(next.status, 200)
    assert.strictEqual(next.body, '2', 'a session is still made and read after them')
  } finally {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  }
}

for (const [label, express] of EXPRESSES) {
  describe(`${label}: unfinished requests leave nothing in wasm`, () => {
    it('session-core/express (the server kind, its MemoryStore)', async () => {
      await check(express, () => session({ secret: SECRET, resave: false, saveUninitialized: false }), () => native.lean().ioMemory(), 'connect.sid')
    })
    it('session-core/cookie-session (the client kind)', async () => {
      await check(express, () => cookieSession({ name: 'session', keys: [SECRET] }), () => native.client().ioMemory(), 'session')
    })
  })
}
