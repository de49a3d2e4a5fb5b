'use strict'
// Run by no-ids-in-output.test.js as a child process with DEBUG=session-core:* (debug reads it at
// load): an Express app on session-core/redis and a real redis-server, driven through every store
// fault it can meet (timeout, unavailable, bad record, id collision, a write gone, a lost merge race,
// a late write, replicas that do not acknowledge, a sign-out everywhere, a regenerate grace 409),
// with hashIds off and on. It prints one JSON line on stdout: every id and store key it used, and
// every error message, event and warning it saw; its stderr (the debug lines) is read by the parent.
const path = require('node:path')
const dc = require('node:diagnostics_channel')
const request = require('supertest')
const { dir } = require('./pkg')
const servers = require('./redis-servers')
const { open } = require('./redis-clients')

const session = require(path.join(dir, 'express'))
const RedisStore = require(path.join(dir, 'redis'))
const sc = require(dir)
const native = require(path.join(dir, 'native'))
const express = require('express5')

const SECRET = 'a no-ids-in-output secret, long enough for the checks'
const seen = { ids: new Set(), messages: [], events: [], warnings: [] }
const note = (what, m) => seen.messages.push(`${what}: ${m}`)

for (const name of ['load', 'create', 'save', 'touch', 'destroy', 'regenerate', 'reject', 'store']) {
  dc.channel('session-core:' + name).subscribe((msg) => seen.events.push(name + ' ' + JSON.stringify(msg)))
}
process.on('warning', (w) => seen.warnings.push(`${w.name} ${w.code || ''} ${w.message}`))

function app (store, extra) {
  const a = express()
  const genid = extra.genid || (() => {
    const id = sc.generateSessionId()
    seen.ids.add(id)
    return id
  })
  a.use(session({ secret: SECRET, store, resave: false, saveUninitialized: false, regenerateGrace: 5000, user: (req) => req.session.user, ...extra, genid }))
  a.post('/login', (req, res, next) => {
    req.session.user = 'alice'
    res.send('in')
  })
  a.post('/relogin', async (req, res) => {
    await req.session.regenerate({ keep: true })
    res.send('again')
  })
  a.get('/me', (req, res) => res.json({ user: req.session.user || null }))
  a.post('/inc', (req, res) => { req.session.increment('n'); res.send('inc') })
  a.post('/hold', (req, res) => {
    // loaded now, changed once the test says so (a write after the record changed or went)
    a.locals.release = () => { req.session.increment('n'); res.send('held') }
    a.locals.holding()
  })
  a.post('/everywhere', async (req, res) => res.json({ ended: await req.sessionStore.destroyUser('alice') }))
  a.get('/devices', async (req, res) => res.json(await req.sessionStore.sessionsOf('alice', { current: req.sessionID })))
  a.use((err, req, res, next) => {
    note(`next(err) ${err.code}`, err.message)
    if (err.stack) note('stack', err.stack)
    if (res.headersSent) return
    res.status(err.status || 500).send(err.message)
  })
  return a
}

const pair = (res) => (res.headers['set-cookie'] || []).map((c) => c.split(';')[0]).find((c) => c.startsWith('connect.sid=')) || ''

async function run (redis, hashIds) {
  const { client, close } = await open('redis5', { url: redis.url })
  const store = new RedisStore({ client, operationTimeout: 300, retries: 3 })
  store.on('gone', (err) => note('gone event', err.message))
  const a = app(store, { hashIds })
  const login = async () => pair(await request(a).post('/login'))

  // a login, a load, a re-login (regenerate keep: a tombstone), the old id read and written inside the window
  const c1 = await login()
  await request(a).get('/me').set('Cookie', c1)
  const c2 = pair(await request(a).post('/relogin').set('Cookie', c1))
  await request(a).get('/me').set('Cookie', c1)
  await request(a).post('/inc').set('Cookie', c1) // 409 ESESSIONREGENERATED
  await request(a).get('/devices').set('Cookie', c2)

  // a lost merge race: the held request's compare-and-set meets the record another request changed
  await new Promise((resolve) => {
    a.locals.holding = resolve
    a.locals.pending = request(a).post('/hold').set('Cookie', c2).then((r) => r)
  })
  await request(a).post('/inc').set('Cookie', c2)
  a.locals.release()
  await a.locals.pending

  // a write gone: the held request's session is destroyed before it writes (the 'gone' event)
  const c3 = await login()
  await new Promise((resolve) => {
    a.locals.holding = resolve
    a.locals.pending = request(a).post('/hold').set('Cookie', c3).then((r) => r)
  })
  await client.del((await keysOf(client)).filter((k) => !k.includes('user:') && !k.includes('regenerated:')))
  a.locals.release()
  await a.locals.pending

  // a record that is not JSON, and one that is JSON but no record
  const c4 = await login()
  for (const k of await keysOf(client)) if (!k.includes('user:') && !k.includes('regenerated:')) await client.set(k, 'not json {')
  await request(a).get('/me').set('Cookie', c4)
  const c5 = await login()
  for (const k of await keysOf(client)) if (!k.includes('user:') && !k.includes('regenerated:')) await client.set(k, '[1,2]')
  await request(a).get('/me').set('Cookie', c5)
  await client.flushAll()

  // an id collision: genid hands out an id that has a record already
  const fixed = sc.generateSessionId()
  seen.ids.add(fixed)
  await request(app(store, { hashIds, genid: () => fixed })).post('/login')
  // (another store instance, as another process: this one would know the record as its own)
  const other = new RedisStore({ client, operationTimeout: 300 })
  await request(app(other, { hashIds, genid: () => fixed })).post('/login')

  // a late write (the script refuses it): the store's clock is ahead of Redis's by more than the
  // timeout for one write, which a real Redis refuses (Date.now moved: the one fault not made for real)
  const c6 = await login()
  const now = Date.now
  Date.now = () => now() - 10000
  try {
    await request(a).post('/inc').set('Cookie', c6)
    await store.touch(fixed, { cookie: { expires: null } }).catch((e) => note('touch', e.message))
  } finally {
    Date.now = now
  }

  // replicas that never acknowledge (a server without replicas, waitReplicas: 1)
  const waiting = new RedisStore({ client, operationTimeout: 300, waitReplicas: 1 })
  await request(app(waiting, { hashIds })).post('/login')

  // a sign-out everywhere, then the signed-out cookies and the tombstone's old id
  const c7 = await login()
  await request(a).post('/everywhere').set('Cookie', c7)
  for (const c of [c1, c2, c7]) await request(a).get('/me').set('Cookie', c)

  // Redis paused: every call times out (get, set, destroy, merge), and a regenerate fails once
  const c8 = await login()
  await client.sendCommand(['CLIENT', 'PAUSE', '1500', 'ALL'])
  await request(a).get('/me').set('Cookie', c8)
  await request(a).post('/relogin').set('Cookie', c8)
  await request(a).post('/login')
  await new Promise((resolve) => setTimeout(resolve, 1600))

  // every store key this run saw (ids, hashed keys, tombstones, user index keys)
  const keys = await keysOf(client)
  await client.flushAll()
  await close()
  return keys
}

async function keysOf (client) {
  return (await client.keys('*')).map(String)
}

async function main () {
  const redis = await servers.standalone()
  const keys = []
  try {
    for (const hashIds of [false, true]) keys.push(...await run(redis, hashIds))
  } finally {
    await redis.stop()
  }
  // every id and its store key with hashIds (a tombstone's key and a Redis key hold one of them)
  const secrets = new Set(keys)
  for (const id of seen.ids) {
    secrets.add(id)
    secrets.add(native.storeKeys(id, true).key)
  }
  process.stdout.write(JSON.stringify({ ids: [...seen.ids], keys: [...secrets], messages: seen.messages, events: seen.events, warnings: seen.warnings }) + '\n')
}

main().then(() => process.exit(0), (err) => {
  process.stderr.write('RUN FAILED ' + (err && err.stack) + '\n')
  process.exit(1)
})
