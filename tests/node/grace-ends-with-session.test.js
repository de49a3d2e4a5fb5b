'use strict'
// regenerateGrace's window ends with the session it leads to. Log in (C1), regenerate({ keep: true })
// as a re-authentication does (C2), then end C2 — destroy(), a sign-out everywhere (destroyUser),
// an idle timeout: a request with C1 then gets a fresh, empty session, never `user: alice` read-only,
// and an unsafe one no 409. On the MemoryStore and session-core/redis (a real redis-server), hashIds
// off and on, through session-core/express (Express 5) and session-core/web.
const { describe, it, before, after } = require('node:test')
const assert = require('node:assert')
const path = require('node:path')
const request = require('supertest')
const express = require('express5')
const { session, cookiePair, sleep } = require('./helpers')
const { dir } = require('./pkg')
const { redisForFile } = require('./redis-clients')
const RedisStore = require(path.join(dir, 'redis'))

const SECRET = 'a grace-ends-with-session secret, long enough'
const redis = redisForFile()

const STORES = [
  ['MemoryStore', () => new session.MemoryStore()],
  ['RedisStore', () => new RedisStore({ client: redis.client, prefix: `grace${Math.random().toString(36).slice(2)}:` })]
]

function app (store, extra) {
  const a = express()
  a.use(session({ secret: SECRET, store, resave: false, saveUninitialized: false, regenerateGrace: 10000, user: (req) => req.session.user, ...extra }))
  a.post('/login', (req, res) => { req.session.user = 'alice'; req.session.secret = 'private'; res.send('in') })
  a.post('/reauth', (req, res, next) => req.session.regenerate({ keep: true }).then(() => res.send('again'), next))
  a.post('/logout', (req, res, next) => req.session.destroy((err) => (err ? next(err) : res.send('out'))))
  a.post('/everywhere', async (req, res, next) => {
    try { res.json({ ended: await req.sessionStore.destroyUser('alice') }) } catch (e) { next(e) }
  })
  a.get('/me', (req, res) => res.json({ user: req.session.user || null, secret: req.session.secret || null }))
  a.post('/me', (req, res) => { req.session.n = 1; res.json({ user: req.session.user || null }) })
  a.use((err, req, res, next) => res.status(err.status || 500).json({ code: err.code }))
  return a
}

async function reauthenticated (a) {
  const c1 = cookiePair(await request(a).post('/login').expect(200))
  const c2 = cookiePair(await request(a).post('/reauth').set('Cookie', c1).expect(200))
  assert.notStrictEqual(c1, c2)
  // inside the window, before the end: the old id reads the old data, read-only (as documented)
  assert.deepStrictEqual((await request(a).get('/me').set('Cookie', c1)).body, { user: 'alice', secret: 'private' })
  return [c1, c2]
}

async function assertEnded (a, c1, c2) {
  assert.deepStrictEqual((await request(a).get('/me').set('Cookie', c2)).body, { user: null, secret: null })
  assert.deepStrictEqual((await request(a).get('/me').set('Cookie', c1)).body, { user: null, secret: null }, 'the pre-login id reads nothing')
  const post = await request(a).post('/me').set('Cookie', c1)
  assert.strictEqual(post.status, 200, 'an unsafe request with the pre-login id: a fresh session, not 409')
  assert.deepStrictEqual(post.body, { user: null })
}

describe('session-core/express: the grace window ends with the session it leads to', () => {
  for (const [name, make] of STORES) {
    for (const hashIds of [false, true]) {
      const label = `${name}${hashIds ? ', hashIds' : ''}`
      it(`destroy() of the new session (${label})`, async () => {
        const a = app(make(), { hashIds })
        const [c1, c2] = await reauthenticated(a)
        await request(a).post('/logout').set('Cookie', c2).expect(200)
        await assertEnded(a, c1, c2)
      })
      it(`a sign-out everywhere (${label})`, async () => {
        const a = app(make(), { hashIds })
        const [c1, c2] = await reauthenticated(a)
        assert.ok((await request(a).post('/everywhere').set('Cookie', c2).expect(200)).body.ended >= 1)
        await assertEnded(a, c1, c2)
      })
      it(`an idle timeout of the new session (${label})`, async () => {
        const a = app(make(), { hashIds, idleTimeout: 1500 })
        const [c1, c2] = await reauthenticated(a)
        await sleep(1600)
        await assertEnded(a, c1, c2)
      })
    }
  }
})

describe('session-core/web: the grace window ends with the session it leads to', () => {
  let web
  before(async () => { web = await import(path.join(dir, 'web', 'index.node.js')) })
  const cookieOf = (res) => (res.headers.getSetCookie().find((c) => c.startsWith('connect.sid=')) || '').split(';')[0]
  async function call (options, method, cookie, act) {
    const req = new Request('http://localhost/', { method, headers: cookie ? { cookie } : {} })
    const s = await web.getSession(req, options)
    await act(s)
    const res = await s.apply(new Response('ok'))
    return { cookie: cookieOf(res), data: { user: s.user || null, secret: s.secret || null } }
  }
  for (const [name, make] of STORES) {
    for (const hashIds of [false, true]) {
      it(`destroy() of the new session (${name}${hashIds ? ', hashIds' : ''})`, async () => {
        const options = { secret: SECRET, store: make(), resave: false, saveUninitialized: false, regenerateGrace: 10000, hashIds }
        const c1 = (await call(options, 'POST', null, (s) => { s.user = 'alice'; s.secret = 'private' })).cookie
        const c2 = (await call(options, 'POST', c1, (s) => s.regenerate({ keep: true }))).cookie
        assert.ok(c2 && c2 !== c1)
        assert.deepStrictEqual((await call(options, 'GET', c1, () => {})).data, { user: 'alice', secret: 'private' })
        await call(options, 'POST', c2, (s) => s.destroy())
        assert.deepStrictEqual((await call(options, 'GET', c1, () => {})).data, { user: null, secret: null }, 'the pre-login id reads nothing')
        await call(options, 'POST', c1, (s) => { s.n = 1 }) // no 409
      })
    }
  }
})

describe('regenerateGrace: which stores hold it', () => {
  const warnings = []
  const onWarning = (w) => warnings.push(w)
  before(() => process.on('warning', onWarning))
  after(() => process.off('warning', onWarning))
  const graceWarnings = () => warnings.filter((w) => w.code === 'SESSION_CORE_GRACE_STORE')

  it('a store whose set() is unconditional is named in a warning at construction (session-core/express)', async () => {
    class PlainStore extends session.Store {
      constructor () { super(); this.data = new Map() }
      get (sid, cb) { cb(null, this.data.has(sid) ? JSON.parse(this.data.get(sid)) : null) }
      set (sid, sess, cb) { this.data.set(sid, JSON.stringify(sess)); cb() }
      destroy (sid, cb) { this.data.delete(sid); cb() }
    }
    warnings.length = 0
    session({ secret: SECRET, store: new PlainStore(), resave: false, saveUninitialized: false, regenerateGrace: 5000 })
    await new Promise((resolve) => setImmediate(resolve))
    assert.strictEqual(graceWarnings().length, 1)
    assert.match(graceWarnings()[0].message, /regenerateGrace is on with a store \(PlainStore\)/)
    warnings.length = 0
    session({ secret: SECRET, store: new PlainStore(), resave: false, saveUninitialized: false })
    session({ secret: SECRET, store: new session.MemoryStore(), resave: false, saveUninitialized: false, regenerateGrace: 5000 })
    session({ secret: SECRET, store: new RedisStore({ client: redis.client }), resave: false, saveUninitialized: false, regenerateGrace: 5000 })
    await new Promise((resolve) => setImmediate(resolve))
    assert.strictEqual(graceWarnings().length, 0, 'none without the option, none for the stores that hold it')
  })

  it('session-core/web\'s MemoryStore: a request in flight with the pre-login id cannot write it back', async () => {
    const web = await import(path.join(dir, 'web', 'index.node.js'))
    const options = { secret: SECRET, store: new web.MemoryStore(), resave: false, saveUninitialized: false, regenerateGrace: 10000 }
    const cookieOf = (res) => (res.headers.getSetCookie().find((c) => c.startsWith('connect.sid=')) || '').split(';')[0]
    const req = (method, cookie) => new Request('http://localhost/', { method, headers: cookie ? { cookie } : {} })
    const first = await web.getSession(req('POST'), options)
    first.user = 'alice'
    const c1 = cookieOf(await first.apply(new Response('in')))
    const inFlight = await web.getSession(req('POST', c1), options) // loaded before the re-login
    const relogin = await web.getSession(req('POST', c1), options)
    await relogin.regenerate({ keep: true })
    await relogin.apply(new Response('again'))
    inFlight.n = 1
    await inFlight.apply(new Response('late'))
    await assert.rejects(web.getSession(req('POST', c1), options), (e) => e.code === 'ESESSIONREGENERATED', 'the old id stays refused (409)')
  })
})
