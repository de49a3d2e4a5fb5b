'use strict'
// The opt-in rules in session-core/web, through session-core/hono on Node (@hono/node-server), over real
// HTTP: hashIds (keys hashed at rest, plain-id records moved), regenerateGrace (the overlapping
// requests at a login, a fixation attempt inside the window, destroy without grace), header (the id
// in a request header, no-store, the CSRF exemption only without a session cookie), notBefore
// (sync and Promise), compress (a zip bomb refused) and chunk (stale chunks expired, mixed chunks
// refused); and the same records and cookies across the front doors: the Express drop-in's hashed
// records and the cookie-session drop-in's chunked, compressed cookies, read and written both ways.
const test = require('node:test')
const assert = require('node:assert')
const http = require('node:http')
const path = require('node:path')
const zlib = require('node:zlib')
const crypto = require('node:crypto')
const Keygrip = require('keygrip')
const express = require('express5')
const { Jar, call } = require('./web-client')
const sc = require('./pkg')
const { dir } = require('./pkg')

const expressSession = require(path.join(dir, 'express'))
const cookieSession = require(path.join(dir, 'cookie-session'))

const SECRET = 'a hashIds web test secret, long enough to pass the checks'
const KEYS = ['web-key-new', 'web-key-old']
const hashOf = (id) => crypto.createHash('sha256').update(id).digest('base64url')
const items = (n, tag = 'item') => Array.from({ length: n }, (_, i) => ({ sku: `${tag}-${1000 + i}`, qty: 1 + (i % 4), note: 'gift wrap, blue ribbon' }))
const sidOf = (jar) => decodeURIComponent(jar.cookies.get('connect.sid')).slice(2).split('.')[0]
const storeGet = (store, key) => new Promise((resolve, reject) => store.get(key, (e, s) => (e ? reject(e) : resolve(s ?? null))))
const storeSet = (store, key, rec) => new Promise((resolve, reject) => store.set(key, rec, (e) => (e ? reject(e) : resolve())))
const setCookies = (r) => r.res.headers.getSetCookie()

/** The server-side routes every server sub-app has (the data as session-core/express's tests). */
function serverRoutes (sub) {
  sub.get('/me', (c) => { const s = c.get('session'); return c.json({ user: s.userId || null, cart: s.cart || 0 }) })
  sub.get('/token', (c) => c.json({ token: c.get('session').csrfToken() }))
  sub.post('/cart', (c) => { const s = c.get('session'); s.cart = (s.cart || 0) + 1; return c.json({ cart: s.cart }) })
  sub.post('/login/:user', async (c) => {
    const s = c.get('session')
    const cart = s.cart
    await s.regenerate()
    s.userId = c.req.param('user')
    if (cart !== undefined) s.cart = cart
    return c.text('ok')
  })
  sub.post('/logout', async (c) => { await c.get('session').destroy(); return c.text('bye') })
  sub.post('/save', async (c) => {
    try {
      await c.get('session').save()
      return c.text('saved')
    } catch (e) {
      return c.json({ code: e.code }, e.status || 500)
    }
  })
}

function clientRoutes (sub) {
  sub.get('/login', (c) => { c.get('session').user = c.req.query('user'); return c.json({ ok: true }) })
  sub.get('/me', (c) => { const s = c.get('session'); return c.json({ user: s.user || null, isNew: s.isNew }) })
  sub.get('/fill', (c) => {
    const s = c.get('session')
    s.cart = items(Number(c.req.query('n')), c.req.query('tag') || 'item')
    if (c.req.query('pad')) s.pad = crypto.randomBytes(Number(c.req.query('pad'))).toString('base64')
    return c.json({ token: s.csrfToken() })
  })
  sub.get('/cart', (c) => { const s = c.get('session'); return c.json({ n: (s.cart || []).length, tag: s.cart && s.cart[0] && s.cart[0].sku }) })
  sub.post('/buy', (c) => c.json({ ok: true }))
}

test('session-core/web and /hono: hashIds, grace, header, revocable and big sessions on Node', async (t) => {
  const { serve } = await import('@hono/node-server')
  const { Hono } = await import('hono')
  const { session, csrf } = await import(path.join(dir, 'hono', 'index.mjs'))

  const hashed = new expressSession.MemoryStore() // shared with the Express drop-in
  const cut = new Map() // user -> ms (notBefore)
  const app = new Hono()
  app.onError((err, c) => c.text(String(err.code || err.message), 500)) // quiet: the too-large case
  const mount = (prefix, options, routes, withCsrf) => {
    const sub = new Hono()
    sub.use(session(options))
    if (withCsrf) sub.use(csrf())
    routes(sub)
    app.route(prefix, sub)
  }
  const server = { secret: SECRET, resave: false, saveUninitialized: false, cookie: { maxAge: 3600000 } }
  mount('/hash', { ...server, hashIds: true, store: hashed }, serverRoutes)
  const graceStore = new expressSession.MemoryStore()
  mount('/grace', { ...server, regenerateGrace: 10000, store: graceStore }, serverRoutes)
  mount('/hashgrace', { ...server, hashIds: true, regenerateGrace: 10000, store: hashed }, serverRoutes)
  mount('/hdr', { ...server, header: 'x-session-id' }, serverRoutes, true)
  mount('/nb', { kind: 'client', keys: KEYS, notBefore: (s) => cut.get(s.user) }, clientRoutes)
  mount('/nbp', { kind: 'client', keys: KEYS, encrypt: true, notBefore: async (s) => { await new Promise((resolve) => setImmediate(resolve)); return cut.get(s.user) ?? null } }, clientRoutes)
  for (const [name, o] of [['cmp', { compress: true }], ['chk', { chunk: true }], ['big', { compress: true, chunk: true }], ['sbig', { encrypt: true, compress: true, chunk: true }]]) {
    mount('/' + name, { kind: 'client', keys: KEYS, ...o }, clientRoutes, true)
  }
  const srv = await new Promise((resolve) => { const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s)) })
  t.after(() => new Promise((resolve) => srv.close(resolve)))
  const url = `http://127.0.0.1:${srv.address().port}`

  // the Express drop-ins beside it: hashIds on the same store, cookie-session with compress + chunk
  const ex = express()
  ex.use('/hash', expressSession({ ...server, hashIds: true, store: hashed }))
  ex.get('/hash/login', (req, res) => { req.session.userId = req.query.user; res.json({ ok: true }) })
  ex.get('/hash/me', (req, res) => res.json({ user: req.session.userId || null, cart: req.session.cart || 0 }))
  ex.use('/big', cookieSession({ keys: KEYS, compress: true, chunk: true }))
  ex.get('/big/fill', (req, res) => {
    req.session.cart = items(Number(req.query.n), req.query.tag || 'item')
    if (req.query.pad) req.session.pad = crypto.randomBytes(Number(req.query.pad)).toString('base64')
    res.json({ ok: true })
  })
  ex.get('/big/cart', (req, res) => res.json({ n: (req.session.cart || []).length, tag: req.session.cart && req.session.cart[0] && req.session.cart[0].sku }))
  const exServer = await new Promise((resolve) => { const s = http.createServer(ex).listen(0, '127.0.0.1', () => resolve(s)) })
  t.after(() => new Promise((resolve) => exServer.close(resolve)))
  const exUrl = `http://127.0.0.1:${exServer.address().port}`

  await t.test('hashIds: the store sees only base64url(SHA-256(id)); Express and Hono read each other\'s records', async () => {
    const jar = new Jar()
    await call(jar, `${url}/hash/login/ann`, { method: 'POST' })
    const sid = sidOf(jar)
    assert.strictEqual(await storeGet(hashed, sid), null, 'nothing under the id')
    assert.strictEqual((await storeGet(hashed, hashOf(sid))).userId, 'ann')
    const keys = Object.keys(await new Promise((resolve, reject) => hashed.all((e, all) => (e ? reject(e) : resolve(all)))))
    assert.ok(!keys.includes(sid))
    // the Express drop-in reads the record Hono wrote, and the other way round
    assert.deepStrictEqual((await call(jar, `${exUrl}/hash/me`)).body, { user: 'ann', cart: 0 })
    const other = new Jar()
    await call(other, `${exUrl}/hash/login?user=bob`)
    assert.ok(await storeGet(hashed, hashOf(sidOf(other))))
    await call(other, `${url}/hash/cart`, { method: 'POST' })
    assert.deepStrictEqual((await call(other, `${url}/hash/me`)).body, { user: 'bob', cart: 1 })
    assert.deepStrictEqual((await call(other, `${exUrl}/hash/me`)).body, { user: 'bob', cart: 1 })
  })

  await t.test('hashIds: a record under the plain id (from before the option) is read once and moved', async () => {
    const id = sc.generateSessionId()
    await storeSet(hashed, id, { cookie: { originalMaxAge: 3600000, expires: new Date(Date.now() + 3600000).toISOString(), httpOnly: true, path: '/' }, userId: 'old' })
    const jar = new Jar()
    jar.cookies.set('connect.sid', encodeURIComponent('s:' + sc.sign(id, SECRET)))
    assert.deepStrictEqual((await call(jar, `${url}/hash/me`)).body, { user: 'old', cart: 0 })
    assert.strictEqual(await storeGet(hashed, id), null)
    assert.strictEqual((await storeGet(hashed, hashOf(id))).userId, 'old')
    assert.deepStrictEqual((await call(jar, `${url}/hash/me`)).body, { user: 'old', cart: 0 })
  })

  for (const prefix of ['grace', 'hashgrace']) {
    await t.test(`${prefix}: overlapping requests at a login get the old data read-only, never a cookie; writes get 409`, async () => {
      const jar = new Jar()
      await call(jar, `${url}/${prefix}/cart`, { method: 'POST' })
      const old = new Jar()
      old.cookies = new Map(jar.cookies)
      await call(jar, `${url}/${prefix}/login/ann`, { method: 'POST' })
      assert.notStrictEqual(jar.cookies.get('connect.sid'), old.cookies.get('connect.sid'))
      // a request in flight with the old cookie: the old data, no Set-Cookie (it cannot sign the user out)
      const r = await call(old, `${url}/${prefix}/me`)
      assert.deepStrictEqual(r.body, { user: null, cart: 1 })
      assert.deepStrictEqual(setCookies(r), [])
      const head = await call(old, `${url}/${prefix}/me`, { method: 'HEAD' })
      assert.strictEqual(head.status, 200)
      // an unsafe one: 409, nothing silently lost or written
      const w = await call(old, `${url}/${prefix}/cart`, { method: 'POST' })
      assert.strictEqual(w.status, 409)
      assert.match(w.body, /regenerated/)
      assert.deepStrictEqual(setCookies(w), [])
      assert.deepStrictEqual((await call(jar, `${url}/${prefix}/me`)).body, { user: 'ann', cart: 1 })
    })

    await t.test(`${prefix}: a fixation attempt inside the window never reaches the new session`, async () => {
      // the attacker plants their session id in the victim's browser, the victim signs in
      const attacker = new Jar()
      await call(attacker, `${url}/${prefix}/cart`, { method: 'POST' })
      const victim = new Jar()
      victim.cookies = new Map(attacker.cookies)
      await call(victim, `${url}/${prefix}/login/victim`, { method: 'POST' })
      assert.deepStrictEqual((await call(victim, `${url}/${prefix}/me`)).body, { user: 'victim', cart: 1 })
      // the planted id, inside the window: the old data at most, read-only
      const r = await call(attacker, `${url}/${prefix}/me`)
      assert.deepStrictEqual(r.body, { user: null, cart: 1 })
      assert.deepStrictEqual(setCookies(r), [])
      assert.strictEqual((await call(attacker, `${url}/${prefix}/login/mallory`, { method: 'POST' })).status, 409)
      assert.strictEqual((await call(attacker, `${url}/${prefix}/save`, { method: 'POST' })).status, 409)
      assert.deepStrictEqual((await call(victim, `${url}/${prefix}/me`)).body, { user: 'victim', cart: 1 })
    })

    await t.test(`${prefix}: destroy() has no grace`, async () => {
      const jar = new Jar()
      await call(jar, `${url}/${prefix}/login/ann`, { method: 'POST' })
      const old = new Jar()
      old.cookies = new Map(jar.cookies)
      await call(jar, `${url}/${prefix}/logout`, { method: 'POST' })
      assert.deepStrictEqual((await call(old, `${url}/${prefix}/me`)).body, { user: null, cart: 0 })
      assert.strictEqual((await call(old, `${url}/${prefix}/cart`, { method: 'POST' })).status, 200)
    })
  }

  await t.test('header: the id read from x-session-id and returned in it, no-store, never a cookie', async () => {
    const login = await call(new Jar(), `${url}/hdr/login/ann`, { method: 'POST', headers: { 'x-session-id': '' } })
    assert.strictEqual(login.status, 200)
    const id = login.res.headers.get('x-session-id')
    assert.match(id, /^s:/)
    assert.deepStrictEqual(setCookies(login), [])
    assert.strictEqual(login.res.headers.get('cache-control'), 'private, no-store')
    assert.match(login.res.headers.get('vary'), /x-session-id/i)
    const me = await call(new Jar(), `${url}/hdr/me`, { headers: { 'x-session-id': id } })
    assert.deepStrictEqual(me.body, { user: 'ann', cart: 0 })
    assert.strictEqual(me.res.headers.get('x-session-id'), null, 'unchanged: not sent again')
    assert.deepStrictEqual(setCookies(me), [])
    // a forged id is a fresh session
    assert.deepStrictEqual((await call(new Jar(), `${url}/hdr/me`, { headers: { 'x-session-id': id.slice(0, -2) + 'xx' } })).body, { user: null, cart: 0 })
  })

  await t.test('header: CSRF exemption only for a request without a session cookie', async () => {
    const id = (await call(new Jar(), `${url}/hdr/login/ann`, { method: 'POST', headers: { 'x-session-id': '' } })).res.headers.get('x-session-id')
    // header only: no ambient credential, no token needed
    assert.strictEqual((await call(new Jar(), `${url}/hdr/cart`, { method: 'POST', headers: { 'x-session-id': id } })).status, 200)
    // a browser session (a cookie): the token is required, with or without the header beside it
    const browser = new Jar()
    const first = (await call(browser, `${url}/hdr/token`)).body.token
    await call(browser, `${url}/hdr/login/bob`, { method: 'POST', headers: { 'x-csrf-token': first } })
    assert.ok(browser.cookies.get('connect.sid'), 'a request without the header gets a cookie')
    assert.strictEqual((await call(browser, `${url}/hdr/cart`, { method: 'POST' })).status, 403)
    assert.strictEqual((await call(browser, `${url}/hdr/cart`, { method: 'POST', headers: { 'x-session-id': id } })).status, 403)
    const { token } = (await call(browser, `${url}/hdr/token`)).body
    assert.strictEqual((await call(browser, `${url}/hdr/cart`, { method: 'POST', headers: { 'x-csrf-token': token } })).status, 200)
  })

  for (const prefix of ['nb', 'nbp']) {
    await t.test(`notBefore (${prefix === 'nb' ? 'sync, signed' : 'Promise, sealed'}): a revoked cookie is refused, a new one kept`, async () => {
      const user = 'ann-' + prefix
      const stolen = new Jar()
      await call(stolen, `${url}/${prefix}/login?user=${user}`)
      assert.deepStrictEqual((await call(stolen, `${url}/${prefix}/me`)).body, { user, isNew: false })
      const device = new Jar()
      device.cookies = new Map(stolen.cookies)
      await new Promise((resolve) => setTimeout(resolve, 5))
      cut.set(user, Date.now()) // "sign out everywhere"
      assert.deepStrictEqual((await call(stolen, `${url}/${prefix}/me`)).body, { user: null, isNew: true })
      await call(device, `${url}/${prefix}/login?user=${user}`)
      assert.deepStrictEqual((await call(device, `${url}/${prefix}/me`)).body, { user, isNew: false })
    })
  }

  await t.test('compress: a zip bomb with a valid signature gives a fresh session, quickly', async () => {
    const bomb = 'sv1.' + Buffer.concat([Buffer.from('{"z":1}'), zlib.deflateRawSync(Buffer.alloc(2 * 1024 * 1024, 0x20))]).toString('base64url')
    const jar = new Jar()
    jar.cookies.set('session', bomb)
    jar.cookies.set('session.sig', new Keygrip(KEYS).sign('session=' + bomb))
    const t0 = process.hrtime.bigint()
    const r = await call(jar, `${url}/cmp/cart`)
    assert.deepStrictEqual(r.body, { n: 0 })
    assert.ok(Number(process.hrtime.bigint() - t0) / 1e6 < 2000)
  })

  await t.test('compress: a 10 KB session in one cookie; the CSRF token still verifies', async () => {
    const jar = new Jar()
    const r = await call(jar, `${url}/cmp/fill?n=180`)
    assert.ok(jar.cookies.get('session').length < 4000)
    assert.deepStrictEqual((await call(jar, `${url}/cmp/cart`)).body, { n: 180, tag: 'item-1000' })
    assert.strictEqual((await call(jar, `${url}/cmp/buy`, { method: 'POST', headers: { 'x-csrf-token': r.body.token } })).status, 200)
    assert.strictEqual((await call(jar, `${url}/cmp/buy`, { method: 'POST', headers: { 'x-csrf-token': 'nope' } })).status, 403)
  })

  await t.test('chunk: several Set-Cookies, read back, stale chunks expired, mixed chunks refused', async () => {
    const jar = new Jar()
    const r1 = await call(jar, `${url}/chk/fill?n=70`)
    const names = setCookies(r1).map((h) => h.split('=')[0])
    assert.ok(names.includes('session.0') && names.includes('session.1') && !names.includes('session'), names.join())
    for (const h of setCookies(r1)) assert.ok(h.split(';')[0].length - 1 <= 4096)
    // the session's cookies within 6144 bytes of Cookie header (nginx, Apache and curl stop at 8 KB)
    assert.ok(setCookies(r1).reduce((n, h) => n + h.split(';')[0].length + 2, 0) <= 6144)
    const over = await call(new Jar(), `${url}/chk/fill?n=100`)
    assert.deepStrictEqual([over.status, setCookies(over)], [500, []])
    assert.deepStrictEqual((await call(jar, `${url}/chk/cart`)).body, { n: 70, tag: 'item-1000' })
    const r2 = await call(jar, `${url}/chk/fill?n=2`)
    const expired = setCookies(r2).filter((h) => /expires=Thu, 01 Jan 1970/.test(h)).map((h) => h.split('=')[0])
    assert.deepStrictEqual(expired.sort(), names.filter((n) => /^session\.\d$/.test(n)).sort())
    assert.ok(!jar.cookies.has('session.0'))
    assert.deepStrictEqual((await call(jar, `${url}/chk/cart`)).body, { n: 2, tag: 'item-1000' })

    const mine = new Jar()
    await call(mine, `${url}/chk/fill?n=70&tag=mine`)
    const theirs = new Jar()
    await call(theirs, `${url}/chk/fill?n=70&tag=theirs`)
    const mixed = new Jar()
    mixed.cookies.set('session.0', mine.cookies.get('session.0'))
    mixed.cookies.set('session.1', theirs.cookies.get('session.1'))
    if (mine.cookies.has('session.sig')) mixed.cookies.set('session.sig', mine.cookies.get('session.sig'))
    assert.deepStrictEqual((await call(mixed, `${url}/chk/cart`)).body, { n: 0 })
  })

  await t.test('chunk: too big even chunked is a clear error, never a silent loss', async () => {
    const r = await call(new Jar(), `${url}/big/fill?n=5000`)
    assert.strictEqual(r.status, 500)
    assert.deepStrictEqual(setCookies(r), [])
  })

  await t.test('the options are checked by the core as the drop-ins check them; hashIds refuses short ids', async () => {
    const { getSession } = await import(path.join(dir, 'web', 'index.node.js'))
    const req = new Request(url + '/')
    const field = (options, name) => assert.rejects(getSession(req, options), (e) => e instanceof TypeError && e.field === name)
    await field({ secret: SECRET, regenerateGrace: 'soon' }, 'regenerateGrace')
    await field({ secret: SECRET, hashIds: 1 }, 'hashIds')
    await field({ secret: SECRET, header: 5 }, 'header')
    await field({ kind: 'client', keys: KEYS, notBefore: 5 }, 'notBefore')
    await field({ kind: 'client', keys: KEYS, chunk: 'yes' }, 'chunk')
    await field({ kind: 'client', signed: false, compress: true }, 'compress')
    await assert.rejects(getSession(req, { secret: SECRET, hashIds: true, genid: () => 'short' }), (e) => e.code === 'ERR_SESSION_CORE_SHORT_ID')
  })

  await t.test('compress + chunk: the cookie-session drop-in\'s cookies are read by Hono, and the other way round', async () => {
    const jar = new Jar()
    await call(jar, `${exUrl}/big/fill?n=700&tag=ex&pad=2000`)
    assert.ok(jar.cookies.has('session.0') && jar.cookies.has('session.1'), [...jar.cookies.keys()].join())
    assert.deepStrictEqual((await call(jar, `${url}/big/cart`)).body, { n: 700, tag: 'ex-1000' })
    const other = new Jar()
    await call(other, `${url}/big/fill?n=700&tag=web&pad=2000`)
    assert.ok(other.cookies.has('session.1'), [...other.cookies.keys()].join())
    assert.deepStrictEqual((await call(other, `${exUrl}/big/cart`)).body, { n: 700, tag: 'web-1000' })
    // sealed too, within Hono
    const sealed = new Jar()
    await call(sealed, `${url}/sbig/fill?n=700&pad=2000`)
    assert.deepStrictEqual((await call(sealed, `${url}/sbig/cart`)).body, { n: 700, tag: 'item-1000' })
  })
})
