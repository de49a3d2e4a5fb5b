'use strict'
// make bench: Express 4 throughput, bare vs express-session vs session-core/express, interleaved
// rounds on loopback (autocannon, 50 connections), each server in its own process. Every request
// loads the session from the cookie, changes it and saves it (MemoryStore). Prints req/s per round,
// the medians and the ratios. Set BENCH_SECONDS / BENCH_ROUNDS to change the run.
const { fork } = require('node:child_process')
const path = require('node:path')
const autocannon = require('autocannon')

const SECONDS = Number(process.env.BENCH_SECONDS || 5)
const ROUNDS = Number(process.env.BENCH_ROUNDS || 3)
const VARIANTS = ['bare', 'express-session', 'session-core']

if (process.argv[2] === 'serve') {
  const express = require('express4')
  const app = express()
  const variant = process.argv[3]
  const opts = { secret: 'keyboard cat', resave: false, saveUninitialized: false, cookie: { maxAge: 3600000 } }
  if (variant === 'express-session') app.use(require('express-session')(opts))
  if (variant === 'session-core') app.use(require(path.join(__dirname, '..', 'pkg', 'express'))(opts))
  app.get('/', (req, res) => {
    if (req.session) req.session.n = (req.session.n || 0) + 1
    res.send('ok')
  })
  const server = app.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }))
  process.on('message', () => process.send({ cpu: process.cpuUsage() }))
  return
}

function start (variant) {
  return new Promise((resolve) => {
    const child = fork(__filename, ['serve', variant], { stdio: 'inherit' })
    child.once('message', ({ port }) => resolve({ child, port }))
  })
}

async function cookieFor (port) {
  const res = await fetch(`http://127.0.0.1:${port}/`)
  const c = res.headers.get('set-cookie')
  return c ? c.split(';')[0] : ''
}

function load (port, cookie) {
  return new Promise((resolve, reject) => {
    autocannon({ url: `http://127.0.0.1:${port}/`, connections: 50, duration: SECONDS, headers: cookie ? { cookie } : {} },
      (err, result) => (err ? reject(err) : resolve(result)))
  })
}

/** The server process's CPU time (user + system, µs) so far. */
function cpu (child) {
  return new Promise((resolve) => {
    child.once('message', ({ cpu }) => resolve(cpu.user + cpu.system))
    child.send('cpu')
  })
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

async function main () {
  const servers = {}
  for (const v of VARIANTS) servers[v] = await start(v)
  const results = Object.fromEntries(VARIANTS.map((v) => [v, []]))
  const cpuPerRequest = Object.fromEntries(VARIANTS.map((v) => [v, []]))
  console.log(`Express 4, 50 connections, ${SECONDS} s per run, ${ROUNDS} interleaved rounds; session loaded and saved on every request`)
  for (let round = 1; round <= ROUNDS; round++) {
    for (const v of VARIANTS) {
      const { port } = servers[v]
      const cookie = v === 'bare' ? '' : await cookieFor(port)
      const before = await cpu(servers[v].child)
      const r = await load(port, cookie)
      const used = (await cpu(servers[v].child)) - before
      if (r.non2xx || r.errors) throw new Error(`${v}: ${r.non2xx} non-2xx, ${r.errors} errors`)
      results[v].push(r.requests.average)
      cpuPerRequest[v].push(used / r.requests.total)
      console.log(`round ${round}  ${v.padEnd(16)} ${r.requests.average.toFixed(0).padStart(7)} req/s  ${(used / r.requests.total).toFixed(1).padStart(6)} µs CPU/request  p99 ${r.latency.p99} ms`)
    }
  }
  const m = Object.fromEntries(VARIANTS.map((v) => [v, median(results[v])]))
  console.log('\nmedian req/s: ' + VARIANTS.map((v) => `${v} ${m[v].toFixed(0)}`).join(', '))
  console.log(`session-core / bare Express:    ${(m['session-core'] / m.bare).toFixed(2)}x   (target >= 0.80x)`)
  console.log(`express-session / bare Express: ${(m['express-session'] / m.bare).toFixed(2)}x`)
  console.log(`session-core / express-session: ${(m['session-core'] / m['express-session']).toFixed(2)}x   (target >= 1.4x)`)
  const c = Object.fromEntries(VARIANTS.map((v) => [v, median(cpuPerRequest[v])]))
  console.log('median server CPU per request: ' + VARIANTS.map((v) => `${v} ${c[v].toFixed(1)} µs`).join(', '))
  console.log(`added by express-session: ${(c['express-session'] - c.bare).toFixed(1)} µs; by session-core: ${(c['session-core'] - c.bare).toFixed(1)} µs`)
  for (const v of VARIANTS) servers[v].child.kill()
}

main().catch((err) => { console.error(err); process.exit(1) })
