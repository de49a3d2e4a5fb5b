'use strict'
// session-core/cookie-session's `chunk` behind the common limits on one request header: nginx's and
// Apache's defaults (8 KB) and curl, which sends at most about 8 KB of cookies. By default the
// session's cookies (chunks and signature) take at most 6 KB of the Cookie header, so a real curl
// with a cookie jar keeps every session the middleware writes; `chunk: { maxBytes }` moves the
// limit. Sets written in three chunks under the old limit still read, and a set that lost its last
// chunks is reported as such (debug reason and the session-core:reject event), not as a bad signature.
const { describe, it } = require('node:test')
const assert = require('node:assert')
const path = require('node:path')
const fs = require('node:fs')
const os = require('node:os')
const crypto = require('node:crypto')
const dc = require('node:diagnostics_channel')
const { execFile } = require('node:child_process')
const request = require('supertest')
const Keygrip = require('keygrip')
const { EXPRESSES } = require('./helpers')
const { dir } = require('./pkg')
const testApi = require('./test-build')

const cookieSession = require(path.join(dir, 'cookie-session'))
const KEYS = ['key-new', 'key-old']
const DEFAULT_MAX = 6144

const setCookies = (res) => res.headers['set-cookie'] || []
/** Bytes the cookies a response sets (not removals) take in a Cookie header: `name=value; ` each. */
const headerBytes = (res) => setCookies(res).map((h) => h.split(';')[0]).filter((p) => p.slice(p.indexOf('=') + 1) !== '').reduce((n, p) => n + p.length + 2, 0)
/** Incompressible text of `n` characters, the same for the same seed. */
const noise = (n, seed) => crypto.createHash('sha512').update(String(seed)).digest('base64').repeat(Math.ceil(n / 88)).slice(0, n)
  .split('').map((c, i) => String.fromCharCode(97 + ((c.charCodeAt(0) * 31 + i * 7) % 26))).join('')

/** curl with a cookie jar file (its own cookie engine, as a user's curl): `{ status, body }`. */
function curl (jar, url) {
  return new Promise((resolve, reject) => {
    execFile('curl', ['-s', '-c', jar, '-b', jar, '-w', '\n%{http_code}', url], (err, out) => {
      if (err) return reject(err)
      const at = out.lastIndexOf('\n')
      let body = out.slice(0, at)
      try { body = JSON.parse(body) } catch {}
      resolve({ status: Number(out.slice(at + 1)), body })
    })
  })
}
const hasCurl = (() => { try { require('node:child_process').execFileSync('curl', ['--version'], { stdio: 'ignore' }); return true } catch { return false } })()

/** A fresh copy of the middleware with its debug lines on (DEBUG is read when the module loads). */
function debugCookieSession () {
  const file = require.resolve(path.join(dir, 'cookie-session'))
  const cached = require.cache[file]
  const saved = process.env.DEBUG
  delete require.cache[file]
  process.env.DEBUG = 'session-core:cookie-session'
  try {
    return require(file)
  } finally {
    if (saved === undefined) delete process.env.DEBUG
    else process.env.DEBUG = saved
    require.cache[file] = cached
  }
}

/** The debug lines and session-core:reject messages while `fn` runs. */
async function observed (fn) {
  const lines = []
  const rejects = []
  const onReject = (m) => rejects.push(m)
  dc.subscribe('session-core:reject', onReject)
  const write = process.stderr.write
  process.stderr.write = function (chunk, ...rest) {
    if (String(chunk).includes('session-core:cookie-session ')) {
      lines.push(String(chunk).trim())
      return true
    }
    return write.call(this, chunk, ...rest)
  }
  try {
    await fn()
  } finally {
    process.stderr.write = write
    dc.unsubscribe('session-core:reject', onReject)
  }
  return { lines, rejects }
}

/** A session as a set of three chunk cookies, cut as the old limit (3 × 4096 bytes) allowed. */
function threeChunks (value, name = 'session') {
  const per = 4096 - (name.length + 2)
  const parts = [value.slice(0, per), value.slice(per, 2 * per), value.slice(2 * per)]
  assert.ok(parts[2].length > 0 && parts[2].length <= per, `${value.length}`)
  return parts.map((p, k) => [`${name}.${k}`, p])
}
const signedSet = (data) => {
  const value = Buffer.from(JSON.stringify(data)).toString('base64')
  return [...threeChunks(value), ['session.sig', new Keygrip(KEYS).sign('session=' + value)]]
}
const sealedSet = (data) => threeChunks(testApi.sealWithNonce(KEYS[0], 'session', JSON.stringify({ c: null, s: null, e: null, d: data }), crypto.randomBytes(24)))
const header = (pairs) => pairs.map(([n, v]) => `${n}=${v}`).join('; ')

for (const [label, express] of EXPRESSES) {
  const app = (cs, opts) => express()
    .use(cs({ keys: KEYS, ...opts }))
    .get('/fill', (req, res) => { req.session.blob = noise(Number(req.query.n), req.query.n); res.json({ ok: true }) })
    .get('/read', (req, res) => res.json({ n: (req.session.blob || '').length, user: req.session.user || null }))
    .use((err, req, res, next) => res.status(err.status || 500).json({ code: err.code || null }))

  describe(`${label}: cookie-session chunk within the 8 KB header limits`, () => {
    for (const mode of [{}, { encrypt: true }]) {
      const kind = mode.encrypt ? 'sealed' : 'signed'

      it(`${kind}: by default the session's cookies take at most 6 KB of Cookie header; curl keeps every session written`, { skip: !hasCurl && 'curl is not installed' }, async () => {
        const a = app(cookieSession, { ...mode, chunk: true })
        const server = a.listen(0, '127.0.0.1')
        await new Promise((resolve) => server.once('listening', resolve))
        const base = `http://127.0.0.1:${server.address().port}`
        const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-chunk-'))
        let chunked = 0
        try {
          for (const n of [2000, 3500, 4300, 6000, 7500]) {
            // the sizes the middleware writes: each within the budget, or refused with the size error
            const r = await request(a).get('/fill?n=' + n)
            if (r.status === 200) {
              assert.ok(headerBytes(r) <= DEFAULT_MAX, `${n}: ${headerBytes(r)} bytes of Cookie header`)
              if (setCookies(r).some((h) => h.startsWith('session.1='))) chunked++
            } else {
              assert.deepStrictEqual([r.status, setCookies(r)], [500, []], `${n}`)
            }
            // the same through curl's own cookie jar: what was written arrives whole
            const jar = path.join(tmp, `jar-${n}`)
            const filled = await curl(jar, `${base}/fill?n=${n}`)
            const read = await curl(jar, `${base}/read`)
            assert.strictEqual(filled.status, r.status, `${n}`)
            if (filled.status === 200) assert.deepStrictEqual(read.body, { n, user: null }, `${n}: the session did not survive curl`)
          }
        } finally {
          server.close()
          fs.rmSync(tmp, { recursive: true, force: true })
        }
        assert.ok(chunked >= 1, 'some sessions still spread over two cookies')
      })

      it(`${kind}: a set written in three chunks (the old limit) still reads`, async () => {
        const data = { user: 'ann', blob: noise(8000, 'old') }
        const set = mode.encrypt ? sealedSet(data) : signedSet(data)
        const r = await request(app(cookieSession, { ...mode, chunk: true })).get('/read').set('Cookie', header(set)).expect(200)
        assert.deepStrictEqual(r.body, { n: 8000, user: 'ann' })
      })

      it(`${kind}: a set that lost its last chunk, or one between, is reported as incomplete (debug and session-core:reject)`, async () => {
        const data = { user: 'bea', blob: noise(8000, 'cut') }
        const set = mode.encrypt ? sealedSet(data) : signedSet(data)
        const a = app(debugCookieSession(), { ...mode, chunk: true })
        const lastLost = set.filter(([n]) => n !== 'session.2')
        const middleLost = set.filter(([n]) => n !== 'session.1')
        const { lines, rejects } = await observed(async () => {
          await request(a).get('/read').set('Cookie', header(lastLost)).expect(200, { n: 0, user: null })
          await request(a).get('/read').set('Cookie', header(middleLost)).expect(200, { n: 0, user: null })
        })
        assert.deepStrictEqual(lines.filter((l) => l.includes('new session')).map((l) => l.replace(/^.*session-core:cookie-session /, '')),
          ['new session (incomplete chunks)', 'new session (incomplete chunks)'], lines.join('\n'))
        assert.deepStrictEqual(rejects, [{ reason: 'incomplete-chunks' }, { reason: 'incomplete-chunks' }])
        // a whole set with a forged chunk is still a bad signature (or seal)
        const forged = set.map(([n, v]) => [n, n === 'session.1' ? v.slice(0, -4) + 'AAAA' : v])
        const again = await observed(() => request(a).get('/read').set('Cookie', header(forged)).expect(200, { n: 0, user: null }))
        assert.deepStrictEqual(again.rejects, [{ reason: mode.encrypt ? 'bad-seal' : 'bad-signature' }])
      })

      it(`${kind}: chunk: { maxBytes } lets the session's cookies take more, up to 16 KB`, async () => {
        const a = app(cookieSession, { ...mode, chunk: { maxBytes: 12288 } })
        const r = await request(a).get('/fill?n=7000').expect(200)
        assert.ok(headerBytes(r) > 8192 && headerBytes(r) <= 12288, `${headerBytes(r)}`)
        const jar = setCookies(r).map((h) => h.split(';')[0]).join('; ')
        assert.deepStrictEqual((await request(a).get('/read').set('Cookie', jar)).body, { n: 7000, user: null })
        // the default refuses the same session, naming the limit
        let seen = null
        const d = express().use(cookieSession({ keys: KEYS, ...mode, chunk: true, onError: (err) => { seen = err } }))
          .get('/fill', (req, res) => { req.session.blob = noise(7000, 'x'); res.end() })
        await request(d).get('/fill')
        assert.strictEqual(seen.code, 'ERR_SESSION_COOKIE_TOO_LARGE')
        assert.ok(seen.size > DEFAULT_MAX && seen.limit === DEFAULT_MAX, `${seen.size} ${seen.limit}`)
        assert.match(seen.message, /within 6144 bytes of Cookie header/)
      })
    }

    it('chunk.maxBytes is checked: a number of bytes from 4096 to 16384', () => {
      for (const bad of [100, 20000, '8k', 4096.5, -1]) {
        assert.throws(() => cookieSession({ keys: KEYS, chunk: { maxBytes: bad } }), (e) => e instanceof TypeError && e.field === 'chunk.maxBytes', String(bad))
      }
      assert.throws(() => cookieSession({ keys: KEYS, chunk: { maxbytes: 8000 } }), /did you mean chunk\.maxBytes/)
      cookieSession({ keys: KEYS, chunk: { maxBytes: 4096 } })
      cookieSession({ keys: KEYS, chunk: { maxBytes: 16384 } })
      cookieSession({ keys: KEYS, chunk: {} })
    })
  })
}
