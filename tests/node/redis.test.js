'use strict'
// session-core/express with a real Redis server through connect-redis (the reference
// express-session store): sessions persist, TTLs follow the cookie, destroy removes the key, and
// express-session reads what session-core wrote (and back) through the same Redis.
// The test starts its own redis-server on a loopback port and stops it.
const { describe, it, before, after } = require('node:test')
const assert = require('node:assert')
const { spawn, spawnSync } = require('node:child_process')
const net = require('node:net')
const request = require('supertest')
const { createClient } = require('redis')
const { RedisStore } = require('connect-redis')
const expressSession = require('express-session')
const { session, EXPRESSES, cookiePair, sidOf, sleep } = require('./helpers')

function freePort () {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => resolve(port))
    })
  })
}

describe('with a real Redis server (connect-redis)', () => {
  let server
  let client
  before(async () => {
    assert.strictEqual(spawnSync('redis-server', ['--version']).status, 0, 'redis-server is installed (make test installs it)')
    const port = await freePort()
    server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' })
    client = createClient({ url: `redis://127.0.0.1:${port}` })
    client.on('error', () => {})
    for (let i = 0; i < 50; i++) {
      try {
        await client.connect()
        break
      } catch (e) {
        await sleep(100)
      }
    }
    assert.ok(client.isReady, 'connected to redis-server')
  })
  after(async () => {
    if (client && client.isOpen) await client.quit()
    if (server) server.kill()
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
