'use strict'
// HTTP throughput on Redis: session-core/express with session-core/redis vs express-session with
// connect-redis, on the same redis-server (started here, loopback), in the same run, Express 5,
// both through node-redis 5 with its defaults. Each of the 50 connections is one user with a session
// of its own; every request reads its session and changes it (`req.session.n++`), so every response
// writes it. (Many requests on one session at once is the lost-update case: tests/node/redis-apps.) Interleaved rounds (each round runs both), and
// the ratio is the median of the rounds' own ratios. Target: >= 1.3x. A third server is
// session-core/redis with a subscriber on every session-core diagnostics channel (what a /metrics
// endpoint does), to show what listening costs.
// BENCH_SECONDS (default 3), BENCH_ROUNDS (default 5), BENCH_QUICK=1 (1 round of 1 s). Run: node bench/redis.js
const path = require('node:path')
const { PKG, QUICK, median, round, report, versionOf, serveToParent, startServer, cpuOf, cookieFor } = require('./lib')

const SECONDS = Number(process.env.BENCH_SECONDS || (QUICK ? 1 : 3))
const ROUNDS = Number(process.env.BENCH_ROUNDS || (QUICK ? 1 : 5))
const WARMUP = QUICK ? 0.5 : 1
const CONNECTIONS = 50
const CONFIGS = ['session-core/redis', 'connect-redis', 'session-core/redis + channels']

if (process.argv[2] === 'serve') {
  const [, , , name, url] = process.argv
  const express = require('express5')
  const { createClient } = require('redis')
  const client = createClient({ url })
  client.on('error', () => {})
  const opts = { secret: 'keyboard cat', resave: false, saveUninitialized: false, cookie: { maxAge: 3600000 } }
  let mw
  if (name === 'connect-redis') {
    const { RedisStore } = require('connect-redis')
    mw = require('express-session')({ ...opts, store: new RedisStore({ client, prefix: 'bench-cr:' }) })
  } else {
    if (name.endsWith('+ channels')) {
      // as a metrics endpoint listens: a counter per event, a sum of store call durations
      const dc = require('node:diagnostics_channel')
      const seen = {}
      for (const ch of ['load', 'create', 'save', 'touch', 'destroy', 'regenerate', 'reject', 'store']) {
        dc.subscribe('session-core:' + ch, (m) => { seen[ch] = (seen[ch] || 0) + (m.duration || 1) })
      }
    }
    const RedisStore = require(path.join(PKG, 'redis'))
    mw = require(path.join(PKG, 'express'))({ ...opts, store: new RedisStore({ client, prefix: 'bench-sc:' }) })
  }
  const app = express().use(mw).get('/', (req, res) => {
    req.session.n = (req.session.n || 0) + 1
    if (req.headers['x-check']) res.setHeader('x-n', String(req.session.n))
    res.send('ok')
  })
  client.connect().then(() => serveToParent(app.listen(0, '127.0.0.1')))
}

const start = (name, url) => startServer(__filename, ['serve', name, url])

/** One session cookie per connection. */
async function cookiesFor (port, label) {
  const out = []
  for (let i = 0; i < CONNECTIONS; i++) out.push(await cookieFor(port, label))
  return out
}

function load (port, cookies, seconds) {
  let next = 0
  return new Promise((resolve, reject) => {
    require('autocannon')({
      url: `http://127.0.0.1:${port}/`,
      connections: CONNECTIONS,
      duration: seconds,
      setupClient: (client) => client.setHeaders({ cookie: cookies[next++ % cookies.length] })
    }, (err, result) => (err ? reject(err) : resolve(result)))
  })
}

const cpu = cpuOf

async function main () {
  const server = await require('../tests/node/redis-servers').standalone()
  try {
    console.log(`Redis: Express 5, ${CONNECTIONS} connections, each its own session, ${SECONDS} s per run, ${ROUNDS} interleaved rounds, redis-server on loopback`)
    const runs = []
    for (const name of CONFIGS) {
      const r = { name, ...(await start(name, server.url)), rps: [], cpu: [], p99: [] }
      r.cookie = await cookiesFor(r.port, name)
      runs.push(r)
    }
    for (const r of runs) await load(r.port, r.cookie, WARMUP)
    for (let i = 1; i <= ROUNDS; i++) {
      for (const r of runs) {
        const before = await cpu(r.child)
        const res = await load(r.port, r.cookie, SECONDS)
        const used = (await cpu(r.child)) - before
        if (res.non2xx || res.errors) throw new Error(`${r.name}: ${res.non2xx} non-2xx, ${res.errors} errors`)
        r.rps.push(res.requests.average)
        r.cpu.push(used / res.requests.total)
        r.p99.push(res.latency.p99)
        console.log(`round ${i}  ${r.name.padEnd(20)} ${res.requests.average.toFixed(0).padStart(7)} req/s  ${(used / res.requests.total).toFixed(1).padStart(6)} µs CPU/request  p99 ${res.latency.p99} ms`)
      }
    }
    for (const r of runs) r.child.send('exit')
    const [ours, theirs, listened] = runs
    const ratio = median(ours.rps.map((x, i) => x / theirs.rps[i]))
    const cpuRatio = median(ours.cpu.map((x, i) => theirs.cpu[i] / x))
    const channelsRatio = median(listened.rps.map((x, i) => x / ours.rps[i]))
    const out = {
      seconds: SECONDS,
      rounds: ROUNDS,
      connections: CONNECTIONS,
      versions: { express5: versionOf('express5'), redis: versionOf('redis'), 'connect-redis': versionOf('connect-redis'), 'express-session': versionOf('express-session') },
      configs: Object.fromEntries(runs.map((r) => [r.name, { reqPerSec: round(median(r.rps), 0), cpuUsPerRequest: round(median(r.cpu), 1), p99ms: median(r.p99), rounds: r.rps.map((x) => round(x, 0)) }])),
      ratio: round(ratio),
      cpuRatio: round(cpuRatio),
      channelsRatio: round(channelsRatio)
    }
    console.log(`\n  session-core/redis / connect-redis: ${ratio.toFixed(2)}x   (by server CPU per request: ${cpuRatio.toFixed(2)}x)   target >= 1.3x`)
    console.log(`  with a subscriber on every diagnostics channel / without: ${channelsRatio.toFixed(2)}x`)
    report(out)
  } finally {
    await server.stop()
  }
}

// (a child process: serves, or runs its part, and never measures)
if (process.argv[2] !== 'serve') main().catch((err) => { console.error(err); process.exit(1) })
