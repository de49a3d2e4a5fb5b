'use strict'
// The middleware alone, without HTTP: µs per request for express-session and session-core/express
// on the same stand-in request/response objects (cookie in, session loaded, changed, saved, cookie
// out). Run: node bench/middleware.js [N]. A profile of the glue, not a throughput figure.
const path = require('node:path')
const { EventEmitter } = require('node:events')

const N = Number(process.argv[2] || 50000)
const variants = {
  'express-session': require('express-session'),
  'session-core': require(path.join(__dirname, '..', 'pkg', 'express'))
}

function fakeRes () {
  const res = new EventEmitter()
  const headers = Object.create(null)
  res.statusCode = 200
  res._header = null
  res.getHeader = (k) => headers[k.toLowerCase()]
  res.setHeader = (k, v) => { headers[k.toLowerCase()] = v }
  res.removeHeader = (k) => { delete headers[k.toLowerCase()] }
  res._implicitHeader = function () { this.writeHead(this.statusCode) }
  res.writeHead = function (code) { this.statusCode = code; this._header = 'x'; return this }
  res.write = function () { if (!this._header) this._implicitHeader(); return true }
  res.end = function (chunk) { if (!this._header) this._implicitHeader(); this.finished = true; this.emit('done'); return this }
  Object.defineProperty(res, 'headersSent', { get () { return Boolean(this._header) } })
  res.headers = headers
  return res
}

async function run (name, session) {
  const mw = session({ secret: 'keyboard cat', resave: false, saveUninitialized: false, cookie: { maxAge: 3600000 } })
  const once = (cookie) => new Promise((resolve) => {
    const req = { headers: cookie ? { cookie } : {}, url: '/', originalUrl: '/', method: 'GET', connection: {} }
    const res = fakeRes()
    res.once('done', () => resolve(res))
    mw(req, res, () => {
      req.session.n = (req.session.n || 0) + 1
      res.end('ok')
    })
  })
  const first = await once()
  const cookie = first.headers['set-cookie'][0].split(';')[0]
  for (let i = 0; i < 2000; i++) await once(cookie)
  const t = process.hrtime.bigint()
  for (let i = 0; i < N; i++) await once(cookie)
  return Number(process.hrtime.bigint() - t) / N / 1000
}

;(async () => {
  const rounds = Number(process.env.BENCH_ROUNDS || 5)
  const results = Object.fromEntries(Object.keys(variants).map((k) => [k, []]))
  for (let r = 0; r < rounds; r++) {
    for (const [name, s] of Object.entries(variants)) results[name].push(await run(name, s))
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
  for (const [name, xs] of Object.entries(results)) {
    console.log(`${name.padEnd(16)} median ${median(xs).toFixed(2)} µs per request (rounds: ${xs.map((x) => x.toFixed(1)).join(', ')})`)
  }
  const [a, b] = Object.values(results).map(median)
  console.log(`session-core / express-session time: ${(b / a).toFixed(2)}x (the middleware alone: load, change, save, Set-Cookie)`)
})()
