'use strict'
// Hostile requests, end to end: real Express 4 and 5 apps with both session kinds (and
// cookie-parser), on a server that lets 1 MiB of headers through, so big headers reach the library.
// Whatever the client sends ends in a fresh session (cookie-parser: the cookie left as text), never
// an error; whatever the store does ends in next(err) with a code, bounded by storeTimeout, and the
// next request works. Never a crash, a hang, an unhandled rejection, a polluted prototype, a second
// response or a request left open.
const { describe, it, before, after } = require('node:test')
const assert = require('node:assert')
const http = require('node:http')
const net = require('node:net')
const crypto = require('node:crypto')
const path = require('node:path')
const { dir } = require('./pkg')
const { session, EXPRESSES } = require('./helpers')
const cookieSession = require(path.join(dir, 'cookie-session'))
const cookieParser = require(path.join(dir, 'cookie-parser'))

const SECRET = 'a hostile-suite secret of some length'
const BOUND_MS = 5000 // generous: every request here should answer in milliseconds

const problems = []
const onProblem = (kind) => (e) => problems.push(`${kind}: ${e && e.stack ? e.stack : e}`)
const uncaught = onProblem('uncaught exception')
const unhandled = onProblem('unhandled rejection')
before(() => {
  process.on('uncaughtException', uncaught)
  process.on('unhandledRejection', unhandled)
})
after(() => {
  process.off('uncaughtException', uncaught)
  process.off('unhandledRejection', unhandled)
  assert.deepStrictEqual(problems, [])
  assert.strictEqual(({}).polluted, undefined, 'Object.prototype stays clean')
  assert.strictEqual(Object.prototype.polluted, undefined)
})

/** Starts `app` on a loopback port that reads up to 1 MiB of headers. */
function listen (app) {
  return new Promise((resolve) => {
    const server = http.createServer({ maxHeaderSize: 1 << 20 }, app).listen(0, '127.0.0.1', () => resolve(server))
  })
}

/**
 * One GET over a raw socket (so any bytes can go in the Cookie header): resolves with the status,
 * the Set-Cookie headers, the body and how many responses came (must be one).
 */
function rawGet (server, cookieBytes, pathname = '/') {
  return new Promise((resolve, reject) => {
    const { port } = server.address()
    const sock = net.connect(port, '127.0.0.1')
    const chunks = []
    const timer = setTimeout(() => { sock.destroy(); reject(new Error(`no answer within ${BOUND_MS} ms`)) }, BOUND_MS)
    sock.on('data', (d) => chunks.push(d))
    sock.on('error', () => {})
    sock.on('close', () => {
      clearTimeout(timer)
      const text = Buffer.concat(chunks).toString('latin1')
      const [head, ...rest] = text.split('\r\n\r\n')
      const lines = head.split('\r\n')
      const status = Number((lines[0] || '').split(' ')[1])
      const setCookies = lines.filter((l) => /^set-cookie:/i.test(l)).map((l) => l.slice(l.indexOf(':') + 1).trim())
      const responses = (text.match(/(^|\r\n)HTTP\/1\.1 \d{3}/g) || []).length
      resolve({ status, setCookies, body: rest.join('\r\n\r\n'), responses })
    })
    const cookie = cookieBytes === null ? Buffer.alloc(0) : Buffer.concat([Buffer.from('Cookie: '), Buffer.from(cookieBytes, 'latin1'), Buffer.from('\r\n')])
    sock.write(Buffer.concat([Buffer.from(`GET ${pathname} HTTP/1.1\r\nHost: x\r\n`), cookie, Buffer.from('Connection: close\r\n\r\n')]))
  })
}

/** The app every kind shares: counts per session; errors answered with their status and code. */
function appFor (express, middleware) {
  const app = express()
  app.use(middleware)
  app.get('/', (req, res) => {
    req.session.n = (req.session.n || 0) + 1
    res.json({ n: req.session.n })
  })
  app.get('/cookies', (req, res) => res.json({ cookies: req.cookies, signed: req.signedCookies, proto: Object.getPrototypeOf(req.cookies) === Object.prototype }))
  app.use((err, req, res, next) => res.status(err.status || 500).json({ code: err.code || null }))
  return app
}

const n = (r) => { try { return JSON.parse(r.body).n } catch (e) { return undefined } }
const pairs = (r) => r.setCookies.map((c) => c.split(';')[0]).join('; ')

/** One single-character change at each position of `text` (skipping the name before `=`s). */
function * tamperings (text) {
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '=' || text[i] === ';' || text[i] === ' ') continue
    const c = text[i] === 'A' ? 'B' : 'A'
    yield text.slice(0, i) + c + text.slice(i + 1)
  }
}
/** Does `a` name the same cookie values as `b` once percent-decoded (e.g. %3A vs %3a)? */
function sameDecoded (a, b) {
  const dec = (s) => s.split('; ').map((p) => { try { return decodeURIComponent(p) } catch (e) { return p } }).join('; ')
  return dec(a) === dec(b)
}

const KINDS = {
  'session-core/express': () => session({ secret: SECRET, resave: false, saveUninitialized: false }),
  'session-core/cookie-session signed': () => cookieSession({ name: 'session', keys: [SECRET] }),
  'session-core/cookie-session encrypted': () => cookieSession({ name: 'session', keys: [SECRET], encrypt: true })
}

for (const [label, express] of EXPRESSES) {
  for (const [kind, make] of Object.entries(KINDS)) {
    describe(`${label}, ${kind}: what the client sends`, () => {
      let server
      let good
      before(async () => {
        server = await listen(appFor(express, make()))
        const first = await rawGet(server, null)
        assert.strictEqual(n(first), 1)
        good = pairs(first)
        assert.ok(good, 'a session cookie was set')
        assert.strictEqual(n(await rawGet(server, good)), 2, 'the real cookie reads back')
      })
      after(() => server.close())

      it('every single-character tampering of the real cookie gives a fresh session (or the same one, when it decodes the same)', async () => {
        let tried = 0
        for (const bad of tamperings(good)) {
          const r = await rawGet(server, bad)
          assert.strictEqual(r.responses, 1)
          if (r.status === 400) continue // refused by Node's parser before the app
          assert.strictEqual(r.status, 200, bad)
          const want = sameDecoded(bad, good) ? [2, 3, 4] : [1]
          assert.ok(want.includes(n(r)) || n(r) === 1, `${bad}: n=${n(r)}`)
          if (!sameDecoded(bad, good)) assert.strictEqual(n(r), 1, `tampered ${bad} was accepted`)
          tried++
        }
        assert.ok(tried > 20)
      })

      it('forged, foreign, duplicated, oversized and malformed cookies: a fresh session, never an error', async () => {
        const forgedSig = crypto.createHmac('sha256', 'another secret').update('AAAA').digest('base64').replace(/=+$/, '')
        const cases = [
          `connect.sid=s%3AAAAA.${encodeURIComponent(forgedSig)}`,
          'connect.sid=s%3A; session=; session.sig=',
          'session=eyJuIjo5OX0=; session.sig=AAAAAAAAAAAAAAAAAAAAAAAAAAA',
          'session=sc1.AAAA.BBBB',
          'session=' + Buffer.from('{"__proto__":{"polluted":1},"n":5}').toString('base64'),
          'a=' + 'x'.repeat(200000),
          Array.from({ length: 5000 }, (_, i) => `c${i}=${i}`).join('; '),
          ';;;==;=; =',
          'connect.sid="s%3A',
          'connect.sid=%E0%A4%A; session=%ZZ',
          'connect.sid=\u00ff\u00fe; session=\u00e9',
          'connect.sid=\t s%3A \t',
          '__proto__=1; constructor=2; prototype=3'
        ]
        for (const c of cases) {
          const r = await rawGet(server, c)
          assert.strictEqual(r.responses, 1)
          if (r.status === 400 || r.status === 431) continue // refused by Node before the app
          assert.strictEqual(r.status, 200, `${c.slice(0, 80)}: status ${r.status} ${r.body.slice(0, 200)}`)
          assert.strictEqual(n(r), 1, `${c.slice(0, 80)}: a fresh session`)
        }
        // the first of two same-named cookies wins, as in express-session and cookie-session
        const bad = good.replace(/(=.)/, '$1x')
        assert.strictEqual(n(await rawGet(server, `${good}; ${bad}`)) > 1, true)
      })
    })
  }

  describe(`${label}: cookie-parser with hostile cookies`, () => {
    let server
    before(async () => { server = await listen(appFor(express, cookieParser(SECRET))) })
    after(() => server.close())

    it('prototype-pollution payloads in j: cookies stay data; bad ones stay text', async () => {
      const cases = [
        'x=' + encodeURIComponent('j:{"__proto__":{"polluted":1}}'),
        'x=' + encodeURIComponent('j:{"constructor":{"prototype":{"polluted":1}}}'),
        'x=' + encodeURIComponent('j:' + '['.repeat(100000)),
        'x=' + encodeURIComponent('j:' + '['.repeat(5000) + ']'.repeat(5000)),
        'x=j%3A%7B; y=s%3Aa.b; __proto__=j%3A%7B%7D'
      ]
      for (const c of cases) {
        const r = await rawGet(server, c, '/cookies')
        assert.strictEqual(r.status, 200, c.slice(0, 60))
        const body = JSON.parse(r.body)
        assert.strictEqual(body.proto, true)
        assert.strictEqual(({}).polluted, undefined)
      }
    })
  })

  describe(`${label}: what the store does`, () => {
    // a store whose behaviour each test picks; records are JSON text, as a real store keeps them
    const records = new Map()
    let mode = 'ok'
    let poison = null
    const store = new session.Store()
    store.get = (sid, cb) => {
      if (mode === 'throw') throw new Error('store is down')
      if (mode === 'twice') { cb(null, null); cb(new Error('second callback')); return }
      if (mode === 'reject') return Promise.reject(new Error('rejected'))
      if (mode === 'never') return
      if (mode === 'poison') return setImmediate(cb, null, poison)
      const t = records.get(sid)
      setImmediate(cb, null, t ? JSON.parse(t) : null)
    }
    store.set = (sid, sess, cb) => { records.set(sid, JSON.stringify(sess)); setImmediate(cb) }
    store.destroy = (sid, cb) => { records.delete(sid); setImmediate(cb) }
    let server
    let good
    before(async () => {
      server = await listen(appFor(express, session({ secret: SECRET, store, resave: false, saveUninitialized: false, storeTimeout: 300 })))
      good = pairs(await rawGet(server, null))
      assert.ok(good)
    })
    after(() => server.close())

    const expectError = async (m, codes) => {
      mode = m
      const t0 = Date.now()
      const r = await rawGet(server, good)
      const took = Date.now() - t0
      mode = 'ok'
      assert.strictEqual(r.responses, 1, `${m}: one response`)
      assert.ok(r.status >= 500, `${m}: status ${r.status}`)
      assert.ok(codes.includes(JSON.parse(r.body).code), `${m}: code ${r.body}`)
      assert.ok(took < 300 + 1500, `${m}: answered in ${took} ms`)
      assert.strictEqual(n(await rawGet(server, good)) > 1, true, `${m}: the next request works`)
    }

    it('a store that throws, rejects or calls back twice: next(err) with a code, one response', async () => {
      await expectError('throw', ['ESESSIONSTORE_UNAVAILABLE'])
      await expectError('reject', ['ESESSIONSTORE_UNAVAILABLE'])
      mode = 'twice'
      const r = await rawGet(server, good)
      mode = 'ok'
      assert.strictEqual(r.responses, 1)
      assert.strictEqual(r.status, 200)
    })

    it('a store that never answers: 503 ESESSIONSTORE_TIMEOUT within storeTimeout', async () => {
      await expectError('never', ['ESESSIONSTORE_TIMEOUT'])
    })

    it('poisoned records: odd cookie objects, 10,000-deep data, __proto__ keys: next(err) or a fresh session, never a crash', async () => {
      const deep = JSON.parse('{"cookie":{"originalMaxAge":null,"expires":null,"path":"/"},"d":' + '['.repeat(10000) + ']'.repeat(10000) + '}')
      const cases = [
        { cookie: 'x' },
        { cookie: null },
        { cookie: [] },
        { cookie: { expires: 'garbage', originalMaxAge: 'x', path: 5 } },
        { cookie: { expires: { toString: 1 } } },
        {},
        'a string',
        42,
        deep,
        JSON.parse('{"__proto__":{"polluted":1},"cookie":{"path":"/"},"constructor":{"prototype":{"polluted":1}}}')
      ]
      for (const [i, p] of cases.entries()) {
        poison = p
        mode = 'poison'
        const r = await rawGet(server, good)
        mode = 'ok'
        assert.strictEqual(r.responses, 1)
        if (r.status !== 200) {
          let code
          try { code = JSON.parse(r.body).code } catch (e) { code = r.body.slice(0, 300) }
          assert.ok(['ERR_SESSION_CORE_BAD_RECORD', 'ESESSIONSTORE_RECORD'].includes(code), `poison ${i}: ${r.status} ${code}`)
        }
        assert.strictEqual(({}).polluted, undefined)
        assert.ok(n(await rawGet(server, good)) >= 1, 'the next request works')
      }
    })
  })
}
