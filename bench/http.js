'use strict'
// HTTP throughput, Express 4 and Express 5: bare Express beside every session middleware, each
// server in its own child process, autocannon on loopback (50 connections; on a 2-core machine the
// load generator shares the CPU with the server), interleaved rounds: every round
// runs every configuration once, so a busy machine slows them alike. Every request with a session
// reads and changes it (`req.session.n++`), so every response saves it; with `cookie: { maxAge }`
// every response sets its cookie again, without it a returning session gets no Set-Cookie.
//
//   bare                                   no middleware
//   express-session                        MemoryStore, the session's cookie sent, cookie: { maxAge }
//   session-core/express                   its default MemoryStore, the cookie sent, cookie: { maxAge }
//   floor (express-session), maxAge        bench/floor-express.js with maxAge: the same work by hand
//   express-session, no maxAge             as express-session, without maxAge
//   session-core/express, no maxAge        as session-core/express, without maxAge
//   floor (express-session), no maxAge     bench/floor-express.js without maxAge
//   express-session, no cookie             no cookie sent: a new session each request (saveUninitialized)
//   session-core/express, no cookie        the same
//   cookie-session                         signed (keys)
//   session-core/cookie-session            signed
//   floor (cookie-session)                 bench/floor-cookie-session.js: cookie-session's format by hand
//   session-core/cookie-session encrypted  encrypt: true
//   iron-session                           iron-session 8 (getIronSession, save)
//
// The floors are plain-JS middlewares with the peer's semantics (node:crypto, a Map of JSON text),
// the figure session-core must reach: its throughput at least the floor's (the median of the
// per-round ratios) and its server CPU per request over bare at most the floor's + 3 µs
// (bench/targets.js). They set the cache headers session-core sets by default (Vary: Cookie,
// Cache-Control: no-cache="Set-Cookie"), so both do the same work; BENCH_FLOOR_CACHE_HEADERS=0 turns
// that off (the output says which).
//
// Each ratio is the median over the rounds of that round's ratio (both figures from the same
// round), so a slow round does not tilt it. Also given: the server's CPU time per request, the same
// over bare Express's in the same round (median of the rounds), and the ratios computed from CPU
// time (`cpuRatios`), a cross-check that a busy machine shakes less.
// BENCH_SECONDS (default 3) per run, BENCH_ROUNDS (default 5), BENCH_EXPRESS=4 or 5 for one version,
// BENCH_QUICK=1 (1 round of 1 s). BENCH_CPU_PROF=1 writes a CPU profile of every server
// (node --cpu-prof) to bench/results/profiles/. Run: node bench/http.js
const path = require('node:path')
const { PKG, QUICK, ROOT, median, round, report, versionOf, serveToParent, startServer, cpuOf, cookieFor, FLOOR_CACHE_HEADERS, floorComparison, printFloor } = require('./lib')
const { describeCacheHeaders } = require('./floor-parts')

const SECONDS = Number(process.env.BENCH_SECONDS || (QUICK ? 1 : 3))
const ROUNDS = Number(process.env.BENCH_ROUNDS || (QUICK ? 1 : 5))
const WARMUP = QUICK ? 0.5 : 1
const CONNECTIONS = 50
const EXPRESS = (process.env.BENCH_EXPRESS || '4,5').split(',').map((v) => v.trim())
const SECRET = 'keyboard cat'
const IRON_PASSWORD = 'a password of at least thirty-two characters, for iron'
const PROFILES = path.join(ROOT, 'bench', 'results', 'profiles')
const HOUR = 3600000

/** Each configuration: does the client send the session's cookie, and the middleware to mount. */
const CONFIGS = {
  bare: { cookie: false, mount: () => null },
  'express-session': { cookie: true, mount: () => require('express-session')(esOpts(false)) },
  'session-core/express': { cookie: true, mount: () => require(path.join(PKG, 'express'))(esOpts(false)) },
  'floor (express-session), maxAge': { cookie: true, mount: () => floorExpress(HOUR) },
  'express-session, no maxAge': { cookie: true, mount: () => require('express-session')(esOpts(false, null)) },
  'session-core/express, no maxAge': { cookie: true, mount: () => require(path.join(PKG, 'express'))(esOpts(false, null)) },
  'floor (express-session), no maxAge': { cookie: true, mount: () => floorExpress(null) },
  'express-session, no cookie': { cookie: false, mount: () => require('express-session')(esOpts(true)) },
  'session-core/express, no cookie': { cookie: false, mount: () => require(path.join(PKG, 'express'))(esOpts(true)) },
  'cookie-session': { cookie: true, mount: () => require('cookie-session')({ name: 'session', keys: [SECRET] }) },
  'session-core/cookie-session': { cookie: true, mount: () => require(path.join(PKG, 'cookie-session'))({ name: 'session', keys: [SECRET] }) },
  'floor (cookie-session)': {
    cookie: true,
    mount: () => require('./floor-cookie-session').floorCookieSession({ name: 'session', keys: [SECRET], cacheHeaders: FLOOR_CACHE_HEADERS })
  },
  'session-core/cookie-session encrypted': {
    cookie: true,
    mount: () => require(path.join(PKG, 'cookie-session'))({ name: 'session', keys: [SECRET], encrypt: true })
  },
  'iron-session': { cookie: true, mount: () => null, iron: true }
}
function esOpts (saveUninitialized, maxAge = HOUR) {
  return { secret: SECRET, resave: false, saveUninitialized, cookie: maxAge ? { maxAge } : {} }
}
function floorExpress (maxAge) {
  return require('./floor-express').floorExpress({ secret: SECRET, maxAge, cacheHeaders: FLOOR_CACHE_HEADERS })
}

/** The ratios the targets ask for, and the floors': [key, configuration, divided by]. */
const RATIOS = [
  ['expressToBare', 'session-core/express', 'bare'],
  ['expressToPeer', 'session-core/express', 'express-session'],
  ['expressSessionToBare', 'express-session', 'bare'],
  ['expressNoMaxAgeToBare', 'session-core/express, no maxAge', 'bare'],
  ['expressNoMaxAgeToPeer', 'session-core/express, no maxAge', 'express-session, no maxAge'],
  ['expressSessionNoMaxAgeToBare', 'express-session, no maxAge', 'bare'],
  ['expressToFloor', 'session-core/express, no maxAge', 'floor (express-session), no maxAge'],
  ['expressFloorToBare', 'floor (express-session), no maxAge', 'bare'],
  ['expressMaxAgeToFloor', 'session-core/express', 'floor (express-session), maxAge'],
  ['expressMaxAgeFloorToBare', 'floor (express-session), maxAge', 'bare'],
  ['expressNewToBare', 'session-core/express, no cookie', 'bare'],
  ['expressNewToPeer', 'session-core/express, no cookie', 'express-session, no cookie'],
  ['expressSessionNewToBare', 'express-session, no cookie', 'bare'],
  ['cookieToBare', 'session-core/cookie-session', 'bare'],
  ['cookieToPeer', 'session-core/cookie-session', 'cookie-session'],
  ['cookieSessionToBare', 'cookie-session', 'bare'],
  ['cookieToFloor', 'session-core/cookie-session', 'floor (cookie-session)'],
  ['cookieFloorToBare', 'floor (cookie-session)', 'bare'],
  ['encryptedToBare', 'session-core/cookie-session encrypted', 'bare'],
  ['encryptedToIron', 'session-core/cookie-session encrypted', 'iron-session'],
  ['ironToBare', 'iron-session', 'bare']
]

/** session-core beside the floor doing the same work: [key, session-core's configuration, the floor's]. */
const FLOORS = [
  ['express', 'session-core/express, no maxAge', 'floor (express-session), no maxAge'],
  ['expressMaxAge', 'session-core/express', 'floor (express-session), maxAge'],
  ['cookie', 'session-core/cookie-session', 'floor (cookie-session)']
]

if (process.argv[2] === 'serve') {
  const [, , , version, name] = process.argv
  const express = require('express' + version)
  const app = express()
  const config = CONFIGS[name]
  const mw = config.mount()
  if (mw) app.use(mw)
  if (config.iron) {
    const { getIronSession } = require('iron-session')
    app.get('/', async (req, res, next) => {
      try {
        const session = await getIronSession(req, res, { password: IRON_PASSWORD, cookieName: 'iron' })
        session.n = (session.n || 0) + 1
        await session.save()
        if (req.headers['x-check']) res.setHeader('x-n', String(session.n))
        res.send('ok')
      } catch (err) {
        next(err)
      }
    })
  } else {
    app.get('/', (req, res) => {
      if (req.session) req.session.n = (req.session.n || 0) + 1
      if (req.headers['x-check']) res.setHeader('x-n', String(req.session ? req.session.n : 0))
      res.send('ok')
    })
  }
  serveToParent(app.listen(0, '127.0.0.1'))
}

function start (version, name) {
  const execArgv = process.env.BENCH_CPU_PROF === '1'
    ? ['--cpu-prof', '--cpu-prof-dir', PROFILES, '--cpu-prof-name', `express${version}-${name.replace(/[^a-z0-9]+/gi, '-')}.${Date.now()}.cpuprofile`]
    : []
  return startServer(__filename, ['serve', version, name], execArgv)
}

/** The cookie a first request gets; checked: sent back, the session it names is read (n >= 2). */
function load (port, cookie, seconds) {
  return new Promise((resolve, reject) => {
    require('autocannon')({ url: `http://127.0.0.1:${port}/`, connections: CONNECTIONS, duration: seconds, headers: cookie ? { cookie } : {} },
      (err, result) => (err ? reject(err) : resolve(result)))
  })
}

/** The server process's CPU time (user + system, µs) so far. */
const cpu = cpuOf

async function main () {
  const names = Object.keys(CONFIGS)
  const runs = EXPRESS.flatMap((v) => names.map((name) => ({ version: v, name })))
  console.log(`HTTP: Express ${EXPRESS.join(' and ')}, ${CONNECTIONS} connections, ${SECONDS} s per run, ${ROUNDS} interleaved rounds ` +
    `(${runs.length} runs each), after a ${WARMUP} s warm-up of each; ${describeCacheHeaders(FLOOR_CACHE_HEADERS)}`)
  for (const r of runs) {
    Object.assign(r, await start(r.version, r.name), { rps: [], cpu: [], p99: [] })
    r.cookie = CONFIGS[r.name].cookie ? await cookieFor(r.port, `express${r.version} ${r.name}`) : ''
  }
  for (const r of runs) await load(r.port, r.cookie, WARMUP)

  for (let round = 1; round <= ROUNDS; round++) {
    for (const r of runs) {
      const before = await cpu(r.child)
      const res = await load(r.port, r.cookie, SECONDS)
      const used = (await cpu(r.child)) - before
      if (res.non2xx || res.errors) throw new Error(`express${r.version} ${r.name}: ${res.non2xx} non-2xx, ${res.errors} errors`)
      r.rps.push(res.requests.average)
      r.cpu.push(used / res.requests.total)
      r.p99.push(res.latency.p99)
      console.log(`round ${round}  express${r.version}  ${r.name.padEnd(38)} ${res.requests.average.toFixed(0).padStart(7)} req/s  ` +
        `${(used / res.requests.total).toFixed(1).padStart(6)} µs CPU/request  p99 ${res.latency.p99} ms`)
    }
  }
  for (const r of runs) r.child.send('exit')

  const out = {
    seconds: SECONDS,
    rounds: ROUNDS,
    connections: CONNECTIONS,
    floorCacheHeaders: FLOOR_CACHE_HEADERS,
    versions: Object.fromEntries(EXPRESS.map((v) => [`express${v}`, versionOf('express' + v)])),
    express: {}
  }
  for (const v of EXPRESS) {
    const mine = Object.fromEntries(runs.filter((r) => r.version === v).map((r) => [r.name, r]))
    const perRound = (a, b) => median(mine[a].rps.map((x, i) => x / mine[b].rps[i]))
    const configs = Object.fromEntries(names.map((n) => [n, {
      reqPerSec: round(median(mine[n].rps), 0),
      toBare: round(perRound(n, 'bare')),
      cpuUsPerRequest: round(median(mine[n].cpu), 1),
      cpuOverBareUs: round(median(mine[n].cpu.map((x, i) => x - mine.bare.cpu[i])), 1),
      p99ms: median(mine[n].p99),
      rounds: mine[n].rps.map((x) => round(x, 0))
    }]))
    const ratios = Object.fromEntries(RATIOS.map(([key, a, b]) => [key, round(perRound(a, b))]))
    // the same ratios from the server's CPU time per request (b's over a's): less shaken by a busy machine
    const perRoundCpu = (a, b) => median(mine[a].cpu.map((x, i) => mine[b].cpu[i] / x))
    const cpuRatios = Object.fromEntries(RATIOS.map(([key, a, b]) => [key, round(perRoundCpu(a, b))]))
    const floors = Object.fromEntries(FLOORS.map(([key, a, b]) => [key, floorComparison(mine, a, b)]))
    out.express[v] = { configs, ratios, cpuRatios, floors }
    console.log(`\nExpress ${v} (${versionOf('express' + v)}), medians:`)
    for (const n of names) {
      const c = configs[n]
      const toBare = n === 'bare' ? '' : `  ${perRound(n, 'bare').toFixed(2)}x bare  ${c.cpuOverBareUs >= 0 ? '+' : ''}${c.cpuOverBareUs.toFixed(1)} µs over bare`
      console.log(`  ${n.padEnd(38)} ${String(c.reqPerSec).padStart(7)} req/s  ${c.cpuUsPerRequest.toFixed(1).padStart(6)} µs CPU/request${toBare}`)
    }
    for (const [key, a, b] of RATIOS) {
      if (!/ToBare$/.test(key) || a.startsWith('session-core')) {
        console.log(`  ${a} / ${b}: ${ratios[key].toFixed(2)}x   (by server CPU per request: ${cpuRatios[key].toFixed(2)}x)`)
      }
    }
    console.log(`  beside the floors (${describeCacheHeaders(FLOOR_CACHE_HEADERS)}):`)
    for (const [key] of FLOORS) printFloor(floors[key])
  }
  report(out)
}

// (a child process: serves, or runs its part, and never measures)
if (process.argv[2] !== 'serve') main().catch((err) => { console.error(err); process.exit(1) })
