'use strict'
// session-core/cookie-session on real Express 4 and 5: cross-checks with the real cookie-session in
// both directions, rotation, the fixes, the encrypted mode (tampering, keys, names, timeouts) and the
// 4096-byte budget.
const { describe, it } = require('node:test')
const assert = require('node:assert')
const path = require('node:path')
const request = require('supertest')
const realCookieSession = require('cookie-session')
const { EXPRESSES, sleep } = require('./helpers')
const { dir } = require('./pkg')

const cookieSession = require(path.join(dir, 'cookie-session'))

/** The `name=value` pairs of a response's Set-Cookie headers, as a Cookie header. */
const jar = (res) => (res.headers['set-cookie'] || []).map((c) => c.split(';')[0]).join('; ')
const setCookies = (res) => res.headers['set-cookie'] || []
const valueOf = (res, name) => {
  const c = setCookies(res).find((h) => h.startsWith(name + '='))
  return c && c.split(';')[0].slice(name.length + 1)
}

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

/** The debug lines printed while `fn` runs. */
async function debugLines (fn) {
  const lines = []
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
  }
  return lines
}

for (const [label, express] of EXPRESSES) {
  describe(`${label}: cookie-session drop-in`, () => {
    const handler = (req, res) => {
      if (req.query.set) req.session.user = req.query.set
      if (req.query.clear) req.session = null
      req.session.n = (req.session.n || 0) + 1
      res.json({ user: req.session.user || null, n: req.session.n })
    }
    const appWith = (mw) => express().use(mw).use(handler)

    for (const keys of [['a'], ['key-new', 'key-old'], ['🔑 unicode', 'x'.repeat(64), 'third']]) {
      for (const algorithm of ['sha1', 'sha256']) {
        it(`cookies pass both ways with cookie-session (keys ${JSON.stringify(keys).slice(0, 30)}, ${algorithm})`, async () => {
          const Keygrip = require('keygrip')
          const theirs = appWith(realCookieSession({ keys: algorithm === 'sha1' ? keys : new Keygrip(keys, 'sha256'), maxAge: 60000, sameSite: 'lax' }))
          const ours = appWith(cookieSession({ keys, algorithm, maxAge: 60000, sameSite: 'lax' }))
          const r1 = await request(theirs).get('/?set=alice')
          const r2 = await request(ours).get('/').set('Cookie', jar(r1)).expect(200)
          assert.deepStrictEqual(r2.body, { user: 'alice', n: 2 })
          const r3 = await request(theirs).get('/').set('Cookie', jar(r2)).expect(200)
          assert.deepStrictEqual(r3.body, { user: 'alice', n: 3 })
          // byte for byte: the same session gives the same cookies
          const a = await request(theirs).get('/?set=bob')
          const b = await request(ours).get('/?set=bob')
          const noExpiry = (list) => list.map((c) => c.replace(/expires=[^;]+/, 'expires=X'))
          assert.deepStrictEqual(noExpiry(setCookies(b)), noExpiry(setCookies(a)))
        })
      }
    }

    it('secret option, signed: false, name, req.sessionOptions per request', async () => {
      const app = express()
        .use(cookieSession({ name: 'my.session', secret: 's' }))
        .use((req, res) => {
          req.sessionOptions.maxAge = 1000
          req.sessionOptions.domain = 'example.com'
          req.session.x = 1
          res.json({ isNew: req.session.isNew, isPopulated: req.session.isPopulated, isChanged: req.session.isChanged })
        })
      const r = await request(app).get('/').expect(200, { isNew: true, isPopulated: true, isChanged: true })
      assert.match(setCookies(r)[0], /^my\.session=eyJ4IjoxfQ==; path=\/; expires=.+; domain=example\.com; httponly$/)
      assert.match(setCookies(r)[1], /^my\.session\.sig=/)
      const unsigned = express().use(cookieSession({ signed: false })).use(handler)
      const u = await request(unsigned).get('/?set=z')
      assert.strictEqual(setCookies(u).length, 1)
      await request(unsigned).get('/').set('Cookie', jar(u)).expect(200, { user: 'z', n: 2 })
    })

    it('isNew, isChanged, isPopulated as cookie-session reports them', async () => {
      const flags = (mw) => express().use(mw).use((req, res) => {
        const before = [req.session.isNew, req.session.isChanged, req.session.isPopulated]
        if (req.query.v) req.session.v = req.query.v
        res.json([...before, req.session.isChanged, req.session.isPopulated])
      })
      for (const encrypt of [false, true]) {
        const ours = flags(cookieSession({ keys: ['k'], encrypt }))
        const first = await request(ours).get('/?v=1')
        const theirs = flags(realCookieSession({ keys: ['k'] }))
        const theirFirst = await request(theirs).get('/?v=1')
        assert.deepStrictEqual(first.body, theirFirst.body, `new session (encrypt ${encrypt})`)
        for (const q of ['', '?v=1', '?v=2']) {
          const a = await request(ours).get('/' + q).set('Cookie', jar(first))
          const b = await request(theirs).get('/' + q).set('Cookie', jar(theirFirst))
          assert.deepStrictEqual(a.body, b.body, `loaded session, query ${JSON.stringify(q)} (encrypt ${encrypt})`)
        }
      }
    })

    it('req.session = null expires the cookie and its signature', async () => {
      const app = appWith(cookieSession({ keys: ['k'] }))
      const r = await request(app).get('/?set=a')
      const r2 = await request(app).get('/?clear=1').set('Cookie', jar(r))
      assert.ok(setCookies(r2).some((c) => /^session=; path=\/; expires=Thu, 01 Jan 1970 00:00:00 GMT/.test(c)))
    })

    it('rotation: a cookie signed with an older key is re-signed with the first, keeping every attribute', async () => {
      const old = appWith(cookieSession({ keys: ['old'], maxAge: 60000, sameSite: 'strict', domain: 'example.com' }))
      const r = await request(old).get('/?set=alice')
      const rotated = express().use(cookieSession({ keys: ['new', 'old'], maxAge: 60000, sameSite: 'strict', domain: 'example.com' }))
        .use((req, res) => res.json({ user: req.session.user }))
      const r2 = await request(rotated).get('/').set('Cookie', jar(r)).expect(200, { user: 'alice' })
      const sig = setCookies(r2).find((c) => c.startsWith('session.sig='))
      assert.ok(sig, 're-signed')
      assert.match(sig, /; expires=.+; domain=example\.com; samesite=strict; httponly$/)
      const onlyNew = express().use(cookieSession({ keys: ['new'] })).use((req, res) => res.json({ user: req.session.user }))
      await request(onlyNew).get('/').set('Cookie', jar(r2)).expect(200, { user: 'alice' })
    })

    it('a Keygrip instance is refused with a clear error', () => {
      const Keygrip = require('keygrip')
      assert.throws(() => cookieSession({ keys: new Keygrip(['a']) }), /Keygrip instance hides its keys/)
    })

    it('secure: true over http sets no cookie, and says so once per process', async () => {
      const warnings = []
      const warn = console.warn
      console.warn = (m) => warnings.push(m)
      try {
        const app = appWith(cookieSession({ keys: ['k'], secure: true }))
        const r = await request(app).get('/?set=a').expect(200)
        await request(app).get('/?set=a').expect(200)
        assert.strictEqual(setCookies(r).length, 0)
      } finally {
        console.warn = warn
      }
      assert.ok(warnings.length <= 1 && (warnings.length === 0 || /not https/.test(warnings[0])))
    })

    describe('bad input gives an empty new session', () => {
      const app = express().use(cookieSession({ keys: ['k'] })).use((req, res) => res.json({ ...req.session, isNew: req.session.isNew }))
      for (const [what, cookie] of [
        ['bad signature', 'session=eyJhIjoxfQ==; session.sig=nope'],
        ['no signature', 'session=eyJhIjoxfQ=='],
        ['garbage body', 'session=%%%; session.sig=x'],
        ['oversized', 'session=' + 'e'.repeat(5000)]
      ]) {
        it(what, async () => {
          await request(app).get('/').set('Cookie', cookie).expect(200, { isNew: true })
        })
      }
    })

    describe('encrypted mode', () => {
      const sealedApp = (opts) => express().use(cookieSession({ keys: ['seal key 1'], encrypt: true, maxAge: 60000, ...opts })).use(handler)

      it('round-trips a session the browser cannot read', async () => {
        const app = sealedApp()
        const r = await request(app).get('/?set=alice')
        const value = valueOf(r, 'session')
        assert.match(value, /^sc1\.[A-Za-z0-9_-]{8}\.[A-Za-z0-9_-]+$/)
        assert.ok(!Buffer.from(value.split('.')[2], 'base64url').toString().includes('alice'))
        assert.strictEqual(setCookies(r).length, 1, 'no .sig cookie: the seal authenticates')
        await request(app).get('/').set('Cookie', jar(r)).expect(200, { user: 'alice', n: 2 })
      })

      it('rejects every single-byte change of the sealed value', async () => {
        const app = express().use(cookieSession({ keys: ['k'], encrypt: true })).use((req, res) => res.json({ isNew: req.session.isNew, user: req.session.user || null }))
        const r = await request(sealedApp({ keys: ['k'] })).get('/?set=alice')
        const value = valueOf(r, 'session')
        await request(app).get('/').set('Cookie', 'session=' + value).expect(200, { isNew: false, user: 'alice' })
        const ALPH = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.'
        for (let i = 0; i < value.length; i++) {
          const c = value[i]
          const flipped = value.slice(0, i) + ALPH[(ALPH.indexOf(c) + 1) % ALPH.length] + value.slice(i + 1)
          const res = await request(app).get('/').set('Cookie', 'session=' + flipped)
          assert.deepStrictEqual(res.body, { isNew: true, user: null }, `byte ${i}`)
        }
      })

      it('wrong key, wrong cookie name and truncation are rejected', async () => {
        const r = await request(sealedApp()).get('/?set=alice')
        const value = valueOf(r, 'session')
        const check = (opts, cookie) => request(express().use(cookieSession({ encrypt: true, ...opts })).use((req, res) => res.json({ isNew: req.session.isNew }))).get('/').set('Cookie', cookie)
        assert.deepStrictEqual((await check({ keys: ['other key'] }, 'session=' + value)).body, { isNew: true })
        assert.deepStrictEqual((await check({ keys: ['seal key 1'], name: 'other' }, 'other=' + value)).body, { isNew: true })
        assert.deepStrictEqual((await check({ keys: ['seal key 1'] }, 'session=' + value.slice(0, 30))).body, { isNew: true })
      })

      it('key rotation: an old-key cookie opens and is re-sealed under the new key', async () => {
        const r = await request(sealedApp({ keys: ['old key'] })).get('/?set=alice')
        const rotated = express().use(cookieSession({ keys: ['new key', 'old key'], encrypt: true })).use((req, res) => res.json({ user: req.session.user }))
        const r2 = await request(rotated).get('/').set('Cookie', jar(r)).expect(200, { user: 'alice' })
        assert.notStrictEqual(valueOf(r2, 'session').split('.')[1], valueOf(r, 'session').split('.')[1], 'new key id')
        const onlyNew = express().use(cookieSession({ keys: ['new key'], encrypt: true })).use((req, res) => res.json({ user: req.session.user }))
        await request(onlyNew).get('/').set('Cookie', jar(r2)).expect(200, { user: 'alice' })
      })

      it('idle and absolute timeouts travel inside the seal', async () => {
        const idle = sealedApp({ idleTimeout: 500, touchAfter: 20 })
        const r = await request(idle).get('/?set=a').expect(200, { user: 'a', n: 1 })
        await sleep(100)
        const r2 = await request(idle).get('/').set('Cookie', jar(r)).expect(200, { user: 'a', n: 2 })
        await sleep(700)
        await request(idle).get('/').set('Cookie', jar(r2)).expect(200, { user: null, n: 1 })
        const absolute = sealedApp({ absoluteTimeout: 300, idleTimeout: 10000 })
        const a = await request(absolute).get('/?set=a')
        await sleep(400)
        await request(absolute).get('/').set('Cookie', jar(a)).expect(200, { user: null, n: 1 })
      })

      it('timeouts without encrypt are refused', () => {
        assert.throws(() => cookieSession({ keys: ['k'], idleTimeout: 1000 }), /encrypt/)
      })
    })

    describe('moving to encrypted cookies (migrateSigned)', () => {
      const keys = ['key-new', 'key-old']
      const cookieOpts = { maxAge: 60000, sameSite: 'lax', domain: 'example.com' }
      const signedByTheRealOne = async (opts = { keys }) => {
        const r = await request(appWith(realCookieSession({ ...opts, ...cookieOpts }))).get('/?set=alice').expect(200, { user: 'alice', n: 1 })
        assert.ok(valueOf(r, 'session.sig'), 'cookie-session signed it')
        return r
      }
      const expiredSig = 'session.sig=; path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT; domain=example.com; samesite=lax; httponly'
      const debugSession = debugCookieSession()

      it('with it: the same session, sealed, and the old .sig expired', async () => {
        const r1 = await signedByTheRealOne()
        const ours = appWith(debugSession({ keys, encrypt: true, migrateSigned: true, ...cookieOpts }))
        let r2
        const lines = await debugLines(async () => {
          r2 = await request(ours).get('/').set('Cookie', jar(r1)).expect(200, { user: 'alice', n: 2 })
        })
        assert.match(valueOf(r2, 'session'), /^sc1\.[A-Za-z0-9_-]{8}\.[A-Za-z0-9_-]+$/)
        assert.match(setCookies(r2).find((c) => c.startsWith('session=')), /; path=\/; expires=.+; domain=example\.com; samesite=lax; httponly$/)
        assert.strictEqual(setCookies(r2).find((c) => c.startsWith('session.sig=')), expiredSig)
        assert.ok(lines.some((l) => l.includes('signed session read (migrateSigned)')), lines.join('\n'))
        // the browser drops the expired .sig; the sealed cookie alone is the session, migration or not
        const sealedOnly = appWith(cookieSession({ keys, encrypt: true, ...cookieOpts }))
        const r3 = await request(sealedOnly).get('/').set('Cookie', 'session=' + valueOf(r2, 'session')).expect(200, { user: 'alice', n: 3 })
        assert.ok(!setCookies(r3).some((c) => c.startsWith('session.sig=')))
      })

      it('with it: a session only read is sealed too; session = null expires both cookies', async () => {
        const r1 = await signedByTheRealOne()
        const mw = cookieSession({ keys, encrypt: true, migrateSigned: true, ...cookieOpts })
        const reader = express().use(mw).use((req, res) => res.json({ user: req.session.user, isNew: req.session.isNew, isChanged: req.session.isChanged }))
        const r2 = await request(reader).get('/').set('Cookie', jar(r1)).expect(200, { user: 'alice', isNew: false, isChanged: false })
        assert.match(valueOf(r2, 'session'), /^sc1\./)
        assert.strictEqual(setCookies(r2).find((c) => c.startsWith('session.sig=')), expiredSig)
        const logout = express().use(mw).use((req, res) => { req.session = null; res.end() })
        const r3 = await request(logout).get('/').set('Cookie', jar(r1))
        assert.deepStrictEqual(setCookies(r3).map((c) => c.replace(/=.*?;/, '=…;').split(';').slice(0, 1)[0]), ['session=…', 'session.sig=…'])
        assert.ok(setCookies(r3).every((c) => /=; path=\/; expires=Thu, 01 Jan 1970 00:00:00 GMT; domain=example\.com/.test(c)), setCookies(r3).join('\n'))
      })

      it('without it: a fresh session, the true reason in the debug line, and the stale .sig expired with the new cookie', async () => {
        const r1 = await signedByTheRealOne()
        const ours = appWith(debugSession({ keys, encrypt: true, ...cookieOpts }))
        let r2
        const lines = await debugLines(async () => {
          r2 = await request(ours).get('/').set('Cookie', jar(r1)).expect(200, { user: null, n: 1 })
        })
        assert.ok(lines.some((l) => l.endsWith('new session (signed cookie (encrypt is on; set migrateSigned to read it))')), lines.join('\n'))
        assert.ok(!lines.some((l) => l.includes('truncated')), lines.join('\n'))
        assert.match(valueOf(r2, 'session'), /^sc1\./)
        assert.strictEqual(setCookies(r2).find((c) => c.startsWith('session.sig=')), expiredSig)
        // an app that writes nothing leaves the signed cookie for a later migration
        const reader = express().use(cookieSession({ keys, encrypt: true })).use((req, res) => res.json({ user: req.session.user || null }))
        const r3 = await request(reader).get('/').set('Cookie', jar(r1)).expect(200, { user: null })
        assert.deepStrictEqual(setCookies(r3), [])
      })

      it('migrateSigned: { keys, algorithm }: the signed app\'s keys beside new sealing keys', async () => {
        const Keygrip = require('keygrip')
        const r1 = await signedByTheRealOne({ keys: new Keygrip(['signing key'], 'sha256') })
        const ours = appWith(cookieSession({ keys: ['new seal key'], encrypt: true, migrateSigned: { keys: ['signing key'], algorithm: 'sha256' }, ...cookieOpts }))
        const r2 = await request(ours).get('/').set('Cookie', jar(r1)).expect(200, { user: 'alice', n: 2 })
        await request(appWith(cookieSession({ keys: ['new seal key'], encrypt: true }))).get('/').set('Cookie', 'session=' + valueOf(r2, 'session')).expect(200, { user: 'alice', n: 3 })
        // by default the sealing keys verify: the signing key is not among them
        await request(appWith(cookieSession({ keys: ['new seal key'], encrypt: true, migrateSigned: true }))).get('/').set('Cookie', jar(r1)).expect(200, { user: null, n: 1 })
      })

      it('never reads a forged or unsigned cookie, and says why', async () => {
        const r1 = await signedByTheRealOne()
        const ours = appWith(debugSession({ keys, encrypt: true, migrateSigned: true }))
        const forged = jar(r1).replace(/session=[^;]+/, 'session=' + Buffer.from('{"user":"mallory"}').toString('base64'))
        const unsigned = await request(appWith(realCookieSession({ signed: false }))).get('/?set=mallory')
        const lines = await debugLines(async () => {
          await request(ours).get('/').set('Cookie', forged).expect(200, { user: null, n: 1 })
          await request(ours).get('/').set('Cookie', jar(unsigned)).expect(200, { user: null, n: 1 })
        })
        assert.ok(lines.some((l) => l.endsWith('new session (bad signature)')), lines.join('\n'))
        assert.ok(lines.some((l) => l.endsWith('new session (not sealed, not signed)')), lines.join('\n'))
      })

      it('options: migrateSigned needs encrypt; bad shapes are refused', () => {
        assert.throws(() => cookieSession({ keys, migrateSigned: true }), (e) => e instanceof TypeError && /encrypt/.test(e.message) && e.code === 'ERR_SESSION_CORE_INVALID_MIGRATESIGNED')
        assert.throws(() => cookieSession({ keys, encrypt: true, migrateSigned: 'yes' }), TypeError)
        assert.throws(() => cookieSession({ keys, encrypt: true, migrateSigned: { key: ['k'] } }), (e) => e.code === 'ERR_SESSION_CORE_UNKNOWN_OPTION' && /did you mean migrateSigned\.keys\?/.test(e.message))
        assert.throws(() => cookieSession({ keys, encrypt: true, migrateSigned: { keys: 5 } }), (e) => e.field === 'migrateSigned.keys')
        cookieSession({ keys, encrypt: true, migrateSigned: { keys: 'k' } }) // one key, as for keys
        assert.throws(() => cookieSession({ keys, encrypt: true, migrateSigned: { keys: [] } }), TypeError)
        assert.throws(() => cookieSession({ keys, encrypt: true, migrateSigned: { algorithm: 'md5' } }), (e) => e.code === 'ERR_SESSION_CORE_INVALID_MIGRATESIGNED_ALGORITHM')
        cookieSession({ keys, encrypt: true, migrateSigned: false })
        cookieSession({ keys, encrypt: true, migrateSigned: { algorithm: 'sha256' } })
      })
    })

    describe('the 4096-byte budget', () => {
      const big = (req, res) => { req.session.blob = 'x'.repeat(Number(req.query.size)); res.send('stored') }

      it('an oversized session is never sent: next(err), here Express\'s own handler (a 500 naming the size outside production)', async () => {
        const errors = []
        const error = console.error
        console.error = (m) => errors.push(m)
        try {
          const app = express().use(cookieSession({ keys: ['k'] })).use(big)
          const r = await request(app).get('/?size=4000').expect(500)
          assert.match(r.text, /would be 5\d\d\d bytes; browsers drop cookies over 4096/)
          assert.strictEqual(setCookies(r).length, 0)
          await request(app).get('/?size=2000').expect(200, 'stored')
        } finally {
          console.error = error
        }
        assert.strictEqual(errors.length, 1) // Express's handler logs it; the middleware prints nothing itself
      })

      it('onError lets the app decide', async () => {
        let seen = null
        const app = express().use(cookieSession({ keys: ['k'], onError: (err) => { seen = err } })).use(big)
        await request(app).get('/?size=4000').expect(200, 'stored')
        assert.strictEqual(seen.code, 'ERR_SESSION_COOKIE_TOO_LARGE')
        assert.ok(seen.size > 4096)
      })

      it('streaming responses go to next(err) too when the headers have not gone out', async () => {
        const app = express().use(cookieSession({ keys: ['k'] })).use((req, res) => {
          req.session.blob = 'x'.repeat(4000)
          res.write('part one, ')
          res.end('part two')
        })
        const errorLog = console.error
        console.error = () => {}
        try {
          const r = await request(app).get('/').expect(500)
          assert.match(r.text, /browsers drop cookies over 4096/)
        } finally {
          console.error = errorLog
        }
      })
    })
  })
}
