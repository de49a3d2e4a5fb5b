'use strict'
// The middlewares alone, without HTTP: µs per request on the same stand-in request/response objects
// (cookie in, session loaded, changed, saved, cookie out), median of interleaved rounds.
//   express      express-session vs session-core/express (MemoryStore), with the session's cookie,
//                and without one (a new session each request, saveUninitialized: true)
//   cookie       cookie-session vs session-core/cookie-session, signed; and session-core's
//                `encrypt: true`
//   seal         iron-session's sealData + unsealData per operation, beside the encrypted
//                middleware's request above: session-core has no public seal/unseal function, so its
//                figure is a whole request of the encrypted middleware (cookie parsed, opened, JSON
//                parsed, changed, sealed, Set-Cookie written) — more work than iron's, not less
// A profile of the glue, not a throughput figure. Run: node bench/middleware.js [N]
const path = require('node:path')
const { fork } = require('node:child_process')
const { PKG, QUICK, median, round, report, fakeRes, cookieHeaderFrom, versionOf } = require('./lib')

const SECRET = 'keyboard cat'
const IRON_PASSWORD = 'a password of at least thirty-two characters, for iron'
const esOpts = (saveUninitialized) => ({ secret: SECRET, resave: false, saveUninitialized, cookie: { maxAge: 3600000 } })
const csOpts = (extra) => Object.assign({ name: 'session', keys: [SECRET] }, extra)
const IRON = 'iron-session sealData+unsealData'

/** Each variant: how to build the middleware, and whether the request carries the session cookie. */
const VARIANTS = {
  'express-session': { make: () => require('express-session')(esOpts(false)), cookie: true },
  'session-core/express': { make: () => require(path.join(PKG, 'express'))(esOpts(false)), cookie: true },
  'express-session, no cookie': { make: () => require('express-session')(esOpts(true)), cookie: false },
  'session-core/express, no cookie': { make: () => require(path.join(PKG, 'express'))(esOpts(true)), cookie: false },
  'cookie-session': { make: () => require('cookie-session')(csOpts()), cookie: true },
  'session-core/cookie-session': { make: () => require(path.join(PKG, 'cookie-session'))(csOpts()), cookie: true },
  'session-core/cookie-session encrypted': { make: () => require(path.join(PKG, 'cookie-session'))(csOpts({ encrypt: true })), cookie: true }
}

/** One request through `mw`; resolves with the response once it has ended. */
function once (mw, cookie) {
  return new Promise((resolve, reject) => {
    const req = { headers: cookie ? { cookie } : {}, url: '/', originalUrl: '/', method: 'GET', connection: {}, socket: {} }
    const res = fakeRes(req)
    res.once('done', () => resolve(res))
    mw(req, res, (err) => {
      if (err) return reject(err)
      req.session.n = (req.session.n || 0) + 1
      res.end('ok')
    })
  })
}

/** A variant ready to time: its middleware, the cookie its first response set, a timed loop. */
async function prepare (v) {
  const mw = v.make()
  const first = await once(mw)
  const cookie = v.cookie ? cookieHeaderFrom(first.headers['set-cookie']) : ''
  if (v.cookie && !cookie) throw new Error('no cookie set')
  const check = await once(mw, cookie)
  if (!check.headers['set-cookie']) throw new Error('the changed session set no cookie')
  return async (n) => {
    const t = process.hrtime.bigint()
    for (let i = 0; i < n; i++) await once(mw, cookie)
    return Number(process.hrtime.bigint() - t) / n / 1000
  }
}

/** iron-session 8's sealData then unsealData of a small session, one operation. */
async function prepareIron () {
  const { sealData, unsealData } = require('iron-session')
  const data = { n: 1 }
  const sealed = await sealData(data, { password: IRON_PASSWORD })
  if ((await unsealData(sealed, { password: IRON_PASSWORD })).n !== 1) throw new Error('iron-session round trip failed')
  return async (n) => {
    const t = process.hrtime.bigint()
    for (let i = 0; i < n; i++) await unsealData(await sealData(data, { password: IRON_PASSWORD }), { password: IRON_PASSWORD })
    return Number(process.hrtime.bigint() - t) / n / 1000
  }
}

/** Calls per sample for about `ms` milliseconds, after a warm-up. */
async function calibrate (run, ms) {
  await run(2000)
  const per = await run(500)
  return Math.max(100, Math.round((ms * 1000) / per))
}

// Each variant runs in a process of its own (a store that grows, or the garbage it leaves, must not
// slow the next variant down), kept for the whole run and driven by messages, so the rounds still
// interleave: { calibrate: ms } -> { n }, { run: n } -> { us }.
if (process.argv[2] === 'child') {
  const name = process.argv[3]
  const ready = name === IRON ? prepareIron() : prepare(VARIANTS[name])
  process.on('message', async (m) => {
    try {
      const run = await ready
      if (m.calibrate) process.send({ n: await calibrate(run, m.calibrate) })
      else if (m.run) process.send({ us: await run(m.run) })
      else process.exit(0)
    } catch (err) {
      console.error(err)
      process.exit(1)
    }
  })
}

function child (name) {
  const c = fork(__filename, ['child', name], { stdio: 'inherit' })
  c.once('exit', (code) => { if (code) { console.error(`${name}: exited with ${code}`); process.exit(1) } })
  c.ask = (m) => new Promise((resolve) => { c.once('message', resolve); c.send(m) })
  return c
}

async function main () {
  const fixedN = Number(process.argv[2]) || 0
  const rounds = Number(process.env.BENCH_ROUNDS || (QUICK ? 1 : 7))
  const ms = QUICK ? 100 : 400
  const names = [...Object.keys(VARIANTS), IRON]
  const children = Object.fromEntries(names.map((name) => [name, child(name)]))
  const n = {}
  for (const name of names) n[name] = fixedN || (await children[name].ask({ calibrate: ms })).n
  const samples = Object.fromEntries(names.map((k) => [k, []]))
  for (let r = 0; r < rounds; r++) {
    for (const name of names) samples[name].push((await children[name].ask({ run: n[name] })).us)
  }
  for (const c of Object.values(children)) { c.removeAllListeners('exit'); c.send({}) }
  const us = Object.fromEntries(Object.entries(samples).map(([k, xs]) => [k, median(xs)]))
  console.log(`the middleware alone, no HTTP (median of ${rounds} interleaved rounds), µs per request:`)
  for (const [name, xs] of Object.entries(samples)) {
    console.log(`  ${name.padEnd(40)} ${us[name].toFixed(2).padStart(8)} µs   (rounds: ${xs.map((x) => x.toFixed(1)).join(', ')})`)
  }
  const ratio = (a, b) => median(samples[a].map((x, i) => x / samples[b][i])) // per round, then the median
  const lines = [
    ['session-core/express / express-session time, with the cookie', ratio('session-core/express', 'express-session')],
    ['session-core/express / express-session time, no cookie', ratio('session-core/express, no cookie', 'express-session, no cookie')],
    ['session-core/cookie-session / cookie-session time, signed', ratio('session-core/cookie-session', 'cookie-session')],
    ['iron-session seal+unseal / session-core encrypted request', ratio('iron-session sealData+unsealData', 'session-core/cookie-session encrypted')]
  ]
  for (const [label, x] of lines) console.log(`  ${label}: ${x.toFixed(2)}x`)
  report({
    rounds,
    ironSession: versionOf('iron-session'),
    us: Object.fromEntries(Object.entries(us).map(([k, v]) => [k, round(v, 2)])),
    expressTimeRatio: round(lines[0][1]),
    expressNewTimeRatio: round(lines[1][1]),
    cookieSessionTimeRatio: round(lines[2][1]),
    sealSpeedup: round(lines[3][1])
  })
}

// (a child process: serves, or runs its part, and never measures)
if (process.argv[2] !== 'child') main().catch((err) => { console.error(err); process.exit(1) })
