'use strict'
// MongoDB through a real express-session store: connect-mongo 6 on the mongodb 7 driver as the
// store of session-core/express, on real Express 4 and 5: sign in (regenerate, keeping the data),
// a counter kept across requests, sign out (the record removed, the cookie expired), and the same
// records read by express-session itself. The server is NX-27017, a MongoDB wire-protocol server
// backed by SQLite (tests/node/mongo-server.js installs and starts it), not mongod; it answers
// connect-mongo's read of an id with another live record when there is one (the last test here),
// so each test keeps one live session per collection at a time.
const { describe, it, before, after } = require('node:test')
const assert = require('node:assert')
const request = require('supertest')
const { MongoClient } = require('mongodb')
const { MongoStore } = require('connect-mongo')
const expressSession = require('express-session')
const { session, EXPRESSES, cookiePair, sidOf } = require('./helpers')
const mongo = require('./mongo-server')

const SECRET = 'a mongo-test secret, long enough to pass the checks'

let server
let client
before(async () => {
  server = await mongo.start()
  client = new MongoClient(server.url, { serverSelectionTimeoutMS: 5000 })
  await client.connect()
})
after(async () => {
  if (client) await client.close()
  if (server) await server.stop()
})

function app (express, middleware) {
  const a = express()
  a.use(middleware)
  a.post('/login/:user', (req, res, next) => req.session.regenerate((err) => {
    if (err) return next(err)
    req.session.user = req.params.user
    res.send('ok')
  }))
  a.post('/count', (req, res) => {
    req.session.count = (req.session.count || 0) + 1
    res.json({ user: req.session.user || null, count: req.session.count })
  })
  a.get('/me', (req, res) => res.json({ user: req.session.user || null, count: req.session.count || 0 }))
  a.post('/logout', (req, res, next) => req.session.destroy((err) => (err ? next(err) : res.send('bye'))))
  a.use((err, req, res, next) => (res.headersSent ? next(err) : res.status(err.status || 500).send(err.code || err.message)))
  return a
}

let collections = 0
for (const [label, express] of EXPRESSES) {
  describe(`connect-mongo 6 (mongodb 7) through session-core/express on ${label}`, () => {
    it('sign in, a counter across requests, sign out; express-session reads the same records', async () => {
      const store = MongoStore.create({ client, dbName: 'session_core_test', collectionName: `sessions${++collections}` })
      const collection = client.db('session_core_test').collection(`sessions${collections}`)
      const a = app(express, session({ secret: SECRET, store, resave: false, saveUninitialized: false, cookie: { maxAge: 60000 } }))

      // a visitor counts, then signs in: the session is regenerated and the data kept
      const first = cookiePair(await request(a).post('/count').expect(200, { user: null, count: 1 }))
      assert.ok(first)
      assert.strictEqual(await collection.countDocuments({}), 1)
      const login = await request(a).post('/login/alice').set('Cookie', first).expect(200, 'ok')
      const cookie = cookiePair(login)
      assert.notStrictEqual(sidOf(cookie), sidOf(first), 'a new id at sign-in')
      assert.strictEqual(await collection.countDocuments({ _id: sidOf(first) }), 0, 'the pre-login record is gone')
      for (let n = 1; n <= 3; n++) {
        assert.deepStrictEqual((await request(a).post('/count').set('Cookie', cookie).expect(200)).body, { user: 'alice', count: n })
      }

      // the record is express-session's JSON: connect-mongo's own get, and express-session itself, read it
      const stored = await new Promise((resolve, reject) => store.get(sidOf(cookie), (e, s) => (e ? reject(e) : resolve(s))))
      assert.strictEqual(stored.user, 'alice')
      assert.strictEqual(stored.count, 3)
      assert.strictEqual(await new Promise((resolve, reject) => store.length((e, n) => (e ? reject(e) : resolve(n)))), 1)
      const peer = app(express, expressSession({ secret: SECRET, store, resave: false, saveUninitialized: false, cookie: { maxAge: 60000 } }))
      assert.deepStrictEqual((await request(peer).post('/count').set('Cookie', cookie).expect(200)).body, { user: 'alice', count: 4 })
      assert.deepStrictEqual((await request(a).get('/me').set('Cookie', cookie).expect(200)).body, { user: 'alice', count: 4 })

      // sign out: the record is removed and the cookie expired; the cookie opens nothing afterwards
      const out = await request(a).post('/logout').set('Cookie', cookie).expect(200, 'bye')
      assert.match(out.headers['set-cookie'][0], /Expires=Thu, 01 Jan 1970 00:00:00 GMT/)
      assert.strictEqual(await collection.countDocuments({}), 0)
      assert.deepStrictEqual((await request(a).get('/me').set('Cookie', cookie).expect(200)).body, { user: null, count: 0 })
    })
  })
}

describe('the test server is NX-27017, not mongod', () => {
  it("still answers connect-mongo's read of an unknown id with another live record (docs/stores-and-redis.md: MongoDB)", async () => {
    // connect-mongo's get: { _id, $or: [{ expires: { $exists: false } }, { expires: { $gt: now } }] }.
    // NX-27017 0.8.1 (neosqlite 1.17.2) writes the $or into SQL without parentheses beside the _id
    // test, so any live record matches. mongod answers null. When this fails, the server was fixed:
    // drop this test and the warning in docs/stores-and-redis.md, and check an unknown id against several live sessions.
    const collection = client.db('session_core_test').collection('server_check')
    await collection.insertOne({ _id: 'live', expires: new Date(Date.now() + 60000), session: '{}' })
    const live = [{ expires: { $exists: false } }, { expires: { $gt: new Date() } }]
    assert.strictEqual(await collection.countDocuments({ _id: 'unknown', $or: live }), 0, 'a count is right')
    assert.strictEqual((await collection.findOne({ _id: 'unknown', $or: live }))._id, 'live', 'a find is not')
    await collection.drop()
  })
})
