'use strict'
// session-core/express with a real Redis server through connect-redis (the reference
// express-session store): sessions persist, TTLs follow the cookie, destroy removes the key, and
// express-session reads what session-core wrote (and back) through the same Redis.
// The test starts its own redis-server on a loopback port (tests/node/redis-servers.js) and stops it.
// session-core/redis (RedisStore) reads what connect-redis wrote and back: an app switches without
// signing anybody out.
const { describe, it, before, after } = require('node:test')
const assert = require('node:assert')
const request = require('supertest')
const { createClient } = require('redis')
const { RedisStore } = require('connect-redis')
const expressSession = require('express-session')
const path = require('node:path')
const { session, EXPRESSES, cookiePair, sidOf } = require('./helpers')
const { dir } = require('./pkg')
const servers = require('./redis-servers')
const OurRedisStore = require(path.join(dir, 'redis'))

describe('with a real Redis server (connect-redis)', () => {
  let server
  let client
  before(async () => {
    server = await servers.standalone()
    client = createClient({ url: server.url })
    client.on('error', () => {})
    await client.connect()
    assert.ok(client.isReady, 'connected to redis-server')
  })
  after(async () => {
    if (client && client.isOpen) await client.quit()
    if (server) await server.stop()
  })

  for (const [label, express] of EXPRESSES) {
    it(`${label}: sessions live in Redis with the cookie's TTL; destroy removes them`, async () => {
      const store = new RedisStore({ client, prefix: `sc:${label}:` })
      const app = express()
        .use(session({ secret: 'keyboard cat', store, resave: false, saveUninitialized: false, cookie: { maxAge: 60000 } }))
        .use(async (req, res) => {
          if (req.query.out) {
            await req.session.destroy()
            return res.send('out')
          }
          req.session.n = (req.session.n || 0) + 1
          res.send(String(req.session.n))
        })
      const r = await request(app).get('/').expect('1')
      const key = `sc:${label}:${sidOf(cookiePair(r))}`
      const stored = JSON.parse(await client.get(key))
      assert.strictEqual(stored.n, 1)
      const ttl = await client.ttl(key)
      assert.ok(ttl > 50 && ttl <= 60, `ttl ${ttl}`)
      await request(app).get('/').set('Cookie', cookiePair(r)).expect('2')
      await request(app).get('/?out=1').set('Cookie', cookiePair(r)).expect('out')
      assert.strictEqual(await client.exists(key), 0)
    })
  }

  it('express-session and session-core share sessions through Redis, both ways', async () => {
    const express = EXPRESSES[0][1]
    const opts = { secret: 'keyboard cat', resave: false, saveUninitialized: false, cookie: { maxAge: 60000 } }
    const handler = (req, res) => {
      req.session.n = (req.session.n || 0) + 1
      res.send(String(req.session.n))
    }
    const theirs = express().use(expressSession({ ...opts, store: new RedisStore({ client, prefix: 'shared:' }) })).use(handler)
    const ours = express().use(session({ ...opts, store: new RedisStore({ client, prefix: 'shared:' }) })).use(handler)
    const r = await request(theirs).get('/').expect('1')
    await request(ours).get('/').set('Cookie', cookiePair(r)).expect('2')
    await request(theirs).get('/').set('Cookie', cookiePair(r)).expect('3')
    const r2 = await request(ours).get('/').expect('1')
    await request(theirs).get('/').set('Cookie', cookiePair(r2)).expect('2')
  })

  it('express-session + connect-redis and session-core + session-core/redis share sessions, both ways', async () => {
    const express = EXPRESSES[1][1]
    const opts = { secret: 'keyboard cat', resave: false, saveUninitialized: false, cookie: { maxAge: 60000 } }
    const handler = (req, res) => {
      req.session.n = (req.session.n || 0) + 1
      res.send(String(req.session.n))
    }
    const theirs = express().use(expressSession({ ...opts, store: new RedisStore({ client, prefix: 'switch:' }) })).use(handler)
    const ours = express().use(session({ ...opts, store: new OurRedisStore({ client, prefix: 'switch:' }) })).use(handler)
    const r = await request(theirs).get('/').expect('1') // a user signed in before the switch
    await request(ours).get('/').set('Cookie', cookiePair(r)).expect('2') // ... stays signed in after it
    await request(theirs).get('/').set('Cookie', cookiePair(r)).expect('3') // ... and a rollback reads it
    const r2 = await request(ours).get('/').expect('1')
    await request(theirs).get('/').set('Cookie', cookiePair(r2)).expect('2')
    const ttl = await client.ttl('switch:' + sidOf(cookiePair(r2)))
    assert.ok(ttl > 50 && ttl <= 60, `ttl ${ttl}`)
  })

  it('a store error from Redis reaches next(err)', async () => {
    const express = EXPRESSES[1][1]
    const broken = new RedisStore({ client, prefix: 'broken:' })
    broken.get = async () => { throw new Error('READONLY You can\'t write against a read only replica.') }
    const app = express()
      .use(session({ secret: 'k', store: broken, resave: false, saveUninitialized: true }))
      .use((req, res) => res.send('ok'))
      .use((err, req, res, next) => res.status(503).send(err.message))
    const r = await request(app).get('/').expect(200)
    await request(app).get('/').set('Cookie', cookiePair(r)).expect(503, /READONLY/)
  })
})
