'use strict'
// Hono on Node (@hono/node-server): session-core/hono beside hono-sessions and iron-session on the
// same Hono app, each server in its own child process, autocannon on loopback, interleaved rounds
// (as bench/http.js). Every request reads and changes the session (`n++`), so every response
// writes its cookie.
//
//   bare                              Hono, no session
//   session-core/hono signed          kind: 'client' (cookie-session's signed cookie)
//   session-core/hono encrypted       kind: 'client', encrypt: true (XChaCha20-Poly1305)
//   session-core/hono store           server-side, its MemoryStore (the cookie holds the signed id)
//   hono-sessions cookie              CookieStore (its only client-side mode: sealed by iron-webcrypto)
//   hono-sessions memory              MemoryStore (server-side; the cookie holds the sealed id)
//   iron-session                      getIronSession(request, response), save() (always sealed)
//   floor (server)                    bench/floor-hono.js: express-session's semantics by hand, a Map
//   floor (client)                    bench/floor-hono.js, kind: 'client': cookie-session's format by hand
//
// Neither peer has a signed-only cookie: the signed figure is compared with the peers' cookie
// modes too (what a Hono user picks today for a client-side session). The floors are plain-JS Hono
// middlewares (node:crypto, the Set-Cookie appended to `c.res.headers`), doing what session-core/hono
// store and signed do here: no maxAge, so a returning server-side session gets no Set-Cookie; the
// client kind's cookies on every response (the session changes). They set the cache headers
// session-core sets by default unless BENCH_FLOOR_CACHE_HEADERS=0 (the output says which); targets:
// session-core/hono at least the floor's throughput, and its server CPU per request over bare at
// most the floor's + 3 µs (bench/targets.js). Ratios are medians of the per-round ratios.
// BENCH_SECONDS (default 3), BENCH_ROUNDS (default 5), BENCH_QUICK=1.
// Run: node bench/hono.js
const path = require('node:path')
const { PKG, QUICK, median, round, report, versionOf, serveToParent, startServer, cpuOf, cookieFor, FLOOR_CACHE_HEADERS, floorComparison, printFloor } = require('./lib')
const { describeCacheHeaders } = require('./floor-parts')

const SECONDS = Number(process.env.BENCH_SECONDS || (QUICK ? 1 : 3))
const ROUNDS = Number(process.env.BENCH_ROUNDS || (QUICK ? 1 : 5))
const WARMUP = QUICK ? 0.5 : 1
const CONNECTIONS = 50
const SECRET = 'a secret of at least thirty-two characters, for all'

const CONFIGS = {
  bare: { cookie: false },
  'session-core/hono signed': { cookie: true, sc: { kind: 'client', keys: [SECRET] } },
  'session-core/hono encrypted': { cookie: true, sc: { kind: 'client', keys: [SECRET], encrypt: true } },
  'session-core/hono store': { cookie: true, sc: { secret: SECRET, resave: false, saveUninitialized: false } },
  'hono-sessions cookie': { cookie: true, hs: 'cookie' },
  'hono-sessions memory': { cookie: true, hs: 'memory' },
  'iron-session': { cookie: true, iron: true },
  'floor (server)': { cookie: true, floor: { secret: SECRET } },
  'floor (client)': { cookie: true, floor: { kind: 'client', keys: [SECRET] } }
}

/** [key, a, b]: a's requests per second over b's. */
const RATIOS = [
  ['signedToHonoSessions', 'session-core/hono signed', 'hono-sessions cookie'],
  ['signedToIron', 'session-core/hono signed', 'iron-session'],
  ['encryptedToHonoSessions', 'session-core/hono encrypted', 'hono-sessions cookie'],
  ['encryptedToIron', 'session-core/hono encrypted', 'iron-session'],
  ['storeToHonoSessions', 'session-core/hono store', 'hono-sessions memory'],
  ['storeToFloor', 'session-core/hono store', 'floor (server)'],
  ['signedToFloor', 'session-core/hono signed', 'floor (client)']
]

/** session-core/hono beside the floor doing the same work: [key, session-core's configuration, the floor's]. */
const FLOORS = [
  ['server', 'session-core/hono store', 'floor (server)'],
  ['client', 'session-core/hono signed', 'floor (client)']
]

async function serve (name) {
  const { Hono } = await import('hono')
  const { serve } = await import('@hono/node-server')
  const config = CONFIGS[name]
  const app = new Hono()
  if (config.sc || config.floor) {
    const session = config.sc
      ? (await import(path.join(PKG, 'hono', 'index.mjs'))).session
      : (options) => require('./floor-hono').floorHono({ ...options, cacheHeaders: FLOOR_CACHE_HEADERS })
    app.use(session(config.sc || config.floor))
    app.get('/', (c) => {
      const s = c.get('session')
      s.n = (s.n || 0) + 1
      c.header('x-n', String(s.n))
      return c.text('ok')
    })
  } else if (config.hs) {
    const { sessionMiddleware, CookieStore, MemoryStore } = await import('hono-sessions')
    app.use(sessionMiddleware({
      store: config.hs === 'cookie' ? new CookieStore() : new MemoryStore(),
      encryptionKey: SECRET,
      expireAfterSeconds: 3600,
      cookieOptions: { path: '/', httpOnly: true, sameSite: 'Lax' }
    }))
    app.get('/', (c) => {
      const s = c.get('session')
      const n = (s.get('n') || 0) + 1
      s.set('n', n)
      c.header('x-n', String(n))
      return c.text('ok')
    })
  } else if (config.iron) {
    const { getIronSession } = await import('iron-session')
    app.get('/', async (c) => {
      const res = new Response('ok')
      const s = await getIronSession(c.req.raw, res, { password: SECRET, cookieName: 'iron' })
      s.n = (s.n || 0) + 1
      await s.save()
      res.headers.set('x-n', String(s.n))
      return res
    })
  } else {
    app.get('/', (c) => c.text('ok'))
  }
  serveToParent(serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }))
}

if (process.argv[2] === 'serve') {
  serve(process.argv[3]).catch((err) => { console.error(err); process.exit(1) })
} else {
  main().catch((err) => { console.error(err); process.exit(1) })
}

function load (port, cookie, seconds) {
  return new Promise((resolve, reject) => {
    require('autocannon')({ url: `http://127.0.0.1:${port}/`, connections: CONNECTIONS, duration: seconds, headers: cookie ? { cookie } : {} },
      (err, result) => (err ? reject(err) : resolve(result)))
  })
}

async function main () {
  const names = Object.keys(CONFIGS)
  console.log(`Hono on Node: ${CONNECTIONS} connections, ${SECONDS} s per run, ${ROUNDS} interleaved rounds, after a ${WARMUP} s warm-up of each; ` +
    describeCacheHeaders(FLOOR_CACHE_HEADERS))
  const runs = []
  for (const name of names) {
    const r = Object.assign({ name, rps: [], cpu: [] }, await startServer(__filename, ['serve', name]))
    r.cookie = CONFIGS[name].cookie ? await cookieFor(r.port, name) : ''
    runs.push(r)
  }
  for (const r of runs) await load(r.port, r.cookie, WARMUP)
  for (let i = 1; i <= ROUNDS; i++) {
    for (const r of runs) {
      const before = await cpuOf(r.child)
      const res = await load(r.port, r.cookie, SECONDS)
      const used = (await cpuOf(r.child)) - before
      if (res.non2xx || res.errors) throw new Error(`${r.name}: ${res.non2xx} non-2xx, ${res.errors} errors`)
      r.rps.push(res.requests.average)
      r.cpu.push(used / res.requests.total)
      console.log(`round ${i}  ${r.name.padEnd(30)} ${res.requests.average.toFixed(0).padStart(7)} req/s  ${(used / res.requests.total).toFixed(1).padStart(6)} µs CPU/request`)
    }
  }
  for (const r of runs) r.child.send('exit')
  const by = Object.fromEntries(runs.map((r) => [r.name, r]))
  const perRound = (a, b) => median(by[a].rps.map((x, i) => x / by[b].rps[i]))
  const perRoundCpu = (a, b) => median(by[a].cpu.map((x, i) => by[b].cpu[i] / x))
  const out = {
    seconds: SECONDS,
    rounds: ROUNDS,
    connections: CONNECTIONS,
    versions: Object.fromEntries(['hono', '@hono/node-server', 'hono-sessions', 'iron-session'].map((n) => [n, versionOf(n)])),
    floorCacheHeaders: FLOOR_CACHE_HEADERS,
    configs: Object.fromEntries(names.map((n) => [n, {
      reqPerSec: round(median(by[n].rps), 0),
      toBare: round(perRound(n, 'bare')),
      cpuUsPerRequest: round(median(by[n].cpu), 1),
      cpuOverBareUs: round(median(by[n].cpu.map((x, i) => x - by.bare.cpu[i])), 1),
      rounds: by[n].rps.map((x) => round(x, 0))
    }])),
    ratios: Object.fromEntries(RATIOS.map(([k, a, b]) => [k, round(perRound(a, b))])),
    // the targets: each session-core mode over the faster peer of that round
    toFasterPeer: Object.fromEntries(['signed', 'encrypted'].map((m) => [m, round(median(by[`session-core/hono ${m}`].rps.map((x, i) =>
      x / Math.max(by['hono-sessions cookie'].rps[i], by['iron-session'].rps[i]))))])),
    cpuRatios: Object.fromEntries(RATIOS.map(([k, a, b]) => [k, round(perRoundCpu(a, b))])),
    floors: Object.fromEntries(FLOORS.map(([k, a, b]) => [k, floorComparison(by, a, b)]))
  }
  console.log('\nmedians:')
  for (const n of names) {
    const c = out.configs[n]
    const toBare = n === 'bare' ? '' : `  ${c.toBare.toFixed(2)}x bare  ${c.cpuOverBareUs >= 0 ? '+' : ''}${c.cpuOverBareUs.toFixed(1)} µs over bare`
    console.log(`  ${n.padEnd(30)} ${String(c.reqPerSec).padStart(7)} req/s  ${c.cpuUsPerRequest.toFixed(1).padStart(6)} µs CPU/request${toBare}`)
  }
  for (const [k, a, b] of RATIOS) console.log(`  ${a} / ${b}: ${out.ratios[k].toFixed(2)}x   (by server CPU per request: ${out.cpuRatios[k].toFixed(2)}x)`)
  for (const m of ['signed', 'encrypted']) console.log(`  session-core/hono ${m} / the faster peer: ${out.toFasterPeer[m].toFixed(2)}x (target >= 1.5x)`)
  console.log(`  beside the floors (${describeCacheHeaders(FLOOR_CACHE_HEADERS)}):`)
  for (const [k] of FLOORS) printFloor(out.floors[k])
  report(out)
}
