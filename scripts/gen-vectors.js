'use strict'
// Writes tests/vectors/{parse,serialize,sign,unsign}.json by running the real peer packages
// (cookie@0.7.2, cookie-signature) on hand-written edge cases, the real-world header corpus in
// ../shared/data/real-cookies and seeded random inputs. Run with `make vectors`; the output is
// committed, and tests/node/oracle.test.js checks that the oracles still agree with it.

const fs = require('node:fs')
const path = require('node:path')
const cookie = require('cookie')
const signature = require('cookie-signature')

const COOKIE = `cookie@${require('cookie/package.json').version}`
const SIGNATURE = `cookie-signature@${require('cookie-signature/package.json').version}`
const out = path.join(__dirname, '..', 'tests', 'vectors')
const corpus = path.join(__dirname, '..', '..', 'shared', 'data', 'real-cookies')

// mulberry32: a small seeded PRNG, so the random cases are the same on every run
function prng (seed) {
  return function () {
    seed |= 0; seed = seed + 0x6D2B79F5 | 0
    let t = Math.imul(seed ^ seed >>> 15, 1 | seed)
    t = t + Math.imul(t ^ t >>> 7, 61 | t) ^ t
    return ((t ^ t >>> 14) >>> 0) / 4294967296
  }
}
const rnd = prng(20261121)
const pick = (s) => s[Math.floor(rnd() * s.length)]
const ALPH = 'abcAB01 \t=;"%,\\é€😀-_.:/+'
function randomString (n, alphabet = ALPH) {
  let s = ''
  for (let i = 0; i < n; i++) s += pick([...alphabet])
  return s
}

function write (name, source, cases) {
  const file = path.join(out, name + '.json')
  // JSON has no NaN or Infinity: such numbers are written as the strings "NaN", "Infinity", "-Infinity"
  const numbers = (k, v) => typeof v === 'number' && !Number.isFinite(v) ? String(v) : v
  fs.writeFileSync(file, JSON.stringify({ source, count: cases.length, cases }, numbers, 1) + '\n')
  console.log(`${name}: ${cases.length} cases -> ${path.relative(process.cwd(), file)}`)
}

// ---- parse ----
const parse = []
function parseCase (name, source, header) {
  parse.push({ name, source, header, expected: cookie.parse(header) })
}
const hand = [
  ['simple', 'a=1; b=2'],
  ['first occurrence wins', 'a=1; a=2'],
  ['quotes stripped', 'b="q v"'],
  ['lone quote gives empty', 'q="; r=1'],
  ['quote only at start kept', 'q="abc; r=abc"'],
  ['pair without = skipped', 'a; b=2; c'],
  ['=e gives the empty key', '=e'],
  ['empty key and value', '=; a=1'],
  ['__proto__ dropped', '__proto__=1; a=2'],
  ['constructor kept', 'constructor=1; toString=2; hasOwnProperty=3'],
  ['trims SP and HTAB only', ' \t a \t = \t 1 \t ;\tb=2'],
  ['NBSP not trimmed', '\u00a0a=\u00a0b\u00a0'],
  ['newline not trimmed', '\na=b\n'],
  ['malformed percent kept raw as a whole', 'a=%zz%41'],
  ['truncated escape kept raw', 'c=%E0%A4%A'],
  ['valid escapes decoded', 'd=x%20y; e=%E2%82%AC'],
  ['overlong utf-8 kept raw', 'a=%C0%AF'],
  ['surrogate utf-8 kept raw', 'a=%ED%A0%80'],
  ['lone continuation kept raw', 'a=%80'],
  ['percent at end kept raw', 'a=100%'],
  ['plus not decoded', 'a=a+b'],
  ['equals in value', 'a=b=c; d==e'],
  ['semicolon before equals backtracks', 'foo; bar=baz'],
  ['several semicolons', ';;; a=1;;; b=2 ;'],
  ['no pairs', 'abc'],
  ['one char', 'a'],
  ['empty', ''],
  ['only separators', '; ; ;'],
  ['express-session cookie encoded', 'connect.sid=s%3AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.RT5Cal5xFtX9GjJLGoiK%2BGzZ%2BcCRnZ5ZbIS8ml7E5Xo'],
  ['express-session cookie raw', 'connect.sid=s:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.RT5Cal5xFtX9GjJLGoiK+GzZ+cCRnZ5ZbIS8ml7E5Xo'],
  ['unicode name and value', 'é=😀; 名前=値'],
  ['json value', 'j=j%3A%7B%22a%22%3A1%7D; k={"a":1}'],
  ['numeric keys', '2=b; 1=a; b=c'],
  ['4 KB value', 'big=' + 'x'.repeat(4096) + '; after=1'],
  ['4 KB encoded value', 'big=' + '%41'.repeat(1400)],
  ['tab inside value kept', 'a=x\ty'],
  ['spaces inside value kept', 'a=x y  z'],
  ['quoted empty', 'a=""'],
  ['quoted with spaces outside', 'a= "x" '],
  ['control chars', 'a=\u0001\u0002; b=\u007f']
]
for (const [name, h] of hand) parseCase(name, 'hand-written edge case; expected from ' + COOKIE, h)
const topCookie = JSON.parse(fs.readFileSync(path.join(corpus, 'top-cookie.json'), 'utf8'))
for (const [site, h] of Object.entries(topCookie)) parseCase(`real-world Cookie: ${site}`, `shared/data/real-cookies/top-cookie.json; expected from ${COOKIE}`, h)
const topSet = JSON.parse(fs.readFileSync(path.join(corpus, 'top-set-cookie.json'), 'utf8'))
for (const [site, list] of Object.entries(topSet)) {
  parseCase(`real-world Set-Cookie read as Cookie: ${site}`, `shared/data/real-cookies/top-set-cookie.json; expected from ${COOKIE}`, list.join('; '))
}
for (let i = 0; i < 150; i++) parseCase(`random #${i}`, `seeded random; expected from ${COOKIE}`, randomString(1 + Math.floor(rnd() * 40)))
write('parse', `Cookie header parsing; expected values computed by ${COOKIE} parse()`, parse)

// ---- serialize ----
const serialize = []
function serializeCase (name, value, options, note) {
  const jsOpts = options && { ...options }
  if (jsOpts && typeof jsOpts.expires === 'number') jsOpts.expires = new Date(jsOpts.expires)
  let expected
  try {
    expected = cookie.serialize(name, value, jsOpts)
  } catch (e) {
    const m = /(?:argument|option) (\w+) is invalid/.exec(e.message)
    if (!m) continue_(e)
    expected = { error: m[1] }
  }
  serialize.push({ name: note, source: `hand-written; expected from ${COOKIE} serialize()`, cookie: name, value, options: options || null, expected })
}
function continue_ (e) { throw e }
const JAN1 = Date.UTC(2026, 0, 1)
serializeCase('connect.sid', 's:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.RT5Cal5xFtX9GjJLGoiK+GzZ+cCRnZ5ZbIS8ml7E5Xo', { path: '/', httpOnly: true }, 'express-session cookie')
serializeCase('n', 'v', { maxAge: 60.9, domain: '.example.com', path: '/p', expires: JAN1, httpOnly: true, secure: true, partitioned: true, priority: 'low', sameSite: true }, 'every attribute')
serializeCase('n', 'v', null, 'no options')
serializeCase('n', 'v', {}, 'empty options')
serializeCase('n', 'a b;c=é😀', {}, 'value encoded')
serializeCase('n', "!'()*~-_.", {}, 'unreserved not encoded')
serializeCase('n', '', {}, 'empty value')
serializeCase('n', 'x'.repeat(4096), {}, '4 KB value')
for (const m of [0, -0, 0.5, -0.5, -1, 1e20, 1e21, 1.5e300, -1e21, 2147483648.7, Infinity, -Infinity, NaN]) {
  serializeCase('n', 'v', { maxAge: m }, `maxAge ${String(m)}`)
}
for (const e of [0, -1, -62198755200000, -8.64e15, 8.64e15, 253402300800000, 8.64e15 + 1, NaN, 1767225600123]) {
  serializeCase('n', 'v', { expires: e }, `expires ${e}`)
}
for (const d of ['example.com', '.example.com', 'EXAMPLE.com', 'a-b.c', '-a.com', 'a-.com', 'a..b', 'example.com.', 'ex ample.com', 'a'.repeat(63) + '.com', 'a'.repeat(64) + '.com', '', 'é.com', '1.2.3.4']) {
  serializeCase('n', 'v', { domain: d }, `domain ${JSON.stringify(d)}`)
}
for (const p of ['/', '/a b', '/a;b', '', '/é', '/\u007f', '/a=b,c']) serializeCase('n', 'v', { path: p }, `path ${JSON.stringify(p)}`)
for (const p of ['low', 'Medium', 'HIGH', 'urgent', '']) serializeCase('n', 'v', { priority: p }, `priority ${JSON.stringify(p)}`)
for (const s of [true, false, 'lax', 'Strict', 'NONE', 'true', 'relaxed', '']) serializeCase('n', 'v', { sameSite: s }, `sameSite ${JSON.stringify(s)}`)
for (const n of ['a b', 'a;b', 'a=b', '', 'é', "!#$%&'*+-.^_`|~", 'a\tb', '__Host-id']) serializeCase(n, 'v', {}, `name ${JSON.stringify(n)}`)
serializeCase('n', 'v', { httpOnly: true, secure: true, partitioned: true }, 'flags')
write('serialize', `Set-Cookie serialisation; expected values computed by ${COOKIE} serialize()`, serialize)

// ---- sign / unsign ----
const sign = []
const unsign = []
const SECRETS = ['tobiiscool', 'keyboard cat', 'k', 'é🔑', '', 'x'.repeat(200)]
const VALUES = ['hello', 's3cret-value', '', 'a.b.c', 'héllo', '😀 unicode ✓', 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'x'.repeat(4096), 'j2Zt1dW9dRnLQnYtKxBJ3bM0_fYw9-Hq', 'j:{"a":1}']
for (const secret of SECRETS) {
  for (const value of VALUES) {
    sign.push({ name: `sign ${JSON.stringify(value.slice(0, 20))} with ${JSON.stringify(secret.slice(0, 12))}`, source: `${SIGNATURE} sign()`, value, secret, expected: signature.sign(value, secret) })
  }
}
for (let i = 0; i < 40; i++) {
  const value = randomString(Math.floor(rnd() * 30))
  const secret = randomString(1 + Math.floor(rnd() * 20))
  sign.push({ name: `random #${i}`, source: `seeded random; ${SIGNATURE} sign()`, value, secret, expected: signature.sign(value, secret) })
}
write('sign', `Signing; expected values computed by ${SIGNATURE}`, sign)

function unsignCase (name, input, secrets) {
  let expected = false
  for (let i = 0; i < secrets.length; i++) {
    const v = signature.unsign(input, secrets[i])
    if (v !== false) { expected = { value: v, index: i }; break }
  }
  unsign.push({ name, source: `${SIGNATURE} unsign(), each secret in order as express-session tries them`, input, secrets, expected })
}
const good = signature.sign('hello', 'tobiiscool')
unsignCase('good', good, ['tobiiscool'])
unsignCase('wrong secret', good, ['tobiiscooler'])
unsignCase('rotated: matches the second secret', good, ['new-secret', 'tobiiscool'])
unsignCase('rotated: matches the third secret', signature.sign('a.b', 'old'), ['n1', 'n2', 'old'])
unsignCase('first of two matching secrets wins', good, ['tobiiscool', 'tobiiscool'])
unsignCase('tampered value', 'hellp' + good.slice(5), ['tobiiscool'])
unsignCase('tampered signature', good.slice(0, -1) + (good.endsWith('A') ? 'B' : 'A'), ['tobiiscool'])
unsignCase('padding kept', good + '=', ['tobiiscool'])
unsignCase('trailing garbage', good + 'x', ['tobiiscool'])
unsignCase('truncated signature', good.slice(0, -2), ['tobiiscool'])
unsignCase('no dot', 'hello', ['tobiiscool'])
unsignCase('no dot, 44 chars', 'x'.repeat(44), ['tobiiscool'])
unsignCase('empty input', '', ['tobiiscool'])
unsignCase('only a dot', '.', ['tobiiscool'])
unsignCase('empty value signed', signature.sign('', 'k'), ['k'])
unsignCase('several dots', signature.sign('a.b.c', 'k'), ['k'])
unsignCase('several dots, cut at the wrong one', 'a.b.c', ['k'])
unsignCase('unicode value', signature.sign('héllo 😀', 'é🔑'), ['é🔑'])
unsignCase('unicode secret mismatch', signature.sign('héllo', 'é🔑'), ['e🔑'])
unsignCase('4 KB value', signature.sign('x'.repeat(4096), 'k'), ['k'])
unsignCase('non-canonical base64 tail (last char bits)', (() => { const s = signature.sign('v', 'k'); const last = s.slice(-1); const alt = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'; const i = alt.indexOf(last); return s.slice(0, -1) + alt[i ^ 1] })(), ['k'])
unsignCase('url-safe alphabet is not accepted', signature.sign('hello', 'tobiiscool').replace(/\+/g, '-').replace(/\//g, '_'), ['tobiiscool'])
unsignCase('express-session value', 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.RT5Cal5xFtX9GjJLGoiK+GzZ+cCRnZ5ZbIS8ml7E5Xo', ['keyboard cat'])
for (let i = 0; i < 40; i++) {
  const value = randomString(Math.floor(rnd() * 30))
  const secrets = [randomString(1 + Math.floor(rnd() * 10)), randomString(1 + Math.floor(rnd() * 10))]
  const which = Math.floor(rnd() * 3)
  const input = which < 2 ? signature.sign(value, secrets[which]) : value + '.' + randomString(43, 'AB+/x')
  unsignCase(`random #${i}`, input, secrets)
}
write('unsign', `Verification; expected values computed by ${SIGNATURE}`, unsign)
