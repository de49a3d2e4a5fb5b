'use strict'
// Node micro-benchmarks, each function of session-core's package beside the JS original it
// replaces, in the same process and interleaved rounds (median ns per call):
//   sign               vs cookie-signature's sign (the copy express-session resolves)
//   unsign             vs cookie-signature's unsign (express-session's)
//   parseCookie        vs cookie@0.7's parse
//   serializeCookie    vs cookie@0.7's serialize (express-session's options)
//   generateSessionId  vs uid-safe's uid.sync(24) (express-session's default genid)
// Run: node bench/micro.js
const { PKG, QUICK, median, round, report, versionOf, dirOf } = require('./lib')

const sc = require(PKG)
const esDir = dirOf('express-session')
const signature = require(require.resolve('cookie-signature', { paths: [esDir] }))
const uid = require(require.resolve('uid-safe', { paths: [esDir] }))
const cookie = require('cookie')
const cookieVersion = versionOf('cookie')
if (!cookieVersion.startsWith('0.7.')) {
  throw new Error(`bench/micro.js compares with cookie@0.7, found cookie@${cookieVersion}: pin it (npm install -D cookie@0.7)`)
}

const SECRET = 'keyboard cat'
const ID = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'
const SIGNED = signature.sign(ID, SECRET)
const HEADER = 'connect.sid=' + encodeURIComponent('s:' + SIGNED) + '; theme=dark; _ga=GA1.2.1234567890.1767225600; lang=en-US'
const EXPIRES = new Date(1767229200000)
const SER_OPTS = { path: '/', httpOnly: true, expires: EXPIRES } // what express-session passes
if (sc.sign(ID, SECRET) !== SIGNED || sc.unsign(SIGNED, SECRET) !== ID) throw new Error('sign/unsign disagree with cookie-signature')
if (JSON.stringify(sc.parseCookie(HEADER)) !== JSON.stringify(cookie.parse(HEADER))) throw new Error('parseCookie disagrees with cookie')
if (sc.serializeCookie('connect.sid', 's:' + SIGNED, SER_OPTS) !== cookie.serialize('connect.sid', 's:' + SIGNED, SER_OPTS)) {
  throw new Error('serializeCookie disagrees with cookie')
}

let sink = 0
/** [name, session-core's call, the original's call, the original's name] */
const PAIRS = [
  ['sign', () => { sink += sc.sign(ID, SECRET).length }, () => { sink += signature.sign(ID, SECRET).length }, 'cookie-signature sign'],
  ['unsign', () => { sink += sc.unsign(SIGNED, SECRET).length }, () => { sink += signature.unsign(SIGNED, SECRET).length }, 'cookie-signature unsign (express-session\'s)'],
  ['parseCookie', () => { sink += sc.parseCookie(HEADER).theme.length }, () => { sink += cookie.parse(HEADER).theme.length }, `cookie@${cookieVersion} parse`],
  ['serializeCookie', () => { sink += sc.serializeCookie('connect.sid', 's:' + SIGNED, SER_OPTS).length },
    () => { sink += cookie.serialize('connect.sid', 's:' + SIGNED, SER_OPTS).length }, `cookie@${cookieVersion} serialize`],
  ['generateSessionId', () => { sink += sc.generateSessionId().length }, () => { sink += uid.sync(24).length }, `uid-safe@${versionOf('uid-safe', esDir)} uid.sync(24)`]
]

/** ns per call of `fn` over `n` calls. */
function time (fn, n) {
  const t = process.hrtime.bigint()
  for (let i = 0; i < n; i++) fn()
  return Number(process.hrtime.bigint() - t) / n
}

/** Calls per sample for about `ms` milliseconds. */
function calibrate (fn, ms) {
  let n = 64
  for (;;) {
    const per = time(fn, n)
    if (per * n > 20e6 || n > 1 << 24) return Math.max(1, Math.round((ms * 1e6) / per))
    n *= 2
  }
}

function main () {
  const rounds = QUICK ? 2 : 9
  const ms = QUICK ? 20 : 60
  const cases = []
  for (const [name, ours, theirs, peer] of PAIRS) {
    for (const [who, fn] of [['session-core', ours], ['peer', theirs]]) {
      for (let i = 0; i < 2000; i++) fn() // warm up
      cases.push({ name, who, fn, peer, n: calibrate(fn, ms), samples: [] })
    }
  }
  for (let r = 0; r < rounds; r++) for (const c of cases) c.samples.push(time(c.fn, c.n))

  const out = {}
  console.log(`Node micro (median of ${rounds} interleaved rounds), ns per call:`)
  for (const [name] of PAIRS) {
    const ours = cases.find((c) => c.name === name && c.who === 'session-core')
    const theirs = cases.find((c) => c.name === name && c.who === 'peer')
    const a = median(ours.samples)
    const b = median(theirs.samples)
    out[name] = { ns: round(a, 1), peer: theirs.peer, peerNs: round(b, 1), speedup: round(b / a) }
    console.log(`  ${name.padEnd(18)} ${a.toFixed(0).padStart(7)} ns   ${theirs.peer.padEnd(42)} ${b.toFixed(0).padStart(7)} ns   speed ${(b / a).toFixed(2)}x`)
  }
  if (sink === 42) console.log('') // keeps the results alive
  report({ rounds, ...out })
}

main()
