'use strict'
// Two app processes (tests/node/redis-app.js, Express 4 and Express 5, one on node-redis, one on
// ioredis) sharing one real Redis and, separately, one real 3+3 Redis Cluster: sessions cross
// processes, sign-out on one ends the session on both, a restart keeps sessions, overlapping
// requests lose no update (and connect-redis + express-session, same run, is shown losing some);
// faults: the standalone server stopped mid-traffic (clients with their defaults, offline queue on)
// fails each request fast with 503, and when it returns the same processes serve again and no
// timed-out write shows up later.
const { describe, it, before, after } = require('node:test')
const assert = require('node:assert')
const servers = require('./redis-servers')
const { startApp } = require('./redis-apps')
const { sleep } = servers

let standalone
let cluster
before(async () => {
  ;[standalone, cluster] = await Promise.all([servers.standalone(), servers.cluster()])
})
after(async () => {
  await Promise.all([standalone && standalone.stop(), cluster && cluster.stop()])
})

const keysOf = async (a, cookie) => JSON.parse((await a.get('/me', cookie)).body)

for (const kind of ['standalone', 'Cluster']) {
  describe(`two app processes on one Redis ${kind}`, () => {
    let A
    let B
    let envA
    const target = () => (kind === 'Cluster' ? { rootNodes: cluster.rootNodes } : { url: standalone.url })
    before(async () => {
      envA = { SC_EXPRESS: 'express4', SC_CLIENT: kind === 'Cluster' ? 'redis6' : 'redis5', SC_TARGET: target() }
      ;[A, B] = await Promise.all([startApp(envA), startApp({ SC_EXPRESS: 'express5', SC_CLIENT: 'ioredis6', SC_TARGET: target() })])
    })
    after(async () => {
      await Promise.all([A && A.stop(), B && B.stop()])
    })

    it('a session made on one is read on the other; sign-out on one ends it on both; a restart keeps sessions', async () => {
      const login = await A.get('/login?user=alice')
      assert.strictEqual(login.status, 200)
      const cookie = login.cookie
      assert.strictEqual((await keysOf(B, cookie)).user, 'alice')
      const other = (await B.get('/login?user=bob')).cookie
      await A.stop()
      A = await startApp(envA)
      assert.strictEqual((await keysOf(A, cookie)).user, 'alice', 'kept across a restart')
      assert.strictEqual((await keysOf(A, other)).user, 'bob')
      assert.strictEqual((await B.get('/logout', cookie)).body, 'out')
      assert.strictEqual((await keysOf(A, cookie)).user, null)
      assert.strictEqual((await keysOf(B, cookie)).user, null)
      assert.strictEqual((await keysOf(A, other)).user, 'bob')
    })

    it('200 overlapping requests over both processes, each setting a different key: all 200 land, none fails', async () => {
      const cookie = (await A.get('/login?user=carol')).cookie
      const results = await Promise.all(Array.from({ length: 200 }, (_, i) => (i % 2 ? A : B).get(`/set?k=k${i}`, cookie)))
      assert.deepStrictEqual(results.filter((r) => r.status !== 200).map((r) => r.body), [])
      assert.strictEqual((await keysOf(A, cookie)).keys, 200)
    })

    it('200 overlapping increments over both processes end at exactly 200', async () => {
      const cookie = (await A.get('/login?user=dave')).cookie
      const results = await Promise.all(Array.from({ length: 200 }, (_, i) => (i % 2 ? A : B).get('/inc', cookie)))
      assert.deepStrictEqual(results.filter((r) => r.status !== 200).map((r) => r.body), [])
      assert.strictEqual((await keysOf(B, cookie)).n, 200)
    })
  })
}

describe('connect-redis + express-session, same run, for comparison', () => {
  it('loses updates when 200 overlapping requests over two processes set different keys', async () => {
    const env = { SC_STORE: 'connect-redis', SC_EXPRESS: 'express4', SC_TARGET: { url: standalone.url } }
    const [A, B] = await Promise.all([startApp(env), startApp(env)])
    try {
      const cookie = (await A.get('/login?user=erin')).cookie
      await Promise.all(Array.from({ length: 200 }, (_, i) => (i % 2 ? A : B).get(`/set?k=k${i}`, cookie)))
      const kept = (await keysOf(A, cookie)).keys
      await Promise.all(Array.from({ length: 200 }, (_, i) => (i % 2 ? A : B).get('/inc', cookie)))
      const n = (await keysOf(A, cookie)).n
      console.log(`# connect-redis + express-session: kept ${kept} of 200 keys (lost ${200 - kept}); 200 increments ended at ${n}`)
      assert.ok(kept < 200, 'connect-redis loses some')
    } finally {
      await Promise.all([A.stop(), B.stop()])
    }
  })
})

describe('faults: the standalone Redis stopped mid-traffic', () => {
  it('each request fails within operationTimeout + 200 ms (503); when Redis returns the same processes serve again; no late write', async () => {
    const own = await servers.standalone()
    const OP = 500
    const env = (express, client) => ({ SC_EXPRESS: express, SC_CLIENT: client, SC_TARGET: { url: own.url }, SC_OPTIONS: { operationTimeout: OP } })
    const [A, B] = await Promise.all([startApp(env('express4', 'redis5')), startApp(env('express5', 'ioredis6'))])
    try {
      const cookie = (await A.get('/login?user=frank')).cookie
      const gone = (await A.get('/login?user=gina')).cookie
      // requests that load their session now and write it after the server has stopped
      const heldA = A.get('/hold?ms=400&k=lateA', cookie)
      const heldB = B.get('/hold?ms=400&k=lateB', cookie)
      const heldGone = A.get('/hold?ms=400&k=revived', gone)
      await sleep(100)
      assert.strictEqual((await B.get('/logout', gone)).body, 'out')
      await own.node.stop(true) // SHUTDOWN SAVE: the data comes back with the server
      const during = await Promise.all([heldA, heldB, heldGone,
        ...Array.from({ length: 20 }, (_, i) => (i % 2 ? A : B).get('/me', cookie))])
      // the held requests' writes fail after their response was committed: next(err) still hears it
      const held = during.slice(0, 3)
      for (const r of during.slice(3)) {
        assert.strictEqual(r.status, 503, r.body)
        assert.match(JSON.parse(r.body).code, /^ESESSIONSTORE_(TIMEOUT|UNAVAILABLE)$/)
      }
      const loads = during.slice(3)
      assert.ok(loads.every((r) => r.ms <= OP + 200), `request times while down: ${loads.map((r) => r.ms).join(', ')} ms`)
      assert.ok(held.every((r) => r.ms <= 400 + OP + 200), `held requests: ${held.map((r) => r.ms)} ms`)
      await own.node.start()
      let back = false
      for (let i = 0; i < 100 && !back; i++) {
        const [a, b] = await Promise.all([A.get('/me', cookie), B.get('/me', cookie)])
        back = a.status === 200 && b.status === 200
        if (!back) await sleep(100)
      }
      assert.ok(back, 'both processes serve sessions again')
      await sleep(OP + 300)
      const reported = (A.stderr() + B.stderr()).match(/^NEXT_ERR 503 ESESSIONSTORE_(TIMEOUT|UNAVAILABLE)$/gm) || []
      assert.strictEqual(reported.length, 3, A.stderr() + B.stderr())
      const me = JSON.parse((await A.get('/me', cookie)).body)
      assert.strictEqual(me.user, 'frank', 'the session is still there')
      const stored = JSON.parse(await own.cli('GET', 'sess:' + decodeURIComponent(cookie.split('=')[1]).slice(2).split('.')[0]))
      assert.strictEqual(stored.lateA, undefined, 'no timed-out write showed up later')
      assert.strictEqual(stored.lateB, undefined, 'no timed-out write showed up later')
      assert.strictEqual(JSON.parse((await A.get('/me', gone)).body).user, null, 'the destroyed session stays destroyed')
      assert.strictEqual(JSON.parse((await B.get('/me', gone)).body).user, null)
      assert.doesNotMatch(A.stderr() + B.stderr(), /UNHANDLED/)
    } finally {
      await Promise.all([A.stop(), B.stop()])
      await own.stop()
    }
  })
})
