'use strict'
// Memory under a stream of new sessions: a session-core/express server (Express 4, the default
// MemoryStore, so maxEntries 10000; saveUninitialized: true) in a child process run with
// --expose-gc, driven by autocannon without cookies, so every request makes and stores a new
// session. After 20,000, 50,000, 100,000 and 200,000 requests the server collects garbage and reads
// its RSS. The figure is RSS(200,000) / RSS(20,000) (target <= 1.1x). With BENCH_MEMORY_PEER=1
// express-session's MemoryStore (unbounded) runs the same course afterwards, for comparison.
// Run: node bench/memory.js
const path = require('node:path')
const { fork } = require('node:child_process')
const { PKG, QUICK, round, report } = require('./lib')

const CHECKPOINTS = QUICK ? [2000, 20000] : [20000, 50000, 100000, 200000]

if (process.argv[2] === 'serve') {
  const express = require('express4')
  const app = express()
  const opts = { secret: 'keyboard cat', resave: false, saveUninitialized: true, cookie: { maxAge: 3600000 } }
  app.use(process.argv[3] === 'express-session' ? require('express-session')(opts) : require(path.join(PKG, 'express'))(opts))
  app.get('/', (req, res) => {
    req.session.n = (req.session.n || 0) + 1
    res.send('ok')
  })
  const server = app.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }))
  process.on('message', (m) => {
    if (m === 'exit') process.exit(0)
    for (let i = 0; i < 3; i++) global.gc()
    process.send({ memory: process.memoryUsage() })
  })
}

function ask (child) {
  return new Promise((resolve) => {
    child.once('message', ({ memory }) => resolve(memory))
    child.send('mem')
  })
}

function drive (port, amount) {
  return new Promise((resolve, reject) => {
    require('autocannon')({ url: `http://127.0.0.1:${port}/`, connections: 50, amount }, (err, r) => {
      if (err) return reject(err)
      if (r.non2xx || r.errors) return reject(new Error(`${r.non2xx} non-2xx, ${r.errors} errors`))
      resolve(r)
    })
  })
}

async function course (variant) {
  const child = fork(__filename, ['serve', variant], { execArgv: ['--expose-gc'], stdio: 'inherit' })
  const { port } = await new Promise((resolve) => child.once('message', resolve))
  const points = []
  let done = 0
  const start = Date.now()
  for (const n of CHECKPOINTS) {
    await drive(port, n - done)
    done = n
    const m = await ask(child)
    points.push({ requests: n, rssMB: round(m.rss / 1e6, 1), heapUsedMB: round(m.heapUsed / 1e6, 1) })
    console.log(`  ${variant.padEnd(22)} after ${String(n).padStart(7)} new sessions: RSS ${(m.rss / 1e6).toFixed(1).padStart(6)} MB, heap used ${(m.heapUsed / 1e6).toFixed(1).padStart(6)} MB`)
  }
  child.send('exit')
  const first = points[0]
  const last = points[points.length - 1]
  return { points, rssRatio: round(last.rssMB / first.rssMB), seconds: round((Date.now() - start) / 1000, 1) }
}

async function main () {
  console.log('memory: RSS after new sessions (no cookie on any request), after gc')
  const out = { checkpoints: CHECKPOINTS, 'session-core/express': await course('session-core/express') }
  const sc = out['session-core/express']
  console.log(`  session-core/express RSS(${CHECKPOINTS.at(-1)}) / RSS(${CHECKPOINTS[0]}): ${sc.rssRatio.toFixed(2)}x`)
  if (process.env.BENCH_MEMORY_PEER === '1') {
    out['express-session'] = await course('express-session')
    console.log(`  express-session RSS ratio: ${out['express-session'].rssRatio.toFixed(2)}x (its MemoryStore has no bound)`)
  }
  report(out)
}

// (a child process: serves, or runs its part, and never measures)
if (process.argv[2] !== 'serve') main().catch((err) => { console.error(err); process.exit(1) })
