'use strict'
// session-core/cookie-session's revocable and big sessions, on real Express 4 and 5: revocable sessions
// (notBefore, sync and Promise), compress (the secret fields outside the deflated part, the length
// that does not depend on them, the zip bomb) and chunk (split, read back, stale chunks expired,
// mixed chunks refused, the budget). The byte-level rules are in tests/vectors/client-frames.json.
const { describe, it } = require('node:test')
const assert = require('node:assert')
const path = require('node:path')
const zlib = require('node:zlib')
const request = require('supertest')
const Keygrip = require('keygrip')
const realCookieSession = require('cookie-session')
const { EXPRESSES } = require('./helpers')
const { dir } = require('./pkg')

const cookieSession = require(path.join(dir, 'cookie-session'))

const setCookies = (res) => res.headers['set-cookie'] || []
/** The cookies a browser would send next, from the previous jar and a response's Set-Cookie. */
function jarAfter (prev, res) {
  const jar = new Map((prev ? prev.split('; ') : []).filter(Boolean).map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]))
  for (const h of setCookies(res)) {
    const pair = h.split(';')[0]
    const name = pair.slice(0, pair.indexOf('='))
    if (/expires=Thu, 01 Jan 1970/.test(h)) jar.delete(name)
    else jar.set(name, pair.slice(name.length + 1))
  }
  return [...jar].map(([n, v]) => `${n}=${v}`).join('; ')
}
const valueOf = (res, name) => {
  const c = setCookies(res).find((h) => h.startsWith(name + '='))
  return c && c.split(';')[0].slice(name.length + 1)
}
const KEYS = ['key-new', 'key-old']

for (const [label, express] of EXPRESSES) {
  describe(`${label}: cookie-session notBefore (revocable client sessions)`, () => {
    const cut = new Map() // user -> ms
    const app = (opts) => express()
      .use(cookieSession({ keys: KEYS, ...opts }))
      .get('/login', (req, res) => { req.session = { user: req.query.user }; res.json({ ok: true }) })
      .get('/me', (req, res) => res.json({ user: req.session.user || null, isNew: req.session.isNew }))
      .get('/bump', (req, res) => { req.session.n = (req.session.n || 0) + 1; res.json({ user: req.session.user || null }) })
      .get('/password', (req, res) => {
        // a password change: every cookie issued before now is revoked, this device gets a new one
        cut.set(req.session.user, Date.now())
        req.session = { ...req.session }
        res.json({ ok: true })
      })
      .use((err, req, res, next) => res.status(500).json({ error: err.message }))

    for (const mode of [{}, { encrypt: true }]) {
      const kind = mode.encrypt ? 'sealed' : 'signed'
      it(`${kind}: a cookie issued before the cut-off is refused, one issued after is kept (sync)`, async () => {
        let calls = 0
        const a = app({ ...mode, notBefore: (s) => { calls++; return cut.get(s.user) } })
        const r1 = await request(a).get('/login?user=ann-' + kind).expect(200)
        const jar1 = jarAfter('', r1)
        assert.deepStrictEqual((await request(a).get('/me').set('Cookie', jar1)).body, { user: 'ann-' + kind, isNew: false })
        const stolen = jar1
        await new Promise((resolve) => setTimeout(resolve, 5))
        const r2 = await request(a).get('/password').set('Cookie', jar1).expect(200)
        const jar2 = jarAfter(jar1, r2)
        // the old cookie (a stolen copy) is now a fresh session; the new one still works
        assert.deepStrictEqual((await request(a).get('/me').set('Cookie', stolen)).body, { user: null, isNew: true })
        assert.deepStrictEqual((await request(a).get('/me').set('Cookie', jar2)).body, { user: 'ann-' + kind, isNew: false })
        // a rewrite keeps the issue time: bumping the stolen session cannot renew it
        const r3 = await request(a).get('/bump').set('Cookie', stolen)
        assert.deepStrictEqual(r3.body, { user: null })
        // no cookie: notBefore is not called
        const before = calls
        await request(a).get('/me').expect(200)
        assert.strictEqual(calls, before)
      })

      it(`${kind}: a Promise is awaited; a rejection reaches the error handler`, async () => {
        const a = app({ ...mode, notBefore: async (s) => { await new Promise((resolve) => setImmediate(resolve)); if (s.user === 'boom') throw new Error('lookup failed'); return cut.get(s.user) ?? null } })
        const jar = jarAfter('', await request(a).get('/login?user=bea-' + kind))
        assert.deepStrictEqual((await request(a).get('/me').set('Cookie', jar)).body, { user: 'bea-' + kind, isNew: false })
        cut.set('bea-' + kind, Date.now() + 1000)
        assert.deepStrictEqual((await request(a).get('/me').set('Cookie', jar)).body, { user: null, isNew: true })
        const boom = jarAfter('', await request(a).get('/login?user=boom'))
        const r = await request(a).get('/me').set('Cookie', boom).expect(500)
        assert.deepStrictEqual(r.body, { error: 'lookup failed' })
      })
    }

    it('a cookie without issue time (the real cookie-session\'s) counts as issued at 0', async () => {
      const theirs = express().use(realCookieSession({ keys: KEYS })).get('/login', (req, res) => { req.session.user = req.query.user; res.end() })
      const jar = jarAfter('', await request(theirs).get('/login?user=cid'))
      const none = app({ notBefore: () => null })
      assert.deepStrictEqual((await request(none).get('/me').set('Cookie', jar)).body, { user: 'cid', isNew: false })
      const some = app({ notBefore: () => new Date(1) })
      assert.deepStrictEqual((await request(some).get('/me').set('Cookie', jar)).body, { user: null, isNew: true })
      // a bad cut-off (not a time) fails closed
      const bad = app({ notBefore: () => 'yesterday' })
      assert.deepStrictEqual((await request(bad).get('/me').set('Cookie', jar)).body, { user: null, isNew: true })
    })

    it('a forged issue time (the frame edited, the signature kept) fails the signature', async () => {
      const a = app({ notBefore: () => Date.now() - 60000 })
      const r = await request(a).get('/login?user=dan')
      const value = valueOf(r, 'session')
      assert.match(value, /^sv1\./)
      const frame = JSON.parse(Buffer.from(value.slice(4), 'base64url').toString())
      assert.ok(Math.abs(frame.i - Date.now()) < 60000)
      const forged = 'sv1.' + Buffer.from(JSON.stringify({ ...frame, i: frame.i + 3600000 })).toString('base64url')
      const res = await request(a).get('/me').set('Cookie', `session=${forged}; session.sig=${valueOf(r, 'session.sig')}`)
      assert.deepStrictEqual(res.body, { user: null, isNew: true })
    })

    it('option off: cookies stay cookie-session\'s, both ways', async () => {
      const ours = app({})
      const r = await request(ours).get('/login?user=eve')
      assert.doesNotMatch(valueOf(r, 'session'), /^sv1\./)
      const theirs = express().use(realCookieSession({ keys: KEYS })).get('/me', (req, res) => res.json({ user: req.session.user || null }))
      assert.deepStrictEqual((await request(theirs).get('/me').set('Cookie', jarAfter('', r))).body, { user: 'eve' })
    })
  })

  describe(`${label}: cookie-session compress and chunk (client sessions over 4 KB)`, () => {
    const items = (n, tag = 'item') => Array.from({ length: n }, (_, i) => ({ sku: `${tag}-${1000 + i}`, qty: 1 + (i % 4), note: 'gift wrap, blue ribbon' }))
    const app = (opts, onError) => express()
      .use(cookieSession({ keys: KEYS, ...opts, onError }))
      .use(cookieSession.csrf())
      .get('/fill', (req, res) => { req.session.cart = items(Number(req.query.n), req.query.tag); req.session.q = req.query.q; res.json({ token: req.csrfToken() }) })
      .get('/cart', (req, res) => res.json({ n: (req.session.cart || []).length, tag: req.session.cart && req.session.cart[0] && req.session.cart[0].sku }))
      .post('/buy', (req, res) => res.json({ ok: true }))
      .use((err, req, res, next) => res.status(err.status || 500).json({ code: err.code }))

    for (const mode of [{}, { encrypt: true }]) {
      const kind = mode.encrypt ? 'sealed' : 'signed'
      it(`${kind}: compress fits a 10 KB session in one cookie; the CSRF token still verifies`, async () => {
        const a = app({ ...mode, compress: true })
        const r = await request(a).get('/fill?n=180').expect(200)
        assert.ok(JSON.stringify(items(180)).length > 10000)
        assert.ok(valueOf(r, 'session').length < 4000, `${valueOf(r, 'session').length}`)
        const jar = jarAfter('', r)
        assert.deepStrictEqual((await request(a).get('/cart').set('Cookie', jar)).body, { n: 180, tag: 'item-1000' })
        await request(a).post('/buy').set('Cookie', jar).set('x-csrf-token', r.body.token).expect(200)
        await request(a).post('/buy').set('Cookie', jar).set('x-csrf-token', 'nope').expect(403)
      })

      it(`${kind}: the cookie's length does not depend on the CSRF secret beside attacker data`, async () => {
        // the attacker's oracle: with their guess q in the session, is the cookie shorter when q is
        // the secret? Two sessions, the same q, different secrets of one length: same length.
        const a = express().use(cookieSession({ keys: KEYS, ...mode, compress: true }))
          .get('/probe', (req, res) => { req.session = { csrfSecret: req.query.secret, cart: items(10), q: req.query.q }; res.end() })
        const rnd = () => require('node:crypto').randomBytes(18).toString('base64url')
        for (let round = 0; round < 5; round++) {
          const [s1, s2] = [rnd(), rnd()]
          for (const q of [s1, s1.slice(0, 12) + s2.slice(12), 'Z'.repeat(24)]) {
            const right = await request(a).get('/probe').query({ secret: s1, q })
            const wrong = await request(a).get('/probe').query({ secret: s2, q })
            assert.strictEqual(valueOf(right, 'session').length, valueOf(wrong, 'session').length, `q=${q}`)
          }
          // …where deflating the secret with the data would have told them apart
          const whole = (secret) => zlib.deflateRawSync(JSON.stringify({ csrfSecret: secret, cart: items(10), q: s1 })).length
          assert.ok(whole(s1) < whole(s2))
        }
      })

      it(`${kind}: chunk splits a big session over name.0, name.1…, reads it back, and expires stale chunks`, async () => {
        const a = app({ ...mode, chunk: true })
        const r1 = await request(a).get('/fill?n=70').expect(200)
        const names = setCookies(r1).map((h) => h.split('=')[0])
        assert.ok(names.includes('session.0') && names.includes('session.1') && !names.includes('session'), names.join())
        for (const h of setCookies(r1)) assert.ok(h.split(';')[0].length - 1 <= 4096) // name and value, as browsers count
        const jar1 = jarAfter('', r1)
        assert.deepStrictEqual((await request(a).get('/cart').set('Cookie', jar1)).body, { n: 70, tag: 'item-1000' })
        // shrinks to one cookie: the chunks are expired in the same response
        const r2 = await request(a).get('/fill?n=2').set('Cookie', jar1).expect(200)
        const expired = setCookies(r2).filter((h) => /expires=Thu, 01 Jan 1970/.test(h)).map((h) => h.split('=')[0])
        assert.deepStrictEqual(expired.sort(), names.filter((n) => /^session\.\d$/.test(n)).sort())
        const jar2 = jarAfter(jar1, r2)
        assert.ok(!jar2.includes('session.0='))
        assert.deepStrictEqual((await request(a).get('/cart').set('Cookie', jar2)).body, { n: 2, tag: 'item-1000' })
      })

      it(`${kind}: chunk: a chunk from another session is refused (a fresh session, never mixed data)`, async () => {
        const a = app({ ...mode, chunk: true })
        const mine = jarAfter('', await request(a).get('/fill?n=70&tag=mine'))
        const theirs = jarAfter('', await request(a).get('/fill?n=70&tag=theirs'))
        const pick = (jar, name) => jar.split('; ').find((p) => p.startsWith(name + '='))
        const mixed = [pick(mine, 'session.0'), pick(theirs, 'session.1'), pick(mine, 'session.sig')].filter(Boolean).join('; ')
        assert.deepStrictEqual((await request(a).get('/cart').set('Cookie', mixed)).body, { n: 0 })
      })

      it(`${kind}: too big even chunked: a clear error, never a silent loss`, async () => {
        let seen = null
        const a = app({ ...mode, chunk: true }, (err, req, res) => { seen = err; res.statusCode = 413 })
        const noisy = express().use(cookieSession({ keys: KEYS, ...mode, chunk: true, onError: (err, req, res) => { seen = err; res.statusCode = 413 } }))
          .get('/', (req, res) => { req.session.blob = require('node:crypto').randomBytes(12000).toString('base64'); res.end('x') })
        assert.ok(a)
        const r = await request(noisy).get('/').expect(413)
        assert.deepStrictEqual(setCookies(r), [])
        assert.strictEqual(seen.code, 'ERR_SESSION_COOKIE_TOO_LARGE')
        assert.match(seen.message, /would take \d+ bytes of Cookie header; chunk: true keeps them within 6144 bytes of Cookie header/)
        assert.ok(seen.size > 6144 && seen.limit === 6144, `${seen.size} ${seen.limit}`)
      })
    }

    it('sealed, compress and chunk together: a 40 KB session round-trips', async () => {
      const a = app({ encrypt: true, compress: true, chunk: true })
      const r = await request(a).get('/fill?n=700').expect(200)
      assert.ok(JSON.stringify(items(700)).length > 40000)
      const jar = jarAfter('', r)
      assert.deepStrictEqual((await request(a).get('/cart').set('Cookie', jar)).body, { n: 700, tag: 'item-1000' })
    })

    it('a zip bomb with a valid signature gives a fresh session, quickly', async () => {
      const a = app({ compress: true })
      const bomb = 'sv1.' + Buffer.concat([Buffer.from('{"z":1}'), zlib.deflateRawSync(Buffer.alloc(2 * 1024 * 1024, 0x20))]).toString('base64url')
      assert.ok(bomb.length < 4000, `${bomb.length}`)
      const sig = new Keygrip(KEYS).sign('session=' + bomb)
      const t = process.hrtime.bigint()
      const r = await request(a).get('/cart').set('Cookie', `session=${bomb}; session.sig=${sig}`).expect(200)
      assert.deepStrictEqual(r.body, { n: 0 })
      assert.ok(Number(process.hrtime.bigint() - t) / 1e6 < 2000)
    })

    it('options are checked: names, types, and what needs signing', () => {
      assert.throws(() => cookieSession({ keys: KEYS, compress: { secretFeilds: ['x'] } }), /did you mean compress\.secretFields/)
      assert.throws(() => cookieSession({ keys: KEYS, compress: { secretFields: 'x' } }), (e) => e.field === 'compress.secretFields')
      assert.throws(() => cookieSession({ keys: KEYS, notBefore: 5 }), (e) => e.field === 'notBefore')
      assert.throws(() => cookieSession({ signed: false, notBefore: () => 0 }), (e) => e.field === 'notBefore')
      assert.throws(() => cookieSession({ signed: false, compress: true }), (e) => e.field === 'compress')
      assert.throws(() => cookieSession({ keys: KEYS, chunk: 'yes' }), (e) => e.field === 'chunk')
    })
  })
}
