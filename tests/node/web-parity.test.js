'use strict'
// session-core/web and session-core/hono where a new user's trial found them unlike the Express
// drop-in: data keys named like a member, an own `__proto__` key, what util.inspect shows, options
// checked when the middleware is made, clear errors for a maxAge no Date can hold. Hono's
// `app.request()` runs the middleware (no server needed); the cookies are made here as the peers
// make them (express-session's `s:` signature, cookie-session's Keygrip `.sig` cookie).
const test = require('node:test')
const assert = require('node:assert')
const crypto = require('node:crypto')
const path = require('node:path')
const util = require('node:util')
const { dir } = require('./pkg')

const SECRET = 'web-parity-secret'
const KEY = 'web-parity-key'
const root = require(dir)
const expressSession = require(path.join(dir, 'express'))

/** express-session's cookie for `id`. */
function sidCookie (id, name = 'connect.sid') {
  const mac = crypto.createHmac('sha256', SECRET).update(id).digest('base64').replace(/=+$/, '')
  return `${name}=${encodeURIComponent(`s:${id}.${mac}`)}`
}

/** cookie-session's two cookies for the JSON text `json` (Keygrip, sha1). */
function clientCookies (json, name = 'session') {
  const value = Buffer.from(json).toString('base64')
  const sig = crypto.createHmac('sha1', KEY).update(`${name}=${value}`).digest('base64').replace(/\//g, '_').replace(/\+/g, '-').replace(/=+$/, '')
  return `${name}=${value}; ${name}.sig=${sig}`
}

/** The JSON of a cookie-session cookie among `setCookies`. */
function clientBody (setCookies, name = 'session') {
  const c = setCookies.find((h) => h.startsWith(name + '='))
  return c ? Buffer.from(c.slice(name.length + 1).split(';')[0], 'base64').toString() : null
}

const COOKIE = { originalMaxAge: null, expires: null, httpOnly: true, path: '/' }
const ID = 'parityParityParityParity01'

async function honoApp (options, handler) {
  const { Hono } = await import('hono')
  const { session, csrf } = await import(path.join(dir, 'hono', 'index.mjs'))
  const app = new Hono()
  app.use(session(options))
  app.use(csrf())
  app.all('*', async (c) => {
    const s = c.get('session')
    const r = handler ? await handler(s, c) : undefined
    return c.json(r === undefined ? { n: s.n ?? null, proto: Object.getPrototypeOf(s) !== Object.prototype && typeof s.save === 'function' && typeof s.apply === 'function' } : r)
  })
  return app
}

test('a data key named like a member is data, never a break (as express-session loads it), and is written back', async (t) => {
  const web = await import(path.join(dir, 'web', 'index.node.js'))

  await t.test('server-side: a stored record with id, apply, save, csrfToken, verifyCsrf, regenerate, destroy', async () => {
    const store = new web.MemoryStore()
    const text = JSON.stringify({ cookie: COOKIE, id: 5, apply: 1, save: 'x', csrfToken: 2, verifyCsrf: 3, regenerate: 4, destroy: 6, n: 1 })
    await store.set(ID, text)
    const app = await honoApp({ secret: SECRET, store, resave: false, saveUninitialized: false }, (s) => {
      s.n += 1
      return { id: s.id, n: s.n, token: typeof s.csrfToken() }
    })
    const res = await app.request('/', { headers: { cookie: sidCookie(ID) } })
    assert.strictEqual(res.status, 200)
    assert.deepStrictEqual(await res.json(), { id: ID, n: 2, token: 'string' })
    const saved = JSON.parse(await store.get(ID))
    // every key kept, in its place; the app's change written
    assert.deepStrictEqual(Object.keys(saved), ['cookie', 'id', 'apply', 'save', 'csrfToken', 'verifyCsrf', 'regenerate', 'destroy', 'n', 'csrfSecret'])
    assert.deepStrictEqual([saved.id, saved.apply, saved.save, saved.n], [5, 1, 'x', 2])
  })

  await t.test('a record with data key `id` in a store shared with the Express drop-in: Hono and Express both read it', async () => {
    const store = new expressSession.MemoryStore()
    await new Promise((resolve, reject) => store.set(ID, { cookie: COOKIE, id: 'from-rust', user: 'ada' }, (e) => (e ? reject(e) : resolve())))
    const app = await honoApp({ secret: SECRET, store, resave: false, saveUninitialized: false }, (s) => ({ id: s.id, user: s.user }))
    const res = await app.request('/', { headers: { cookie: sidCookie(ID) } })
    assert.strictEqual(res.status, 200)
    assert.deepStrictEqual(await res.json(), { id: ID, user: 'ada' })
  })

  await t.test('client-side: a cookie with {id: 5, apply: 1, isNew: 2}', async () => {
    const app = await honoApp({ kind: 'client', keys: [KEY] }, (s) => {
      s.n = (s.n ?? 0) + 1
      return { id: s.id ?? null, isNew: s.isNew, n: s.n }
    })
    const res = await app.request('/', { headers: { cookie: clientCookies('{"id":5,"apply":1,"isNew":2,"n":1}') } })
    assert.strictEqual(res.status, 200)
    assert.deepStrictEqual(await res.json(), { id: null, isNew: false, n: 2 })
    assert.strictEqual(clientBody(res.headers.getSetCookie()), '{"id":5,"apply":1,"isNew":2,"n":2}')
  })

  await t.test('the app sets keys that shadow methods: the response still goes out, and they stay data', async () => {
    const store = new web.MemoryStore()
    const app = await honoApp({ secret: SECRET, store, resave: false, saveUninitialized: false }, (s, c) => {
      if (!c.req.header('cookie')) {
        s.save = 'x'
        s.apply = 'y'
        s.csrfToken = 'z'
        s.verifyCsrf = 'w'
      }
      return { save: typeof s.save }
    })
    const first = await app.request('/')
    assert.strictEqual(first.status, 200)
    const cookie = first.headers.get('set-cookie').split(';')[0]
    const id = decodeURIComponent(cookie.split('=')[1]).slice(2).split('.')[0]
    assert.deepStrictEqual(JSON.parse(await store.get(id)).apply, 'y')
    // loaded again: the methods work (the keys kept aside), the data stays in the record
    const second = await app.request('/', { method: 'POST', headers: { cookie } })
    assert.strictEqual(second.status, 403) // csrf() ran verifyCsrf: no token
    const third = await app.request('/', { headers: { cookie } })
    assert.deepStrictEqual(await third.json(), { save: 'function' })
    const rec = JSON.parse(await store.get(id))
    assert.deepStrictEqual([rec.save, rec.apply, rec.csrfToken, rec.verifyCsrf], ['x', 'y', 'z', 'w'])
  })

  await t.test('regenerate() and destroy() drop the kept keys with the rest', async () => {
    const store = new web.MemoryStore()
    await store.set(ID, JSON.stringify({ cookie: COOKIE, id: 5, n: 1 }))
    const s = await web.getSession(new Request('http://x/', { headers: { cookie: sidCookie(ID) } }), { secret: SECRET, store })
    await s.regenerate()
    s.m = 1
    await s.apply(new Response('x'))
    assert.deepStrictEqual(Object.keys(JSON.parse(await store.get(s.id))), ['cookie', 'm'])
  })
})

test('an own __proto__ key is kept as plain data and never changes the prototype', async (t) => {
  const web = await import(path.join(dir, 'web', 'index.node.js'))
  for (const proto of ['{"polluted":true,"save":1}', 'null']) {
    await t.test(`server-side record with "__proto__":${proto}`, async () => {
      const store = new web.MemoryStore()
      await store.set(ID, `{"cookie":${JSON.stringify(COOKIE)},"__proto__":${proto},"n":1}`)
      const app = await honoApp({ secret: SECRET, store, resave: false }, (s) => {
        s.n += 1
        return { n: s.n, polluted: s.polluted ?? null, methods: typeof s.save === 'function' && typeof s.regenerate === 'function', proto: Object.getPrototypeOf(s).constructor.name }
      })
      const res = await app.request('/', { headers: { cookie: sidCookie(ID) } })
      assert.deepStrictEqual(await res.json(), { n: 2, polluted: null, methods: true, proto: 'Session' })
      const text = await store.get(ID)
      assert.ok(text.includes(`"__proto__":${proto}`), text)
      assert.strictEqual(JSON.parse(text).n, 2)
    })
    await t.test(`signed client cookie with "__proto__":${proto}`, async () => {
      const app = await honoApp({ kind: 'client', keys: [KEY] }, (s) => {
        s.n += 1
        return { n: s.n, polluted: s.polluted ?? null, methods: typeof s.save === 'function', proto: Object.getPrototypeOf(s).constructor.name }
      })
      const res = await app.request('/', { headers: { cookie: clientCookies(`{"__proto__":${proto},"n":1}`) } })
      assert.deepStrictEqual(await res.json(), { n: 2, polluted: null, methods: true, proto: 'Session' })
      assert.ok(clientBody(res.headers.getSetCookie()).includes(`"__proto__":${proto}`))
    })
  }
})

test('util.inspect shows no id, csrfSecret or record (as the Express drop-in)', async () => {
  const web = await import(path.join(dir, 'web', 'index.node.js'))
  const store = new web.MemoryStore()
  const s = await web.getSession(new Request('http://x/'), { secret: SECRET, store, saveUninitialized: true })
  s.user = 'ada'
  s.csrfToken()
  await s.apply(new Response('x'))
  for (const shown of [util.inspect(s, { showHidden: true, depth: 10 }), util.inspect(s), util.format('%o', s)]) {
    assert.ok(!shown.includes(s.id), shown)
    assert.ok(!shown.includes(s.csrfSecret), shown)
    assert.ok(shown.includes(root.tag(s.id)) && shown.includes("user: 'ada'") && shown.includes('[redacted]'), shown)
  }
  const c = await web.getSession(new Request('http://x/'), { kind: 'client', keys: [KEY] })
  c.csrfToken()
  const shownC = util.inspect(c, { showHidden: true })
  assert.ok(!shownC.includes(c.csrfSecret) && shownC.includes('[redacted]'), shownC)
  for (const shown of [util.inspect(store, { showHidden: true, depth: 10 }), util.inspect(store)]) {
    assert.ok(!shown.includes(s.id) && !shown.includes('ada'), shown)
    assert.match(shown, /^MemoryStore \{ sessions: 1, maxEntries: 10000 \}$/)
  }
})

test('session() and csrf() check their options when made, with the error getSession() gives', async () => {
  const web = await import(path.join(dir, 'web', 'index.node.js'))
  const { session, csrf } = await import(path.join(dir, 'hono', 'index.mjs'))
  const cases = [
    [{ kind: 'jwt', secret: SECRET }, 'ERR_SESSION_CORE_INVALID_KIND', /option kind must be 'server' \(the default\) or 'client' \(got "jwt"\)/],
    [{}, 'ERR_SESSION_CORE_INVALID_SECRET', /option secret is required/],
    [{ secret: SECRET, cookie: { maxAge: 'x' } }, 'ERR_SESSION_CORE_INVALID_COOKIE_MAXAGE', /cookie\.maxAge/],
    [{ secret: SECRET, cookie: { maxAge: 1e308 } }, 'ERR_SESSION_CORE_INVALID_COOKIE_MAXAGE', /option cookie\.maxAge is invalid: must be within ±8\.6e15/],
    [{ kind: 'client', keys: [KEY], maxAge: 1e300 }, 'ERR_SESSION_CORE_INVALID_MAXAGE', /option maxAge is invalid/]
  ]
  for (const [opts, code, message] of cases) {
    assert.throws(() => session(opts), (e) => e.code === code && message.test(e.message), JSON.stringify(opts))
    await assert.rejects(web.getSession(new Request('http://x/'), opts), (e) => e.code === code && message.test(e.message))
  }
  assert.throws(() => csrf({ ignoreMethods: 'GET' }), /ignoreMethods/)
  // keys as one string: one key, as the cookie-session drop-in takes it
  const one = await web.getSession(new Request('http://x/'), { kind: 'client', keys: KEY })
  one.n = 1
  const res = await one.apply(new Response('x'))
  const again = await web.getSession(new Request('http://x/', { headers: { cookie: res.headers.getSetCookie().map((h) => h.split(';')[0]).join('; ') } }), { kind: 'client', keys: [KEY] })
  assert.strictEqual(again.n, 1)
})

test('undefined resave / saveUninitialized: express-session\'s notices, once per options object', async () => {
  const web = await import(path.join(dir, 'web', 'index.node.js'))
  const warned = []
  const warn = console.warn
  console.warn = (...a) => warned.push(a.join(' '))
  try {
    const opts = { secret: SECRET }
    for (let i = 0; i < 3; i++) await web.getSession(new Request('http://x/'), opts)
    await web.getSession(new Request('http://x/'), { secret: SECRET, resave: false, saveUninitialized: false })
    await web.getSession(new Request('http://x/'), { kind: 'client', keys: [KEY] })
  } finally {
    console.warn = warn
  }
  assert.strictEqual(warned.length, 2, warned.join('\n'))
  assert.match(warned[0], /^session-core\/web: undefined resave option; provide resave option \(defaults to true\)$/)
  assert.match(warned[1], /^session-core\/web: undefined saveUninitialized option; provide saveUninitialized option \(defaults to true: a record is written for every request/)
  assert.ok(!warned.join('').includes(SECRET))
})

test('MemoryStore keeps at most maxEntries records: a flood of anonymous requests evicts the oldest, unless saveUninitialized is false', async () => {
  const web = await import(path.join(dir, 'web', 'index.node.js'))
  for (const saveUninitialized of [true, false]) {
    const store = new web.MemoryStore({ maxEntries: 3 })
    const opts = { secret: SECRET, store, resave: false, saveUninitialized }
    const s = await web.getSession(new Request('http://x/'), opts)
    s.user = 'ada'
    const cookie = (await s.apply(new Response('x'))).headers.get('set-cookie').split(';')[0]
    for (let i = 0; i < 5; i++) await (await web.getSession(new Request('http://x/'), opts)).apply(new Response('x'))
    const again = await web.getSession(new Request('http://x/', { headers: { cookie } }), opts)
    assert.strictEqual(again.user, saveUninitialized ? undefined : 'ada')
  }
})

test('web/workerd.capnp (shipped) lists every module of session-core/web and /hono', () => {
  const fs = require('node:fs')
  const config = fs.readFileSync(path.join(dir, 'web', 'workerd.capnp'), 'utf8')
  const files = fs.readdirSync(path.join(dir, 'web')).filter((f) => f.endsWith('.js')).map((f) => 'web/' + f)
  for (const f of [...files, 'hono/index.mjs', 'wasm-web-client/session_core.js', 'wasm-web-client/session_core_bg.wasm']) {
    assert.ok(config.includes(`embed "node_modules/session-core/${f}"`), f)
  }
  assert.ok(config.includes('(name = "session-core/web", esModule = "export * from \'./web/index.workerd.js\''), config)
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'))
  assert.ok(pkg.files.includes('web/'), 'web/ is in the package')
})

test('server-side with a store that merges (session-core/redis on a real redis-server): overlapping writes from Hono and Express all land', async (t) => {
  const http = require('node:http')
  const express = require('express5')
  const servers = require('./redis-servers')
  const { open } = require('./redis-clients')
  const RedisStore = require(path.join(dir, 'redis'))
  const server = await servers.standalone()
  t.after(() => server.stop())
  const { client, close } = await open('ioredis5', { url: server.url })
  t.after(close)
  const store = new RedisStore({ client })
  const options = { secret: SECRET, store, resave: false, saveUninitialized: false, cookie: { maxAge: 3600000 } }

  // both requests load the session, then both write: without merge the last write wins
  let round
  const reset = () => { round = { arrived: 0 }; round.gate = new Promise((resolve) => { round.release = resolve }) }
  const barrier = (n) => { if (++round.arrived === n) round.release(); return round.gate }
  reset()

  const app = await honoApp(options, async (s, c) => {
    if (c.req.path === '/login') s.user = 'ada'
    else if (c.req.path === '/inc') {
      await barrier(2)
      s.increment('n')
      s.push('log', 'hono')
    } else if (c.req.path === '/keep') {
      const before = s.id
      s.csrfToken()
      const secret = s.csrfSecret
      await s.regenerate({ keep: true })
      return { changed: s.id !== before, user: s.user, n: s.n, secretKept: s.csrfSecret === secret }
    } else if (c.req.path === '/touch') {
      const before = s.cookie.expires
      await new Promise((resolve) => setTimeout(resolve, 5))
      return { later: s.touch().cookie.expires > before }
    } else if (c.req.path === '/whoami') return { user: s.user, hono: s.hono ?? null, express: s.express ?? null, again: s.again ?? null }
    else {
      await barrier(Number(c.req.query('n')))
      s[c.req.query('key')] = 1
    }
    return {}
  })
  const ex = express()
  ex.use(expressSession(options))
  ex.get('/inc', async (req, res) => {
    await barrier(2)
    req.session.increment('n')
    req.session.push('log', 'express')
    res.json({})
  })
  ex.get('/set', async (req, res) => {
    await barrier(2)
    req.session.express = 1
    res.json({})
  })
  const exServer = await new Promise((resolve) => { const s = http.createServer(ex).listen(0, '127.0.0.1', () => resolve(s)) })
  t.after(() => new Promise((resolve) => exServer.close(resolve)))

  const login = await app.request('/login')
  const cookie = login.headers.get('set-cookie').split(';')[0]
  const [a, b] = await Promise.all([
    app.request('/set?n=2&key=hono', { headers: { cookie } }),
    fetch(`http://127.0.0.1:${exServer.address().port}/set`, { headers: { cookie } })
  ])
  assert.deepStrictEqual([a.status, b.status], [200, 200])
  assert.deepStrictEqual(await (await app.request('/whoami', { headers: { cookie } })).json(), { user: 'ada', hono: 1, express: 1, again: null })
  // two Hono requests overlapping
  reset()
  const [c, d] = await Promise.all([
    app.request('/set?n=2&key=again', { headers: { cookie } }),
    app.request('/set?n=2&key=hono2', { headers: { cookie } })
  ])
  assert.deepStrictEqual([c.status, d.status], [200, 200])
  const rec = JSON.parse(await server.cli('GET', 'sess:' + decodeURIComponent(cookie.split('=')[1]).slice(2).split('.')[0]))
  assert.deepStrictEqual([rec.user, rec.hono, rec.express, rec.again, rec.hono2], ['ada', 1, 1, 1, 1])
  // increment/push from Hono and Express, overlapping: relative to the stored value, both count
  for (let i = 0; i < 2; i++) {
    reset()
    await Promise.all([app.request('/inc', { headers: { cookie } }), fetch(`http://127.0.0.1:${exServer.address().port}/inc`, { headers: { cookie } })])
  }
  const counted = JSON.parse(await server.cli('GET', 'sess:' + decodeURIComponent(cookie.split('=')[1]).slice(2).split('.')[0]))
  assert.strictEqual(counted.n, 4)
  assert.deepStrictEqual(counted.log.slice().sort(), ['express', 'express', 'hono', 'hono'])
  // touch() and regenerate({ keep: true }) as the Express drop-in's
  assert.deepStrictEqual(await (await app.request('/touch', { headers: { cookie } })).json(), { later: true })
  const kept = await app.request('/keep', { headers: { cookie } })
  assert.deepStrictEqual(await kept.json(), { changed: true, user: 'ada', n: 4, secretKept: false })
  const cookie2 = kept.headers.get('set-cookie').split(';')[0]
  assert.notStrictEqual(cookie2, cookie)
  assert.deepStrictEqual((await (await app.request('/whoami', { headers: { cookie: cookie2 } })).json()).user, 'ada')
  assert.strictEqual(await server.cli('GET', 'sess:' + decodeURIComponent(cookie.split('=')[1]).slice(2).split('.')[0]).then((t) => t.trim()), '')
})
