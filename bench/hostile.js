'use strict'
// Hostile input: the worst time per request against the Cookie header's size, for the session
// middlewares and cookie-parser without HTTP (the same stand-in request/response objects as
// bench/middleware.js), from 1 KB to 1 MB in four shapes: thousands of tiny cookies, one huge value,
// bad percent-encoding everywhere, and a forged session cookie buried among many. The time should
// grow linearly with the size (µs per KB about flat); a super-linear path shows as a rising µs/KB.
// Run: node bench/hostile.js
const path = require('node:path')
const { PKG, QUICK, median, round, report, fakeRes } = require('./lib')

const SECRET = 'a bench secret, long enough for the checks'
const SIZES = QUICK ? [1, 16, 256] : [1, 4, 16, 64, 256, 1024] // KB
const REPS = QUICK ? 5 : 15

const MIDDLEWARES = {
  'session-core/express': () => require(path.join(PKG, 'express'))({ secret: SECRET, resave: false, saveUninitialized: true }),
  'session-core/cookie-session': () => require(path.join(PKG, 'cookie-session'))({ name: 'session', keys: [SECRET] }),
  'session-core/cookie-session encrypted': () => require(path.join(PKG, 'cookie-session'))({ name: 'session', keys: [SECRET], encrypt: true }),
  'session-core/cookie-parser': () => require(path.join(PKG, 'cookie-parser'))(SECRET)
}

/** A Cookie header of about `kb` KB in shape `shape`. */
function header (shape, kb) {
  const n = kb * 1024
  const fill = (unit) => unit.repeat(Math.ceil(n / unit.length)).slice(0, n)
  switch (shape) {
    case 'many cookies': return fill('c=1; ')
    case 'one huge value': return 'session=' + fill('x')
    case 'bad percent-encoding': return fill('a=%E0%A4%A; b=%ZZ%; ')
    default: return fill('x=1; ') + '; connect.sid=s%3Aforged.AAAA; session=e30=; session.sig=AAAA'
  }
}
const SHAPES = ['many cookies', 'one huge value', 'bad percent-encoding', 'forged among many']

function once (mw, cookie) {
  return new Promise((resolve, reject) => {
    const req = { headers: { cookie }, url: '/', originalUrl: '/', method: 'GET', connection: {}, socket: {} }
    const res = fakeRes(req)
    res.once('done', resolve)
    mw(req, res, (err) => {
      if (err) return reject(err)
      if (req.session) req.session.n = 1
      res.end('ok')
    })
  })
}

async function main () {
  const out = { sizesKB: SIZES, reps: REPS, middlewares: {} }
  console.log(`Hostile Cookie headers: worst of ${REPS} requests at each size, µs (and µs per KB)`)
  for (const [name, make] of Object.entries(MIDDLEWARES)) {
    const mw = make()
    out.middlewares[name] = {}
    for (const shape of SHAPES) {
      const row = []
      for (const kb of SIZES) {
        const h = header(shape, kb)
        await once(mw, h) // warm
        const times = []
        for (let i = 0; i < REPS; i++) {
          const t = process.hrtime.bigint()
          await once(mw, h)
          times.push(Number(process.hrtime.bigint() - t) / 1000)
        }
        row.push({ kb, worstUs: round(Math.max(...times), 0), medianUs: round(median(times), 0) })
      }
      // linearity: µs per KB at the largest size over µs per KB at 16 KB (about 1 when linear)
      const at = (kb) => row.find((r) => r.kb === kb)
      const big = row[row.length - 1]
      const growth = round((big.worstUs / big.kb) / (at(16).worstUs / 16), 2)
      out.middlewares[name][shape] = { points: row, perKbGrowth: growth }
      console.log(`  ${name.padEnd(38)} ${shape.padEnd(22)} ` + row.map((r) => `${r.kb} KB ${r.worstUs} (${(r.worstUs / r.kb).toFixed(1)})`).join('  ') + `  growth ${growth}`)
    }
  }
  const growths = Object.values(out.middlewares).flatMap((m) => Object.values(m).map((s) => s.perKbGrowth))
  out.worstGrowth = Math.max(...growths)
  console.log(`  worst per-KB growth from 16 KB to ${SIZES[SIZES.length - 1]} KB: ${out.worstGrowth}x (about 1 when linear)`)
  report(out)
}

main().catch((err) => { console.error(err); process.exit(1) })
