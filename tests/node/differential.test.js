'use strict'
// Differential test: session-core against the real cookie-signature and cookie@0.7 on random input
// (unicode included). N defaults to 10,000 per property; DIFF_CASES overrides it.
const test = require('node:test')
const assert = require('node:assert')
const cookie = require('cookie')
const signature = require('cookie-signature')
const sc = require('./pkg')

const N = Number(process.env.DIFF_CASES || 10000)
let seed = Number(process.env.DIFF_SEED || Date.now() % 2147483647)
function rnd () { // mulberry32, seeded so a failure can be replayed with DIFF_SEED
  seed |= 0; seed = seed + 0x6D2B79F5 | 0
  let t = Math.imul(seed ^ seed >>> 15, 1 | seed)
  t = t + Math.imul(t ^ t >>> 7, 61 | t) ^ t
  return ((t ^ t >>> 14) >>> 0) / 4294967296
}
const startSeed = seed
const ALPHABETS = [
  'abcxyzABC0129-_.~',
  ' \t=;,"\\%+/:é€😀名\u00a0\u0000\u007f',
  '%0123456789ABCDEFabcdefzZ',
  '=; "a'
]
function randomString (max) {
  const alphabet = [...ALPHABETS[Math.floor(rnd() * ALPHABETS.length)]]
  const n = Math.floor(rnd() * max)
  let s = ''
  for (let i = 0; i < n; i++) {
    // now and then a random code point from the whole BMP-and-beyond range (no lone surrogates)
    if (rnd() < 0.05) {
      let cp = Math.floor(rnd() * 0x10ffff)
      if (cp >= 0xd800 && cp <= 0xdfff) cp = 0x41
      s += String.fromCodePoint(cp)
    } else {
      s += alphabet[Math.floor(rnd() * alphabet.length)]
    }
  }
  return s
}

test(`sign/unsign equal cookie-signature on ${N} random values and secrets (seed ${startSeed})`, () => {
  for (let i = 0; i < N; i++) {
    const value = randomString(40)
    const secret = randomString(24)
    const other = randomString(24)
    const signed = signature.sign(value, secret)
    assert.strictEqual(sc.sign(value, secret), signed, `sign ${JSON.stringify([value, secret])}`)
    const forged = rnd() < 0.5 ? signed : signed.slice(0, -1) + randomString(2)
    const want = signature.unsign(forged, secret)
    assert.strictEqual(sc.unsign(forged, secret), want, `unsign ${JSON.stringify([forged, secret])}`)
    assert.strictEqual(sc.unsign(forged, [other, secret]), signature.unsign(forged, other) || want)
  }
})

test(`parseCookie equals cookie@0.7 parse on ${N} random headers (seed ${startSeed})`, () => {
  for (let i = 0; i < N; i++) {
    let header = ''
    const pairs = Math.floor(rnd() * 6)
    for (let p = 0; p < pairs; p++) {
      header += randomString(8) + (rnd() < 0.9 ? '=' : '') + randomString(16) + (rnd() < 0.8 ? '; ' : ';')
    }
    if (rnd() < 0.3) header = randomString(60)
    assert.deepStrictEqual({ ...sc.parseCookie(header) }, { ...cookie.parse(header) }, JSON.stringify(header))
  }
})
