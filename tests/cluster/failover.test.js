'use strict'
// Redis Cluster failover under traffic (`make test-cluster`; .ci/run runs it after `make test`):
// a 3+3 Cluster, two app processes (node-redis 6 and ioredis 6) with `waitReplicas: 1`, and a
// master killed (SIGKILL) five times over the run, each killed node restarted to rejoin as a
// replica. Traffic continues after each promotion with no restart; the requests that failed during
// each failover are reported; no write acknowledged to a client is lost.
const { it, before, after } = require('node:test')
const assert = require('node:assert')
const servers = require('../node/redis-servers')
const { startApp } = require('../node/redis-apps')
const { sleep } = servers

let cluster
let apps = []
before(async () => { cluster = await servers.cluster() })
after(async () => {
  await Promise.all(apps.map((a) => a.stop()))
  if (cluster) await cluster.stop()
})

it('five master failovers under traffic: traffic continues, no acknowledged write is lost', { timeout: 240000 }, async () => {
  const target = { rootNodes: cluster.rootNodes }
  const options = { waitReplicas: 1, operationTimeout: 1000 }
  apps = await Promise.all([
    startApp({ SC_EXPRESS: 'express4', SC_CLIENT: 'redis6', SC_TARGET: target, SC_OPTIONS: options }),
    startApp({ SC_EXPRESS: 'express5', SC_CLIENT: 'ioredis6', SC_TARGET: target, SC_OPTIONS: options })
  ])
  const [A, B] = apps
  const SESSIONS = 24
  const cookies = []
  for (let i = 0; i < SESSIONS; i++) cookies.push((await (i % 2 ? A : B).get('/login?user=u' + i)).cookie)
  const acked = cookies.map(() => new Set())
  let window = null // the failover in progress: its counts
  const counts = { ok: 0, failed: 0 }
  let running = true
  // one loop per session: sequential requests, alternating processes, each adding one key
  const loops = cookies.map(async (cookie, s) => {
    for (let n = 0; running; n++) {
      const k = `k${n}`
      let r
      try {
        r = await (n % 2 ? A : B).get(`/save?k=${k}`, cookie)
      } catch (e) {
        r = { status: 0 }
      }
      const w = window || counts
      if (r.status === 200 && r.body === 'saved') {
        acked[s].add(k)
        w.ok++
      } else {
        w.failed++
        await sleep(50)
      }
    }
  })
  const report = []
  async function failover (f) {
    await sleep(1500)
    const masters = await cluster.masters()
    const port = masters[f % masters.length]
    const node = cluster.nodes.find((n) => n.port === port)
    window = { ok: 0, failed: 0 }
    const t0 = Date.now()
    await node.kill()
    const until0 = Date.now() + 30000
    for (;;) {
      const now = await cluster.masters()
      if (!now.includes(port) && now.length === 3) break
      assert.ok(Date.now() < until0, `failover ${f}: a replica of :${port} was promoted`)
      await sleep(50)
    }
    await cluster.waitOk(30000)
    const promoted = Date.now() - t0
    // traffic flows again after the promotion, with no restart
    const before = window.ok
    const until = Date.now() + 10000
    while (window.ok < before + 20 && Date.now() < until) await sleep(50)
    assert.ok(window.ok >= before + 20, `failover ${f}: traffic continues after the promotion`)
    await node.start() // rejoins as a replica of the promoted node
    await cluster.waitOk(30000)
    // ... and has synced with its new master (so it can be promoted in turn)
    const until2 = Date.now() + 30000
    for (;;) {
      const line = (await cluster.cli(port, 'CLUSTER', 'NODES')).split('\n').find((l) => l.includes('myself'))
      const info = await cluster.cli(port, 'INFO', 'replication')
      if (/slave/.test(line) && /master_link_status:up/.test(info) && /master_sync_in_progress:0/.test(info)) break
      assert.ok(Date.now() < until2, `failover ${f}: :${port} rejoined as a synced replica`)
      await sleep(100)
    }
    const w = window
    window = null
    report.push(`failover ${f}: master :${port} killed, replica promoted and cluster ok after ${promoted} ms; ` +
      `until the node rejoined as a replica ${w.failed} requests failed, ${w.ok} succeeded`)
  }
  try {
    for (let f = 1; f <= 5; f++) await failover(f)
  } finally {
    running = false
    await Promise.all(loops)
    for (const line of report) console.log('# ' + line)
  }
  console.log(`# outside failovers: ${counts.ok} succeeded, ${counts.failed} failed`)
  // every write a client was told succeeded is there
  let lost = 0
  let total = 0
  for (let s = 0; s < SESSIONS; s++) {
    const me = JSON.parse((await A.get('/me', cookies[s])).body)
    assert.strictEqual(me.user, 'u' + s)
    const stored = JSON.parse(await cluster.cli((await cluster.masters())[0], '-c', 'GET', 'sess:' + decodeURIComponent(cookies[s].split('=')[1]).slice(2).split('.')[0]))
    for (const k of acked[s]) {
      total++
      if (stored[k] !== true) lost++
    }
  }
  console.log(`# acknowledged writes: ${total}, lost: ${lost}`)
  assert.strictEqual(lost, 0, 'no acknowledged write lost')
})
