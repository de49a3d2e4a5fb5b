'use strict'
// Helpers shared by the bench scripts: the package under test, medians, the results file of a part,
// the stand-in response object of the no-HTTP benchmarks.
const fs = require('node:fs')
const path = require('node:path')
const { EventEmitter } = require('node:events')

const ROOT = path.join(__dirname, '..')
/** The session-core package as built by `make pkg`, required the way bench/*.js always have. */
const PKG = path.join(ROOT, 'pkg')
/** BENCH_QUICK=1: one short round of everything, a smoke run whose figures mean nothing. */
const QUICK = Boolean(process.env.BENCH_QUICK && process.env.BENCH_QUICK !== '0')

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}
const round = (x, digits = 3) => (Number.isFinite(x) ? Number(x.toFixed(digits)) : null)

/**
 * Hands a part's results to bench/run.js: written to $BENCH_JSON_OUT when set (run.js sets it for
 * each part it starts), otherwise nothing (a part run alone just prints).
 */
function report (results) {
  if (process.env.BENCH_JSON_OUT) fs.writeFileSync(process.env.BENCH_JSON_OUT, JSON.stringify(results, null, 2) + '\n')
}

/** The version of an installed package, resolved from `from` (a directory) when given. */
function versionOf (name, from) {
  return JSON.parse(fs.readFileSync(path.join(dirOf(name, from), 'package.json'), 'utf8')).version
}

/**
 * The directory of a package as `require` from `from` (default ROOT) finds it: up from its main
 * file to its package.json (some packages do not export ./package.json).
 */
function dirOf (name, from) {
  let dir = path.dirname(require.resolve(name, { paths: [from || ROOT] }))
  for (;;) {
    const file = path.join(dir, 'package.json')
    const aliased = dir.endsWith(path.join('node_modules', name)) // npm:express@4 installed as express4
    if (fs.existsSync(file) && (aliased || JSON.parse(fs.readFileSync(file, 'utf8')).name === name)) return dir
    const up = path.dirname(dir)
    if (up === dir) throw new Error(`no package.json for ${name}`)
    dir = up
  }
}

/**
 * A response object good enough for express-session, cookie-session (`cookies`, on-headers) and
 * session-core's middlewares: headers in a map, writeHead/end, 'done' emitted at the end; `res.req`
 * is the request, as Node's own responses have it.
 */
function fakeRes (req) {
  const res = new EventEmitter()
  res.req = req
  const headers = Object.create(null)
  res.statusCode = 200
  res._header = null
  res.getHeader = (k) => headers[k.toLowerCase()]
  res.setHeader = (k, v) => { headers[k.toLowerCase()] = v }
  res.removeHeader = (k) => { delete headers[k.toLowerCase()] }
  res.appendHeader = (k, v) => {
    const prev = headers[k.toLowerCase()]
    headers[k.toLowerCase()] = prev === undefined ? v : [].concat(prev, v)
  }
  res._implicitHeader = function () { this.writeHead(this.statusCode) }
  res.writeHead = function (code) { this.statusCode = code; this._header = 'x'; return this }
  res.write = function () { if (!this._header) this._implicitHeader(); return true }
  res.end = function () { if (!this._header) this._implicitHeader(); this.finished = true; this.emit('done'); return this }
  Object.defineProperty(res, 'headersSent', { get () { return Boolean(this._header) } })
  res.headers = headers
  return res
}

/**
 * The `name=value` pairs of Set-Cookie header values, as a Cookie header sends them back: the last
 * one of each name, as a browser keeps it (hono-sessions sets its cookie twice on a first response).
 */
function cookieHeaderFrom (setCookies) {
  const list = setCookies == null ? [] : [].concat(setCookies)
  const pairs = new Map()
  for (const h of list) {
    const pair = h.split(';')[0]
    pairs.set(pair.slice(0, pair.indexOf('=')), pair)
  }
  return [...pairs.values()].join('; ')
}

/**
 * The benchmark servers' side of the protocol with their parent: once `server` listens, its port is
 * sent; then each 'cpu' message is answered with the process's CPU usage, and 'exit' closes it.
 */
function serveToParent (server) {
  server.once('listening', () => process.send({ port: server.address().port }))
  process.on('message', (m) => {
    if (m === 'exit') return server.close(() => process.exit(0))
    process.send({ cpu: process.cpuUsage() })
  })
}

/** The parent's side: forks `file` with `args`; resolves with `{ child, port }` once it listens. */
function startServer (file, args, execArgv = []) {
  const { fork } = require('node:child_process')
  return new Promise((resolve, reject) => {
    const child = fork(file, args, { stdio: 'inherit', execArgv })
    child.once('error', reject)
    child.once('exit', (code) => code && reject(new Error(`${args.join(' ')}: server exited with ${code}`)))
    child.once('message', ({ port }) => resolve({ child, port }))
  })
}

/** A benchmark server's CPU time so far (µs, user + system). */
function cpuOf (child) {
  return new Promise((resolve) => {
    child.once('message', ({ cpu }) => resolve(cpu.user + cpu.system))
    child.send('cpu')
  })
}

/**
 * The cookie a benchmark server's first response sets, checked: sent back (with `x-check`), the
 * session it names is read (the server answers `x-n` >= 2).
 */
async function cookieFor (port, label) {
  const first = await fetch(`http://127.0.0.1:${port}/`)
  await first.text()
  const cookie = cookieHeaderFrom(first.headers.getSetCookie())
  const again = await fetch(`http://127.0.0.1:${port}/`, { headers: { cookie, 'x-check': '1' } })
  await again.text()
  if (!(Number(again.headers.get('x-n')) >= 2)) throw new Error(`${label}: the cookie did not bring the session back`)
  return cookie
}

/**
 * Whether the floors (bench/floor-*.js) set the cache headers session-core sets by default (Vary,
 * Cache-Control): yes unless BENCH_FLOOR_CACHE_HEADERS=0. The servers are forked with the same env.
 */
const FLOOR_CACHE_HEADERS = process.env.BENCH_FLOOR_CACHE_HEADERS !== '0'

/**
 * session-core's configuration `a` beside the floor `b`, from runs `by[name] = { rps, cpu }` (one
 * entry a round, `by.bare` among them): the median of the per-round throughput ratios and every
 * round's, the server CPU per request over bare's of the same round (medians), and how much more
 * than the floor's that is (the median of the per-round differences).
 */
function floorComparison (by, a, b) {
  const rounds = by[a].rps.map((x, i) => x / by[b].rps[i])
  const over = (n) => by[n].cpu.map((x, i) => x - by.bare.cpu[i])
  const mine = over(a)
  const floor = over(b)
  return {
    config: a,
    floor: b,
    ratio: round(median(rounds)),
    rounds: rounds.map((x) => round(x)),
    cpuOverBareUs: round(median(mine), 1),
    floorCpuOverBareUs: round(median(floor), 1),
    cpuOverFloorUs: round(median(mine.map((x, i) => x - floor[i])), 1)
  }
}

/** Prints a floorComparison with the targets it is held to (bench/targets.js). */
function printFloor (f) {
  const { FLOOR } = require('./targets')
  const us = (x) => `${x >= 0 ? '+' : ''}${x.toFixed(1)} µs`
  console.log(`  ${f.config} / ${f.floor}: ${f.ratio.toFixed(2)}x (target >= ${FLOOR.ratio.toFixed(1)}x; rounds ${f.rounds.map((x) => x.toFixed(2)).join(', ')})`)
  console.log(`    server CPU per request over bare: ${us(f.cpuOverBareUs)}, the floor ${us(f.floorCpuOverBareUs)}: ` +
    `${us(f.cpuOverFloorUs)} beside the floor (target <= +${FLOOR.cpuUs} µs)`)
}

module.exports = {
  ROOT,
  PKG,
  QUICK,
  median,
  round,
  report,
  versionOf,
  dirOf,
  fakeRes,
  cookieHeaderFrom,
  serveToParent,
  startServer,
  cpuOf,
  cookieFor,
  FLOOR_CACHE_HEADERS,
  floorComparison,
  printFloor
}
