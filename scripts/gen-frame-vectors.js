'use strict'
// Writes tests/vectors/client-frames.json: the client-side session frame decisions:
// revocable sessions (notBefore: the issue time in the cookie, the revocation rule), compress
// (deflate inside the signed or sealed value, secret fields outside it, the inflate cap) and chunk
// (a value over name.0, name.1, …, verified as one). Each expectation is computed by the core (the
// wasm build) and checked here independently before it is written: signatures with the real keygrip
// package, frames by decoding them by hand, deflated bodies with node:zlib's inflateRaw.
// Run after `make pkg` and scripts/build-test-api.sh: node scripts/gen-frame-vectors.js
const fs = require('node:fs')
const path = require('node:path')
const zlib = require('node:zlib')
const assert = require('node:assert')
const Keygrip = require('keygrip')
const native = require('../pkg/native')
const translate = require('../tests/node/vector-translate')
const wasm = native.client() // the cores: the lean crossing of js/native.js works on this build
const testApi = require('../tests/node/test-build') // sealWithNonce, openSealed (its own instance)
const { unseal: unsealWith } = require('../tests/node/unseal')

const cases = []
const NOW = Date.UTC(2026, 0, 1)
const keys = ['key-new', 'key-old']
const grip = new Keygrip(keys)
const unseal = (out, k) => unsealWith(testApi, out, k)

function clientCase (name, source, options, k, op, input, check) {
  const core = new wasm.ClientSessionCore(JSON.stringify(options), k, undefined)
  const got = op === 'load' ? translate.clientLoadObject(native, core, input.header, input.now) : unseal(translate.clientCommitObject(native, core, input), k)
  check(got)
  cases.push({ name, source, options, keys: k, op, input, expected: got })
  return got
}

/** A commit's Set-Cookie values, without attributes: { name: value }. */
function values (got) {
  const o = {}
  for (const [n, h] of got.setCookies) o[n] = h.slice(n.length + 1).split(';')[0]
  return o
}

/** A signed frame (`sv1.` base64url) read by hand: the header JSON and what follows it, inflated. */
function readFrame (value) {
  assert.ok(value.startsWith('sv1.'), value)
  const bytes = Buffer.from(value.slice(4), 'base64url')
  // the header is the first JSON value: find where it ends by parsing growing prefixes
  for (let end = 1; end <= bytes.length; end++) {
    if (bytes[end - 1] !== 0x7d) continue // '}'
    let header
    try { header = JSON.parse(bytes.subarray(0, end).toString('latin1')) } catch { continue }
    const rest = bytes.subarray(end)
    return { header, body: header.z === 1 ? zlib.inflateRawSync(rest).toString('utf8') : null, rest }
  }
  throw new Error('no header')
}

const signedFrame = (header, deflated) => 'sv1.' + Buffer.concat([Buffer.from(JSON.stringify(header)), deflated || Buffer.alloc(0)]).toString('base64url')
const cookiesOf = (name, value) => `${name}=${value}; ${name}.sig=${grip.sign(name + '=' + value)}`

// ---- the revocation rule ----
const RULE = 'session-core notBefore rule (src/client/revoke.rs): issued before the cut-off = absent; no issue time = 0; a bad cut-off revokes'
for (const [issuedAt, notBefore, expected, why] of [
  [NOW - 1000, NOW, true, 'issued before the cut-off'],
  [NOW, NOW, false, 'issued at the cut-off'],
  [NOW + 1, NOW, false, 'issued after the cut-off'],
  [null, 1, true, 'no issue time counts as 0'],
  [null, 0, false, 'no issue time, cut-off 0'],
  [null, null, false, 'no cut-off'],
  [NOW, null, false, 'issued, no cut-off'],
  [NOW, 'NaN', true, 'a cut-off that is not a number fails closed'],
  [NOW, 'Infinity', true, 'an infinite cut-off fails closed']
]) {
  const got = native.client().ClientSessionCore.revoked(issuedAt ?? undefined, notBefore == null ? undefined : Number(notBefore))
  assert.strictEqual(got, expected, why)
  cases.push({ name: `revoked: ${why}`, source: RULE, op: 'revoked', issuedAt, notBefore, expected })
}

// ---- notBefore: the issue time in the cookie ----
const NB = 'session-core notBefore: the issue time inside the signed frame; keygrip@1.1.0 signature over the whole value'
const nb = { name: 'session', notBefore: true }
const base = { now: NOW, secure: false, accessed: true, unset: false, isNew: true, raw: null, original: null, keyIndex: null, clearSig: false, createdAt: null, lastSeen: null }
const alice = { user: 'alice', n: 1 }
const issued = clientCase('commit: notBefore, a new session is issued now (signed frame)', NB, nb, keys, 'commit', { ...base, session: alice, options: {} }, (g) => {
  const v = values(g)
  assert.deepStrictEqual(readFrame(v.session).header, { i: NOW, d: alice })
  assert.strictEqual(v['session.sig'], grip.sign('session=' + v.session))
})
const issuedValue = values(issued).session
clientCase('commit: notBefore, a rewritten session keeps its issue time', NB, nb, keys, 'commit', { ...base, isNew: false, keyIndex: 0, issuedAt: NOW - 5000, original: alice, session: { ...alice, n: 2 }, options: {} },
  (g) => assert.deepStrictEqual(readFrame(values(g).session).header, { i: NOW - 5000, d: { ...alice, n: 2 } }))
clientCase('commit: notBefore, a session read from a cookie without issue time is written as issued at 0', NB, nb, keys, 'commit', { ...base, isNew: false, keyIndex: 0, raw: 'eyJ1c2VyIjoiYWxpY2UiLCJuIjoxfQ==', original: alice, session: { ...alice, n: 2 }, options: {} },
  (g) => assert.strictEqual(readFrame(values(g).session).header.i, 0))
clientCase('commit: notBefore, an unchanged session is not written', NB, nb, keys, 'commit', { ...base, isNew: false, keyIndex: 0, issuedAt: NOW, raw: issuedValue, original: alice, session: alice, options: {} },
  (g) => assert.deepStrictEqual(g.setCookies, []))
clientCase('load: notBefore, the issue time read from the signed frame', NB, nb, keys, 'load', { header: cookiesOf('session', issuedValue), now: NOW },
  (g) => assert.deepStrictEqual([g.body, g.issuedAt, g.keyIndex], ['{"user":"alice","n":1}', NOW, 0]))
clientCase('load: a signed frame still reads with notBefore off (turning it off loses no session)', NB, { name: 'session' }, keys, 'load', { header: cookiesOf('session', issuedValue), now: NOW },
  (g) => assert.deepStrictEqual([g.body, g.issuedAt], ['{"user":"alice","n":1}', NOW]))
const csBody = Buffer.from(JSON.stringify(alice)).toString('base64')
clientCase('load: notBefore, a cookie-session cookie reads, with no issue time (counts as 0)', NB, nb, keys, 'load', { header: cookiesOf('session', csBody), now: NOW },
  (g) => assert.deepStrictEqual([g.body, g.issuedAt], ['{"user":"alice","n":1}', undefined]))
const forged = signedFrame({ i: NOW + 86400000, d: alice })
clientCase('load: a forged issue time (the frame edited, its signature kept) fails the signature', NB, nb, keys, 'load', { header: `session=${forged}; session.sig=${grip.sign('session=' + issuedValue)}`, now: NOW },
  (g) => assert.deepStrictEqual([g.body, g.reason, g.clearSig], [undefined, 'bad signature', true]))
clientCase('load: a frame without a signature is not read', NB, nb, keys, 'load', { header: `session=${forged}`, now: NOW }, (g) => assert.strictEqual(g.reason, 'no signature'))
clientCase('load: unsigned mode never reads a frame', NB, { name: 'session', signed: false }, [], 'load', { header: `session=${forged}`, now: NOW }, (g) => assert.strictEqual(g.reason, 'not json'))
const ENB = 'session-core notBefore: the issue time inside the sealed payload (format v1 + "i")'
const encNb = { name: 'session', encrypt: true, notBefore: true }
const sealedIssued = clientCase('commit: notBefore, encrypted: the issue time inside the seal', ENB, encNb, keys, 'commit', { ...base, session: alice, options: {} },
  (g) => assert.strictEqual(g.setCookies[0][1], `session=[sealed with key 0: {"c":null,"s":null,"e":null,"i":${NOW},"d":{"user":"alice","n":1}}]; path=/; httponly`))
assert.ok(sealedIssued)
{
  const core = new wasm.ClientSessionCore(JSON.stringify(encNb), keys, undefined)
  const v = values(translate.clientCommitObject(native, core, { ...base, session: alice, options: {} })).session
  clientCase('load: notBefore, encrypted: the issue time read from the seal', ENB, encNb, keys, 'load', { header: `session=${v}`, now: NOW },
    (g) => assert.deepStrictEqual([g.body, g.issuedAt], ['{"user":"alice","n":1}', NOW]))
  const old = testApi.sealWithNonce('key-new', 'session', '{"c":null,"s":null,"e":null,"d":{"user":"alice"}}', Buffer.alloc(24, 7))
  clientCase('load: notBefore, encrypted: a seal without issue time reads with none (counts as 0)', ENB, encNb, keys, 'load', { header: `session=${old}`, now: NOW },
    (g) => assert.deepStrictEqual([g.body, g.issuedAt], ['{"user":"alice"}', undefined]))
}

// ---- compress ----
const CP = 'session-core compress: raw deflate inside the signed frame, checked with node:zlib inflateRaw; secret fields outside it'
const cp = { name: 'session', compress: true }
clientCase('commit: compress, a small session stays cookie-session\'s own value', CP, cp, keys, 'commit', { ...base, session: alice, options: {} },
  (g) => assert.strictEqual(values(g).session, csBody))
const SECRET = 'Hj3kP9qLm2Xv7RtY8wZc4NbD'
const cart = { csrfSecret: SECRET, cart: Array.from({ length: 60 }, (_, i) => ({ sku: `SKU-${1000 + i}`, qty: 1 + (i % 3), note: 'gift wrap please' })) }
const big = clientCase('commit: compress, a big session is deflated; csrfSecret stays outside', CP, cp, keys, 'commit', { ...base, session: cart, options: {} }, (g) => {
  const v = values(g)
  const f = readFrame(v.session)
  assert.deepStrictEqual(f.header, { x: { csrfSecret: SECRET }, z: 1 })
  const { csrfSecret, ...rest } = cart
  assert.strictEqual(f.body, JSON.stringify(rest))
  assert.ok(!f.rest.includes(Buffer.from(SECRET)))
  assert.ok(v.session.length < JSON.stringify(cart).length / 3, `${v.session.length}`)
  assert.strictEqual(v['session.sig'], grip.sign('session=' + v.session))
})
const bigValue = values(big).session
clientCase('load: compress, a deflated session reads back, its secret fields merged in', CP, cp, keys, 'load', { header: cookiesOf('session', bigValue), now: NOW }, (g) => {
  const { csrfSecret, ...rest } = cart
  assert.deepStrictEqual(JSON.parse(g.body), { ...rest, csrfSecret })
})
clientCase('load: a deflated session still reads with compress off', CP, { name: 'session' }, keys, 'load', { header: cookiesOf('session', bigValue), now: NOW }, (g) => assert.ok(g.body))
// the length leak: attacker-chosen data beside the secret. Deflating them together would make a
// guess that matches the secret shorter; with the secret outside, the length is the same.
const guess = (q) => ({ csrfSecret: SECRET, q, pad: 'lorem ipsum dolor sit amet '.repeat(8) })
const right = clientCase('commit: compress, attacker data equal to the secret: same length as any other guess (1)', CP, cp, keys, 'commit', { ...base, session: guess(SECRET), options: {} }, () => {})
const wrong = clientCase('commit: compress, attacker data equal to the secret: same length as any other guess (2)', CP, cp, keys, 'commit', { ...base, session: guess('zQ8vW1nT5yU0rE6iO2pA9sD3'), options: {} }, () => {})
assert.strictEqual(values(right).session.length, values(wrong).session.length)
assert.notStrictEqual(zlib.deflateRawSync(JSON.stringify(guess(SECRET))).length, zlib.deflateRawSync(JSON.stringify(guess('zQ8vW1nT5yU0rE6iO2pA9sD3'))).length, 'the leak exists when deflated together')
const sf = { name: 'session', compress: { secretFields: ['apiToken'] } }
clientCase('commit: compress, secretFields keep the app\'s fields outside too', CP, sf, keys, 'commit', { ...base, session: { apiToken: 'tok_123', csrfSecret: SECRET, log: 'x'.repeat(400) }, options: {} },
  (g) => assert.deepStrictEqual(readFrame(values(g).session).header, { x: { apiToken: 'tok_123', csrfSecret: SECRET }, z: 1 }))
const bomb = signedFrame({ z: 1 }, zlib.deflateRawSync(Buffer.alloc(70 * 1024, 0x20)))
assert.ok(bomb.length < 400)
clientCase('load: a zip bomb (validly signed, over 64 KB inflated) is refused', CP, cp, keys, 'load', { header: cookiesOf('session', bomb), now: NOW }, (g) => assert.strictEqual(g.reason, 'inflated over 64 KB'))
clientCase('load: a zip bomb with a bad signature is never inflated', CP, cp, keys, 'load', { header: `session=${bomb}; session.sig=${grip.sign('session=x')}`, now: NOW }, (g) => assert.strictEqual(g.reason, 'bad signature'))
const junk = signedFrame({ z: 1 }, Buffer.from([0xff, 0xfe, 0x00, 0x13]))
clientCase('load: a signed frame whose deflate is broken', CP, cp, keys, 'load', { header: cookiesOf('session', junk), now: NOW }, (g) => assert.strictEqual(g.reason, 'bad deflate'))
// incompressible data: still too big once deflated
let seed = 1
const noise = Array.from({ length: 8000 }, () => { seed = (seed * 1103515245 + 12345) % 2147483648; return 'abcdefghijklmnopqrstuvwxyz0123456789'[seed % 36] }).join('')
clientCase('commit: compress, too big even deflated: nothing is sent, the size is named', CP, cp, keys, 'commit', { ...base, session: { noise }, options: {} },
  (g) => assert.deepStrictEqual([g.setCookies.length, g.tooLarge && g.tooLarge[0]], [0, 'session']))
const ECP = 'session-core compress, encrypted: the deflated frame inside the seal'
const encCp = { name: 'session', encrypt: true, compress: true, notBefore: true }
{
  const core = new wasm.ClientSessionCore(JSON.stringify(encCp), keys, undefined)
  const got = translate.clientCommitObject(native, core, { ...base, session: cart, options: {} })
  const v = values(got).session
  assert.ok(v.length < 1500, `${v.length}`)
  clientCase('load: compress, encrypted: a deflated sealed session reads back', ECP, encCp, keys, 'load', { header: `session=${v}`, now: NOW }, (g) => {
    const { csrfSecret, ...rest } = cart
    assert.deepStrictEqual([JSON.parse(g.body), g.issuedAt], [{ ...rest, csrfSecret }, NOW])
  })
}

// ---- chunk ----
const CH = 'session-core chunk: the value over name.0, name.1, …; one keygrip@1.1.0 signature over the whole value'
const ch = { name: 'session', chunk: true }
const large = { blob: 'y'.repeat(4000) }
const chunked = clientCase('commit: chunk, a value over 4096 bytes is split over session.0 and session.1', CH, ch, keys, 'commit', { ...base, session: large, options: {} }, (g) => {
  const v = values(g)
  assert.deepStrictEqual(Object.keys(v), ['session.0', 'session.1', 'session.sig'])
  assert.strictEqual('session.0'.length + v['session.0'].length, 4096)
  const whole = v['session.0'] + v['session.1']
  assert.strictEqual(Buffer.from(whole, 'base64').toString(), JSON.stringify(large))
  assert.strictEqual(v['session.sig'], grip.sign('session=' + whole))
})
const cv = values(chunked)
const chunkHeader = `session.0=${cv['session.0']}; session.1=${cv['session.1']}; session.sig=${cv['session.sig']}`
clientCase('load: chunk, the chunks read as one', CH, ch, keys, 'load', { header: chunkHeader, now: NOW },
  (g) => assert.deepStrictEqual([g.body, g.present], [JSON.stringify(large), 0b110]))
const other = values(clientCase('commit: chunk, another session', CH, ch, keys, 'commit', { ...base, session: { blob: 'z'.repeat(4000) }, options: {} }, () => {}))
clientCase('load: chunk, a chunk swapped in from another session is refused', CH, ch, keys, 'load', { header: `session.0=${cv['session.0']}; session.1=${other['session.1']}; session.sig=${cv['session.sig']}`, now: NOW },
  (g) => assert.deepStrictEqual([g.body, g.reason], [undefined, 'bad signature']))
clientCase('load: chunk, a missing chunk is refused, as incomplete chunks (the last one read fills its cookie)', CH, ch, keys, 'load', { header: `session.0=${cv['session.0']}; session.sig=${cv['session.sig']}`, now: NOW },
  (g) => assert.deepStrictEqual([g.body, g.reason], [undefined, 'incomplete chunks']))
clientCase('load: chunk, a stale extra chunk makes the set not verify', CH, ch, keys, 'load', { header: `${chunkHeader}; session.2=${other['session.1']}`, now: NOW },
  (g) => assert.deepStrictEqual([g.reason, g.present], ['bad signature', 0b1110]))
clientCase('load: chunk off, chunks are not read', CH, { name: 'session' }, keys, 'load', { header: chunkHeader, now: NOW }, (g) => assert.strictEqual(g.reason, 'no cookie'))
clientCase('commit: chunk, a session that shrinks to one cookie expires the stale chunks', CH, ch, keys, 'commit', { ...base, isNew: false, keyIndex: 0, raw: cv['session.0'] + cv['session.1'], present: 0b110, session: alice, options: {} },
  (g) => assert.deepStrictEqual(g.setCookies.map((c) => c[1].split(';')[0] + (c[1].includes('expires=Thu, 01 Jan 1970') ? ' (expired)' : '')),
    [`session=${csBody}`, `session.sig=${grip.sign('session=' + csBody)}`, 'session.0= (expired)', 'session.1= (expired)']))
clientCase('commit: chunk, a session that grows into chunks expires the single cookie', CH, ch, keys, 'commit', { ...base, isNew: false, keyIndex: 0, raw: csBody, present: 1, session: large, options: { sameSite: 'lax' } },
  (g) => assert.deepStrictEqual(g.setCookies.map((c) => c[0]), ['session.0', 'session.1', 'session.sig', 'session']))
clientCase('commit: chunk, session = null expires every cookie of it', CH, ch, keys, 'commit', { ...base, isNew: false, unset: true, present: 0b1110, session: null, options: {} },
  (g) => assert.deepStrictEqual(g.setCookies.map((c) => c[0]), ['session', 'session.sig', 'session.0', 'session.1', 'session.2']))
// the bytes a set takes in the Cookie header: `name=value; ` for each of its cookies
const cookieHeaderBytes = (pairs) => pairs.reduce((n, [name, value]) => n + name.length + 1 + value.length + 2, 0)
const b64Of = (o) => Buffer.from(JSON.stringify(o)).toString('base64')
const chunkPairs = (value, k) => Array.from({ length: k }, (_, i) => ['session.' + i, value.slice(i * 4087, (i + 1) * 4087)])
clientCase('commit: chunk, over three cookies: nothing is sent, the bytes of Cookie header and the limit are named', CH, ch, keys, 'commit', { ...base, session: { blob: 'y'.repeat(10000) }, options: {} }, (g) => {
  const v = b64Of({ blob: 'y'.repeat(10000) })
  const bytes = cookieHeaderBytes([...chunkPairs(v, 4), ['session.sig', grip.sign('session=' + v)]])
  assert.deepStrictEqual([g.setCookies.length, g.tooLarge], [0, ['session', bytes, 6144]])
})
// the limit on the Cookie header: nginx and Apache accept 8 KB per request header by default, curl
// sends at most about 8 KB of cookies; by default the session's cookies take at most 6 KB of it
const CHB = 'session-core chunk: the session\'s cookies (chunks and signature, each `name=value; `) within chunk.maxBytes (default 6144) of Cookie header'
const twoFull = { blob: 'w'.repeat(5900) }
assert.ok(b64Of(twoFull).length < 2 * 4087)
clientCase('commit: chunk, two full chunks and the signature are over 6144 bytes of Cookie header: nothing is sent', CHB, ch, keys, 'commit', { ...base, session: twoFull, options: {} }, (g) => {
  const v = b64Of(twoFull)
  const bytes = cookieHeaderBytes([...chunkPairs(v, 2), ['session.sig', grip.sign('session=' + v)]])
  assert.ok(bytes > 6144 && bytes < 8190, `${bytes}`)
  assert.deepStrictEqual([g.setCookies.length, g.tooLarge], [0, ['session', bytes, 6144]])
})
clientCase('commit: chunk: { maxBytes: 12288 }, the same session in two chunks', CHB, { name: 'session', chunk: { maxBytes: 12288 } }, keys, 'commit', { ...base, session: twoFull, options: {} },
  (g) => assert.deepStrictEqual(g.setCookies.map((c) => c[0]), ['session.0', 'session.1', 'session.sig']))
const threeFull = { blob: 'v'.repeat(9000) }
const three = clientCase('commit: chunk: { maxBytes: 16384 }, three chunks', CHB, { name: 'session', chunk: { maxBytes: 16384 } }, keys, 'commit', { ...base, session: threeFull, options: {} }, (g) => {
  assert.deepStrictEqual(g.setCookies.map((c) => c[0]), ['session.0', 'session.1', 'session.2', 'session.sig'])
  assert.ok(cookieHeaderBytes(Object.entries(values(g))) > 12000)
})
{
  // exactly at the limit is written; one byte over is not
  const v = b64Of(twoFull)
  const exact = cookieHeaderBytes([...chunkPairs(v, 2), ['session.sig', grip.sign('session=' + v)]])
  clientCase('commit: chunk, exactly chunk.maxBytes of Cookie header is written', CHB, { name: 'session', chunk: { maxBytes: exact } }, keys, 'commit', { ...base, session: twoFull, options: {} },
    (g) => assert.strictEqual(g.setCookies.length, 3))
  clientCase('commit: chunk, one byte over chunk.maxBytes is not', CHB, { name: 'session', chunk: { maxBytes: exact - 1 } }, keys, 'commit', { ...base, session: twoFull, options: {} },
    (g) => assert.deepStrictEqual(g.tooLarge, ['session', exact, exact - 1]))
  clientCase('commit: chunk, a session in one cookie counts its signature too', CHB, { name: 'session', chunk: { maxBytes: 4096 } }, keys, 'commit', { ...base, session: { blob: 'u'.repeat(3030) }, options: {} }, (g) => {
    const w = b64Of({ blob: 'u'.repeat(3030) })
    assert.ok('session'.length + w.length <= 4096)
    assert.deepStrictEqual(g.tooLarge, ['session', cookieHeaderBytes([['session', w], ['session.sig', grip.sign('session=' + w)]]), 4096])
  })
}
// what was written under a larger limit still reads: three chunks of 4096 bytes
const tv = values(three)
const threeHeader = `session.0=${tv['session.0']}; session.1=${tv['session.1']}; session.2=${tv['session.2']}; session.sig=${tv['session.sig']}`
clientCase('load: chunk, a set written in three chunks (a larger limit, or before it) still reads under the default', CHB, ch, keys, 'load', { header: threeHeader, now: NOW },
  (g) => assert.deepStrictEqual([g.body, g.present], [JSON.stringify(threeFull), 0b1110]))
// a set that lost chunks on the way (a proxy's or curl's header limit) says so
const CHL = 'session-core chunk: a set cut short (a chunk missing before one that came, or the last one read filling its cookie) is reported as incomplete chunks'
clientCase('load: chunk, the last of three chunks lost: incomplete chunks', CHL, ch, keys, 'load', { header: threeHeader.replace(/session\.2=[^;]*; /, ''), now: NOW },
  (g) => assert.deepStrictEqual([g.body, g.reason, g.present], [undefined, 'incomplete chunks', 0b110]))
clientCase('load: chunk, the chunk between two lost: incomplete chunks', CHL, ch, keys, 'load', { header: threeHeader.replace(/session\.1=[^;]*; /, ''), now: NOW },
  (g) => assert.deepStrictEqual([g.body, g.reason, g.present], [undefined, 'incomplete chunks', 0b1010]))
clientCase('load: chunk, only a later chunk came: incomplete chunks', CHL, ch, keys, 'load', { header: `session.1=${tv['session.1']}; session.sig=${tv['session.sig']}`, now: NOW },
  (g) => assert.deepStrictEqual([g.body, g.reason], [undefined, 'incomplete chunks']))
clientCase('load: chunk, the last chunk and the signature lost: incomplete chunks', CHL, ch, keys, 'load', { header: `session.0=${tv['session.0']}; session.1=${tv['session.1']}`, now: NOW },
  (g) => assert.deepStrictEqual([g.body, g.reason], [undefined, 'incomplete chunks']))
clientCase('load: chunk, a whole set with a forged last chunk is a bad signature', CHL, ch, keys, 'load', { header: threeHeader.replace(/session\.2=[^;]*/, 'session.2=' + tv['session.2'].slice(0, -4) + 'AAAA'), now: NOW },
  (g) => assert.deepStrictEqual([g.body, g.reason], [undefined, 'bad signature']))
const both = { name: 'session', chunk: true, compress: true }
clientCase('commit: chunk and compress: deflated first, split only if still over 4096 bytes', CH, both, keys, 'commit', { ...base, session: large, options: {} },
  (g) => assert.deepStrictEqual(Object.keys(values(g)), ['session', 'session.sig']))
{
  const encCh = { name: 'session', encrypt: true, chunk: true }
  const core = new wasm.ClientSessionCore(JSON.stringify(encCh), keys, undefined)
  const mid = noise.slice(0, 4000)
  const v = values(translate.clientCommitObject(native, core, { ...base, session: { mid }, options: {} }))
  assert.deepStrictEqual(Object.keys(v), ['session.0', 'session.1'])
  clientCase('load: chunk, encrypted: the sealed chunks open as one', CH, encCh, keys, 'load', { header: `session.1=${v['session.1']}; session.0=${v['session.0']}`, now: NOW },
    (g) => assert.deepStrictEqual([g.body, g.present], [JSON.stringify({ mid }), 0b110]))
  clientCase('load: chunk, encrypted: the chunks in the wrong order do not open', CH, encCh, keys, 'load', { header: `session.0=${v['session.1']}; session.1=${v['session.0']}`, now: NOW },
    (g) => assert.ok(!g.body && ['bad seal', 'truncated', 'unknown key', 'not sealed, not signed'].includes(g.reason), g.reason))
  clientCase('load: chunk, encrypted: the last chunk lost: incomplete chunks', CHL, encCh, keys, 'load', { header: `session.0=${v['session.0']}`, now: NOW },
    (g) => assert.deepStrictEqual([g.body, g.reason], [undefined, 'incomplete chunks']))
  const big = values(translate.clientCommitObject(native, core, { ...base, session: { mid: noise.slice(0, 4500) }, options: {} }))
  assert.ok(Object.keys(big).length === 0, 'a sealed session over 6144 bytes of Cookie header is not written')
}

const out = path.join(__dirname, '..', 'tests', 'vectors', 'client-frames.json')
fs.writeFileSync(out, JSON.stringify({ source: 'client-side sessions: notBefore, compress, chunk (src/client/{frame,revoke,chunks}.rs)', count: cases.length, cases }, null, 1) + '\n')
console.log(`client-frames: ${cases.length} cases`)
