'use strict'
// The server-side opt-in rules: ids hashed at rest (hashIds), a grace window after regenerate
// (regenerateGrace) and the id in a header (header), on real Express 4 and 5, with MemoryStore and
// RedisStore on a real redis-server (started here on a loopback port, stopped at the end).
const { describe, it, before, after } = require('node:test')
const assert = require('node:assert')
const path = require('node:path')
const request = require('supertest')
const { session, EXPRESSES, setCookie, cookiePair, sidOf, sleep } = require('./helpers')
const sc = require('./pkg')
const { dir } = require('./pkg')
const servers = require('./redis-servers')
const { open } = require('./redis-clients')
const RedisStore = require(path.join(dir, 'redis'))

const SECRET = 'a hashIds test secret, long enough to pass the checks'
const cookieFor = (id) => 'connect.sid=' + encodeURIComponent('s:' + sc.sign(id, SECRET))

function app (express, store, extra) {
  const a = express()
  a.use(express.json())
  a.use(session({ secret: SECRET, store, resave: false, saveUninitialized: false, user: (req) => req.session.userId, ...extra }))
  a.post('/cart', (req, res) => { req.session.cart = (req.session.cart || 0) + 1; res.json({ cart: req.session.cart }) })
  a.post('/login/:user', (req, res, next) => req.session.regenerate({ keep: true }, (err) => {
    if (err) return next(err)
    req.session.userId = req.params.user
    res.send('ok')
  }))
  a.post('/logout', (req, res, next) => req.session.destroy((err) => (err ? next(err) : res.send('bye'))))
  a.get('/me', (req, res) => res.json({ user: req.session.userId || null, cart: req.session.cart || 0 }))
  a.get('/renew', (req, res, next) => req.session.regenerate((err) => (err ? next(err) : res.send('renewed'))))
  a.get('/slow', async (req, res) => { await sleep(Number(req.query.ms) || 100); res.json({ user: req.session.userId || null, cart: req.session.cart || 0 }) })
  a.get('/devices', async (req, res, next) => {
    try { res.json(await req.sessionStore.sessionsOf(req.session.userId, { current: req.sessionID })) } catch (e) { next(e) }
  })
  a.post('/devices/:tag/signout', async (req, res) => res.json({ ended: await req.sessionStore.destroySession(req.session.userId, req.params.tag) }))
  a.post('/signout-everywhere', async (req, res) => res.json({ ended: await req.sessionStore.destroyUser(req.session.userId, { except: req.sessionID }) }))
  a.use((err, req, res, next) => res.status(err.status || 500).json({ code: err.code || null }))
  return a
}

let redis
const clients = []
before(async () => { redis = await servers.standalone() })
after(async () => {
  for (const c of clients) await c.close()
  if (redis) await redis.stop()
})
let prefixes = 0
async function redisStore () {
  const c = await open('redis6', { url: redis.url })
  clients.push(c)
  const store = new RedisStore({ client: c.client, prefix: `i16-${++prefixes}:` })
  store.client = c.client
  return store
}
const STORES = [
  ['MemoryStore', async () => new session.MemoryStore()],
  ['RedisStore (node-redis 6, a real redis-server)', redisStore]
]

for (const [label, express] of EXPRESSES) {
  for (const [name, make] of STORES) {
    if (label === 'Express 5' && name !== 'MemoryStore') continue // the store paths are the same under both
    describe(`${label}, ${name}: hashIds`, () => {
      it('the store sees base64url(SHA-256(id)) only; your devices and sign out everywhere keep working', async () => {
        const store = await make()
        const a = app(express, store, { hashIds: true })
        const c1 = cookiePair(await request(a).post('/login/ann').expect(200))
        const c2 = cookiePair(await request(a).post('/login/ann').expect(200))
        const id1 = sidOf(c1)
        const key1 = require('node:crypto').createHash('sha256').update(id1).digest('base64url')
        // the store answers for the key, not for the id
        assert.ok(await new Promise((resolve) => store.get(key1, (e, s) => resolve(s))), 'a record under the key')
        assert.ok(!(await new Promise((resolve) => store.get(id1, (e, s) => resolve(s)))), 'nothing under the id')
        assert.deepStrictEqual((await request(a).get('/me').set('Cookie', c1)).body, { user: 'ann', cart: 0 })
        const devices = (await request(a).get('/devices').set('Cookie', c1)).body
        assert.strictEqual(devices.length, 2)
        assert.strictEqual(devices.filter((d) => d.current).length, 1, 'current is marked: the id given as current is hashed too')
        const other = devices.find((d) => !d.current)
        assert.deepStrictEqual((await request(a).post(`/devices/${other.tag}/signout`).set('Cookie', c1)).body, { ended: true })
        assert.strictEqual((await request(a).get('/me').set('Cookie', c2)).body.user, null)
        const c3 = cookiePair(await request(a).post('/login/ann').expect(200))
        assert.deepStrictEqual((await request(a).post('/signout-everywhere').set('Cookie', c1)).body, { ended: 1 })
        assert.strictEqual((await request(a).get('/me').set('Cookie', c1)).body.user, 'ann', 'except: the current id, hashed')
        assert.strictEqual((await request(a).get('/me').set('Cookie', c3)).body.user, null)
      })

      it('migration: a record under the plain id is read once and moved to its key', async () => {
        const store = await make()
        const plain = app(express, store)
        const c = cookiePair(await request(plain).post('/cart').expect(200))
        const id = sidOf(c)
        const hashed = app(express, store, { hashIds: true })
        assert.deepStrictEqual((await request(hashed).get('/me').set('Cookie', c)).body, { user: null, cart: 1 })
        const key = require('node:crypto').createHash('sha256').update(id).digest('base64url')
        await sleep(20)
        assert.ok(!(await new Promise((resolve) => store.get(id, (e, s) => resolve(s)))), 'gone from the plain id')
        assert.ok(await new Promise((resolve) => store.get(key, (e, s) => resolve(s))), 'under its key')
        assert.deepStrictEqual((await request(hashed).post('/cart').set('Cookie', c)).body, { cart: 2 })
      })

      it('a genid making ids under 128 bits is refused', async () => {
        const a = app(express, await make(), { hashIds: true, genid: () => 'short-id' })
        const res = await request(a).post('/cart')
        assert.strictEqual(res.status, 500)
        assert.strictEqual(res.body.code, 'ERR_SESSION_CORE_SHORT_ID')
      })
    })
  }
}

describe('hashIds: a dump of the whole real Redis opens no session', () => {
  it('every key, field and value, tried as a session id (signed), as a cookie value and as a header value', async () => {
    const store = await redisStore()
    const client = store.client
    await client.sendCommand(['FLUSHALL'])
    const express = EXPRESSES[0][1]
    const a = app(express, store, { hashIds: true, regenerateGrace: 5000, header: 'x-session-id' })
    const cookies = []
    for (const user of ['ann', 'bob', 'cy']) {
      const anon = cookiePair(await request(a).post('/cart').expect(200))
      const res = await request(a).post(`/login/${user}`).set('Cookie', anon).expect(200)
      cookies.push(cookiePair(res))
    }
    // the control: the real cookies do open their sessions
    for (const c of cookies) assert.notStrictEqual((await request(a).get('/me').set('Cookie', c)).body.user, null)
    // the dump: every key with all it holds, whatever its type
    const strings = new Set()
    const keys = await client.sendCommand(['KEYS', '*'])
    assert.ok(keys.length >= 6, `keys: ${keys.length}`)
    for (const k of keys) {
      strings.add(k)
      const type = await client.sendCommand(['TYPE', k])
      let parts = []
      if (type === 'string') parts = [await client.sendCommand(['GET', k])]
      else if (type === 'hash') parts = await client.sendCommand(['HGETALL', k])
      else if (type === 'zset') parts = await client.sendCommand(['ZRANGE', k, '0', '-1', 'WITHSCORES'])
      else if (type === 'set') parts = await client.sendCommand(['SMEMBERS', k])
      else if (type === 'list') parts = await client.sendCommand(['LRANGE', k, '0', '-1'])
      // node-redis answers a map (HGETALL) as an object: its fields and values both count
      const flat = Array.isArray(parts) ? parts : parts && typeof parts === 'object' ? Object.entries(parts).flat() : [parts]
      for (const p of flat) strings.add(String(p))
    }
    // each string, its pieces after a prefix (`prefix:`), and every base64url-looking run in it
    const candidates = new Set()
    for (const s of strings) {
      candidates.add(s)
      for (const piece of s.split(':')) candidates.add(piece)
      for (const run of s.match(/[A-Za-z0-9_-]{8,}/g) || []) candidates.add(run)
    }
    const ids = cookies.map(sidOf)
    for (const id of ids) assert.ok(![...candidates].includes(id), 'no session id anywhere in the dump')
    let tried = 0
    for (const c of candidates) {
      if (c === '' || c.length > 4000) continue
      const asId = cookieFor(c)
      for (const [h, v] of [['Cookie', asId], ['Cookie', 'connect.sid=' + encodeURIComponent(c)], ['x-session-id', 's:' + sc.sign(c, SECRET)], ['x-session-id', c]]) {
        const body = (await request(a).get('/me').set(h, v)).body
        assert.strictEqual(body.user, null, `${h} from the dump opened a session`)
        tried++
      }
    }
    assert.ok(tried > 40, `tried ${tried}`)
  })
})

for (const [label, express] of EXPRESSES) {
  for (const [name, make] of STORES) {
    if (label === 'Express 5' && name !== 'MemoryStore') continue
    describe(`${label}, ${name}: regenerateGrace`, () => {
      for (const hashIds of [false, true]) {
        it(`the overlapping-requests race at a login${hashIds ? ' (with hashIds)' : ''}`, async () => {
          const a = app(express, await make(), { regenerateGrace: 2000, hashIds })
          const old = cookiePair(await request(a).post('/cart').expect(200))
          // a request in flight with the old cookie when the login happens
          const slow = request(a).get('/slow?ms=150').set('Cookie', old).then((r) => r)
          await sleep(30)
          const login = await request(a).post('/login/ann').set('Cookie', old).expect(200)
          const fresh = cookiePair(login)
          assert.notStrictEqual(sidOf(fresh), sidOf(old))
          // requests the browser sent before it read the login's Set-Cookie, arriving after it
          const late = await Promise.all([
            request(a).get('/me').set('Cookie', old),
            request(a).get('/slow?ms=10').set('Cookie', old),
            request(a).head('/me').set('Cookie', old)
          ])
          for (const r of [await slow, ...late]) {
            assert.strictEqual(r.status, 200)
            assert.strictEqual(setCookie(r), undefined, 'no Set-Cookie: the new session stays in the browser')
          }
          // the old data, read-only: never the new session's
          assert.deepStrictEqual(late[0].body, { user: null, cart: 1 })
          // an unsafe method with the old id: 409, nothing silently lost
          const post = await request(a).post('/cart').set('Cookie', old)
          assert.strictEqual(post.status, 409)
          assert.strictEqual(post.body.code, 'ESESSIONREGENERATED')
          assert.strictEqual(setCookie(post), undefined)
          // the new session is intact, its cart carried over (keep: true)
          assert.deepStrictEqual((await request(a).get('/me').set('Cookie', fresh)).body, { user: 'ann', cart: 1 })
        })
      }

      it('a fixation attempt inside the window gets the old data read-only, never the new session', async () => {
        const a = app(express, await make(), { regenerateGrace: 2000 })
        // the attacker gets an id and plants it in the victim's browser
        const planted = cookiePair(await request(a).post('/cart').expect(200))
        const victim = cookiePair(await request(a).post('/login/victim').set('Cookie', planted).expect(200))
        assert.notStrictEqual(sidOf(victim), sidOf(planted))
        const seen = await request(a).get('/me').set('Cookie', planted)
        assert.deepStrictEqual(seen.body, { user: null, cart: 1 })
        assert.strictEqual(setCookie(seen), undefined)
        const devices = await request(a).get('/devices').set('Cookie', planted)
        assert.deepStrictEqual(devices.body, [], 'no user on the planted id')
        for (const method of ['post', 'put', 'delete', 'patch']) {
          const r = await request(a)[method]('/cart').set('Cookie', planted)
          assert.strictEqual(r.status, 409, method)
        }
        const renew = await request(a).get('/renew').set('Cookie', planted)
        assert.strictEqual(renew.status, 409, 'a regenerate on the read-only session is refused: its cookie would sign the victim out')
        assert.strictEqual(setCookie(renew), undefined)
        const asLogin = await request(a).post('/login/attacker').set('Cookie', planted)
        assert.strictEqual(asLogin.status, 409, 'a regenerate from the planted id inside the window is refused too')
        assert.strictEqual((await request(a).get('/me').set('Cookie', victim)).body.user, 'victim')
      })

      it('after the window the old id starts afresh; destroy() has no grace', async () => {
        const a = app(express, await make(), { regenerateGrace: 150 })
        const old = cookiePair(await request(a).post('/cart').expect(200))
        const fresh = cookiePair(await request(a).post('/login/ann').set('Cookie', old).expect(200))
        await sleep(200)
        const after = await request(a).get('/me').set('Cookie', old)
        assert.deepStrictEqual(after.body, { user: null, cart: 0 })
        assert.strictEqual((await request(a).post('/cart').set('Cookie', old)).status, 200, 'a fresh session: no 409')
        await request(a).post('/logout').set('Cookie', fresh).expect(200)
        const gone = await request(a).get('/me').set('Cookie', fresh)
        assert.deepStrictEqual(gone.body, { user: null, cart: 0 })
        assert.strictEqual((await request(a).post('/cart').set('Cookie', fresh)).status, 200, 'no grace after destroy: no 409')
      })
    })
  }
}

for (const [label, express] of EXPRESSES) {
  describe(`${label}: the session id in a header`, () => {
    const csrf = session.csrf
    function apiApp (extra) {
      const a = express()
      a.use(session({ secret: SECRET, resave: false, saveUninitialized: false, header: 'x-session-id', ...extra }))
      a.use(csrf())
      a.get('/token', (req, res) => res.json({ token: req.csrfToken() }))
      a.post('/login/:user', (req, res, next) => req.session.regenerate((err) => {
        if (err) return next(err)
        req.session.userId = req.params.user
        res.set('Cache-Control', 'public, max-age=60').send('ok')
      }))
      a.get('/me', (req, res) => res.json({ user: req.session.userId || null }))
      a.post('/note', (req, res) => { req.session.note = 'x'; res.json({ ok: true }) })
      a.use((err, req, res, next) => res.status(err.status || 500).json({ code: err.code || null }))
      return a
    }

    it('read from the header, returned in it when it changes, never as a cookie; no cache keeps it', async () => {
      const a = apiApp()
      const login = await request(a).post('/login/ann').set('x-session-id', '').expect(200)
      const id = login.headers['x-session-id']
      assert.match(id, /^s:[A-Za-z0-9_-]{32}\.[A-Za-z0-9+/]+$/)
      assert.strictEqual(login.headers['set-cookie'], undefined)
      assert.strictEqual(login.headers['cache-control'], 'private, no-store', 'whatever the app set')
      assert.match(login.headers.vary, /x-session-id/i)
      const me = await request(a).get('/me').set('x-session-id', id)
      assert.deepStrictEqual(me.body, { user: 'ann' })
      assert.strictEqual(me.headers['x-session-id'], undefined, 'unchanged: not sent again')
      assert.strictEqual(me.headers['set-cookie'], undefined)
      assert.match(me.headers.vary, /x-session-id/i)
      // a forged or unsigned id opens nothing
      assert.deepStrictEqual((await request(a).get('/me').set('x-session-id', 's:' + id.slice(2, 34) + '.forged')).body, { user: null })
      assert.deepStrictEqual((await request(a).get('/me').set('x-session-id', id.slice(2, 34))).body, { user: null })
    })

    it('cookies keep working beside it, and a session cookie wins over the header', async () => {
      const a = apiApp()
      const token = await request(a).get('/token').expect(200)
      const browser = cookiePair(await request(a).post('/login/bea').set('Cookie', cookiePair(token)).set('x-csrf-token', token.body.token).expect(200))
      assert.ok(browser, 'a request without the header gets a cookie')
      const api = (await request(a).post('/login/ann').set('x-session-id', '')).headers['x-session-id']
      assert.deepStrictEqual((await request(a).get('/me').set('Cookie', browser)).body, { user: 'bea' })
      assert.deepStrictEqual((await request(a).get('/me').set('Cookie', browser).set('x-session-id', api)).body, { user: 'bea' })
      assert.deepStrictEqual((await request(a).get('/me').set('Cookie', 'connect.sid=junk').set('x-session-id', api)).body, { user: null })
    })

    it('CSRF: exempt only when no session cookie was sent', async () => {
      const a = apiApp()
      const api = (await request(a).post('/login/ann').set('x-session-id', '')).headers['x-session-id']
      assert.strictEqual((await request(a).post('/note').set('x-session-id', api)).status, 200)
      const browser = cookiePair(await request(a).get('/token').expect(200))
      assert.ok(browser)
      const withCookie = await request(a).post('/note').set('Cookie', browser).set('x-session-id', api)
      assert.strictEqual(withCookie.status, 403)
      assert.strictEqual(withCookie.body.code, 'EBADCSRFTOKEN')
      assert.strictEqual((await request(a).post('/note')).status, 403, 'neither: checked')
    })

    it('a function picks the header per request', async () => {
      const a = apiApp({ header: (req) => (req.path.startsWith('/me') ? 'x-api-session' : null) })
      const res = await request(a).get('/me').set('x-api-session', '')
      assert.strictEqual(res.status, 200)
      assert.strictEqual(res.headers['set-cookie'], undefined)
      assert.match(res.headers.vary, /x-api-session/i)
    })

    it('the options are checked', () => {
      assert.throws(() => session({ secret: SECRET, header: 'bad header' }), { code: 'ERR_SESSION_CORE_INVALID_HEADER' })
      assert.throws(() => session({ secret: SECRET, header: 'Set-Cookie' }), { code: 'ERR_SESSION_CORE_INVALID_HEADER' })
      assert.throws(() => session({ secret: SECRET, regenerateGrace: -1 }), { code: 'ERR_SESSION_CORE_INVALID_REGENERATEGRACE' })
      assert.throws(() => session({ secret: SECRET, hashIds: 1 }), { code: 'ERR_SESSION_CORE_INVALID_HASHIDS' })
    })
  })
}
