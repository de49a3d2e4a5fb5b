'use strict'
// Writes tests/vectors/inspect.json and audit.json: the debugging reports. Each case states by hand
// what the report must say (kind, verdict, key, reason, finding codes); the whole report text is
// then recorded, and every runner (native, wasm, Node, the CLI) must produce exactly those bytes.
const fs = require('node:fs')
const path = require('node:path')
const assert = require('node:assert')
const cookieSignature = require('cookie-signature')
const Keygrip = require('keygrip')
const wasm = require('../pkg/native').tools()

const out = path.join(__dirname, '..', 'tests', 'vectors')
const NOW = Date.UTC(2026, 0, 1)
const ES = 'connect.sid=' + encodeURIComponent('s:' + cookieSignature.sign('j2Zt1dW9dRnLQnYtKxBJ3bM0_fYw9-Hq', 'keyboard cat'))
const CS_BODY = 'eyJ1c2VyIjoiYWxpY2UiLCJuIjoxfQ=='
const CS = `session=${CS_BODY}; session.sig=${new Keygrip(['key-new']).sign('session=' + CS_BODY)}`
const CS256 = `session=${CS_BODY}; session.sig=${new Keygrip(['k'], 'sha256').sign('session=' + CS_BODY)}`
const SEALED = 'session=' + require('../tests/node/test-build').sealWithNonce('seal key', 'session', JSON.stringify({ c: NOW - 1000, s: NOW - 500, e: NOW + 3600000, d: { user: 'alice' } }), Buffer.alloc(24, 7))
const SEALED_OLD = 'session=' + require('../tests/node/test-build').sealWithNonce('seal key', 'session', JSON.stringify({ c: null, s: null, e: NOW - 1, d: {} }), Buffer.alloc(24, 8))

const inspect = []
function inspectCase (name, header, options, check) {
  const opts = { now: NOW, ...options }
  const text = wasm.inspectJson(header, JSON.stringify(opts))
  check(JSON.parse(text).cookies)
  inspect.push({ name, source: 'hand-written expectation; report text recorded from the core', header, options: opts, expected: text })
}
const first = (cs) => cs[0]
inspectCase('express-session cookie, no secret: both readings, unverified', ES, {}, (cs) => assert.deepStrictEqual([first(cs).kinds, first(cs).verdict, first(cs).id], [['express-session', 'cookie-parser-signed'], 'unverified', 'j2Zt1dW9dRnLQnYtKxBJ3bM0_fYw9-Hq']))
inspectCase('express-session cookie, right secret (second)', ES, { secrets: ['new', 'keyboard cat'] }, (cs) => assert.deepStrictEqual([first(cs).verdict, first(cs).key], ['valid', 1]))
inspectCase('express-session cookie, wrong secret', ES, { secrets: ['nope'] }, (cs) => assert.deepStrictEqual([first(cs).verdict, first(cs).reason], ['invalid', 'bad signature']))
inspectCase('express-session cookie cut short: truncated, not plain', 'connect.sid=s%3Aabcdefghijklmnopqrstuvwxyz012345.DCqyEYwQg53kyz', { secrets: ['k'] }, (cs) => assert.deepStrictEqual([first(cs).kinds, first(cs).verdict, first(cs).reason], [['express-session', 'cookie-parser-signed'], 'invalid', 'truncated']))
inspectCase('express-session cookie without its signature', 'connect.sid=s%3Aabcdefghijklmnopqrstuvwxyz012345.', { names: { 'connect.sid': 'express-session' } }, (cs) => assert.deepStrictEqual([first(cs).kinds, first(cs).verdict, first(cs).reason], [['express-session'], 'invalid', 'no signature']))
inspectCase('configured name decides the kind', ES, { names: { 'connect.sid': 'express-session' } }, (cs) => assert.deepStrictEqual(first(cs).kinds, ['express-session']))
inspectCase('cookie-parser signed cookie by name', 'prefs=s%3Adark.' + encodeURIComponent(cookieSignature.sign('dark', 's').split('.')[1]), { names: { prefs: 'cookie-parser' }, secrets: ['s'] }, (cs) => assert.deepStrictEqual([first(cs).kinds, first(cs).verdict], [['cookie-parser-signed'], 'valid']))
inspectCase('cookie-parser JSON cookie', 'cart=j%3A%7B%22items%22%3A2%7D', {}, (cs) => assert.deepStrictEqual([first(cs).kinds, first(cs).body], [['cookie-parser-json'], { items: 2 }]))
inspectCase('cookie-session, right key', CS, { keys: ['key-new'] }, (cs) => assert.deepStrictEqual([first(cs).kinds, first(cs).verdict, first(cs).algorithm, first(cs).body], [['cookie-session'], 'valid', 'sha1', { user: 'alice', n: 1 }]))
inspectCase('cookie-session, sha256 signature', CS256, { keys: ['k'] }, (cs) => assert.deepStrictEqual([first(cs).verdict, first(cs).algorithm], ['valid', 'sha256']))
inspectCase('cookie-session, no keys: readable but unverified', CS, {}, (cs) => assert.deepStrictEqual([first(cs).verdict, cs[1].kinds], ['unverified', ['cookie-session-signature']]))
inspectCase('cookie-session without its signature', 'session=' + CS_BODY, { keys: ['key-new'] }, (cs) => assert.deepStrictEqual([first(cs).verdict, first(cs).reason], ['invalid', 'no signature']))
inspectCase('sealed, right key: opened with expiry and time left', SEALED, { keys: ['seal key'] }, (cs) => assert.deepStrictEqual([first(cs).verdict, first(cs).body, first(cs).timeLeft, first(cs).createdAt], ['valid', { user: 'alice' }, 3600000, NOW - 1000]))
inspectCase('sealed, no key: unverified, key id shown', SEALED, {}, (cs) => assert.deepStrictEqual([first(cs).verdict, first(cs).keyId.length], ['unverified', 8]))
inspectCase('sealed, unknown key', SEALED, { keys: ['other'] }, (cs) => assert.deepStrictEqual([first(cs).verdict, first(cs).reason], ['invalid', 'unknown key']))
inspectCase('sealed, expired', SEALED_OLD, { keys: ['seal key'] }, (cs) => assert.deepStrictEqual([first(cs).verdict, first(cs).reason], ['invalid', 'expired']))
inspectCase('sealed, truncated', SEALED.slice(0, 30), { keys: ['seal key'] }, (cs) => assert.deepStrictEqual([first(cs).verdict, first(cs).reason], ['invalid', 'truncated']))
// session-core's own client-side formats: the signed frame (`sv1.`: notBefore, compress), the deflated
// sealed payload, and chunked sessions (`<name>.0`, `<name>.1`, … verified as one). Frames are built
// by hand here, deflated with node:zlib, sealed with node:crypto HKDF + @noble/ciphers (independent
// of the core), signed with the real keygrip.
const zlib = require('node:zlib')
const crypto = require('node:crypto')
const { xchacha20poly1305 } = require('@noble/ciphers/chacha')
const grip = new Keygrip(['key-new'])
const signedPair = (name, value) => `${name}=${value}; ${name}.sig=${grip.sign(name + '=' + value)}`
const frame = (header, deflated) => 'sv1.' + Buffer.concat([Buffer.from(JSON.stringify(header)), deflated || Buffer.alloc(0)]).toString('base64url')
function sealBytes (secret, name, payload, n) {
  const key = Buffer.from(crypto.hkdfSync('sha256', Buffer.from(secret), 'session-core', 'sc1 seal', 32))
  const kid = Buffer.from(crypto.hkdfSync('sha256', Buffer.from(secret), 'session-core', 'sc1 key id', 6)).toString('base64url')
  const nonce = Buffer.alloc(24, n)
  const sealed = xchacha20poly1305(key, nonce, Buffer.from(`sc1.${kid}.${name}`)).encrypt(payload)
  return `sc1.${kid}.` + Buffer.concat([nonce, Buffer.from(sealed)]).toString('base64url')
}
const CART = { cart: Array.from({ length: 40 }, (_, i) => ({ sku: `SKU-${1000 + i}`, qty: 1 + (i % 3) })) }
const NB_FRAME = frame({ i: NOW - 60000, d: { user: 'alice' } })
const Z_FRAME = frame({ i: NOW - 1000, x: { csrfSecret: 'S3cr3tS3cr3t' }, z: 1 }, zlib.deflateRawSync(JSON.stringify(CART)))
const str = (v) => JSON.stringify(v)
inspectCase('session-core signed frame (notBefore), right key: explained and verified', signedPair('session', NB_FRAME), { keys: ['key-new'] },
  (cs) => assert.deepStrictEqual([first(cs).kinds, first(cs).verdict, first(cs).key, first(cs).algorithm, str(first(cs).body), first(cs).issuedAt, first(cs).compressed, cs[1].kinds],
    [['session-core-signed'], 'valid', 0, 'sha1', '{"user":"alice"}', NOW - 60000, undefined, ['cookie-session-signature']]))
inspectCase('session-core signed frame, compressed, right key: inflated, its secret field merged in', signedPair('session', Z_FRAME), { keys: ['key-new'] },
  (cs) => assert.deepStrictEqual([first(cs).kinds, first(cs).verdict, first(cs).compressed, first(cs).issuedAt, first(cs).body], [['session-core-signed'], 'valid', true, NOW - 1000, { ...CART, csrfSecret: 'S3cr3tS3cr3t' }]))
inspectCase('session-core signed frame, no key: what it is, unverified', signedPair('session', Z_FRAME), {},
  (cs) => assert.deepStrictEqual([first(cs).kinds, first(cs).verdict, first(cs).compressed], [['session-core-signed'], 'unverified', true]))
inspectCase('session-core signed frame, wrong key: bad signature', signedPair('session', NB_FRAME), { keys: ['other'] },
  (cs) => assert.deepStrictEqual([first(cs).kinds, first(cs).verdict, first(cs).reason], [['session-core-signed'], 'invalid', 'bad signature']))
inspectCase('session-core signed frame without its signature', 'session=' + NB_FRAME, { keys: ['key-new'] },
  (cs) => assert.deepStrictEqual([first(cs).kinds, first(cs).verdict, first(cs).reason], [['session-core-signed'], 'invalid', 'no signature']))
const BOMB = frame({ z: 1 }, zlib.deflateRawSync(Buffer.alloc(70 * 1024, 0x20)))
inspectCase('session-core signed frame, a zip bomb validly signed: refused, never inflated past 64 KB', signedPair('session', BOMB), { keys: ['key-new'] },
  (cs) => assert.deepStrictEqual([first(cs).kinds, first(cs).verdict, first(cs).reason, first(cs).body], [['session-core-signed'], 'invalid', 'inflated over 64 KB', undefined]))
inspectCase('session-core signed frame that is no frame, validly signed: not json', signedPair('session', 'sv1.' + Buffer.from('{"d":1} junk').toString('base64url')), { keys: ['key-new'] },
  (cs) => assert.deepStrictEqual([first(cs).kinds, first(cs).verdict, first(cs).reason], [['session-core-signed'], 'invalid', 'not json']))
const Z_SEALED = 'session=' + sealBytes('seal key', 'session', Buffer.concat([Buffer.from(JSON.stringify({ c: NOW - 5000, s: NOW - 100, e: NOW + 3600000, i: NOW - 5000, z: 1 })), zlib.deflateRawSync(JSON.stringify(CART))]), 9)
inspectCase('sealed, compressed, right key: opened and inflated, with its times', Z_SEALED, { keys: ['seal key'] },
  (cs) => assert.deepStrictEqual([first(cs).kinds, first(cs).verdict, first(cs).compressed, first(cs).body, first(cs).createdAt, first(cs).issuedAt, first(cs).timeLeft], [['session-core-sealed'], 'valid', true, CART, NOW - 5000, NOW - 5000, 3600000]))
inspectCase('sealed, compressed, no key: unverified', Z_SEALED, {}, (cs) => assert.deepStrictEqual([first(cs).kinds, first(cs).verdict, first(cs).body], [['session-core-sealed'], 'unverified', undefined]))
// chunked: the value over session.0, session.1, … (each at most 4096 bytes with its name), verified as one
const chunks = (name, value) => [value.slice(0, 4096 - name.length - 2), value.slice(4096 - name.length - 2)].map((v, k) => [`${name}.${k}`, v])
const BIG = { user: 'carol', blob: 'q'.repeat(4000) }
const BIG_B64 = Buffer.from(JSON.stringify(BIG)).toString('base64')
const CHUNKED = [...chunks('session', BIG_B64).map(([n, v]) => `${n}=${v}`), `session.sig=${grip.sign('session=' + BIG_B64)}`].join('; ')
inspectCase('chunked cookie-session cookie, right key: the session read from its chunks and verified', 'theme=dark; ' + CHUNKED, { keys: ['key-new'] }, (cs) => {
  const names = cs.map((c) => c.name)
  assert.deepStrictEqual(names, ['theme', 'session', 'session.0', 'session.1', 'session.sig'])
  const s = cs[1]
  assert.deepStrictEqual([s.kinds, s.verdict, s.key, s.chunks, s.body, s.value.length], [['cookie-session'], 'valid', 0, ['session.0', 'session.1'], BIG, BIG_B64.length])
  assert.deepStrictEqual([cs[2].kinds, cs[2].chunkOf, cs[3].chunkOf, cs[4].kinds], [['session-core-chunk'], 'session', 'session', ['cookie-session-signature']])
})
inspectCase('chunked, no key: what it is, unverified', CHUNKED, {}, (cs) => assert.deepStrictEqual([cs[0].name, cs[0].kinds, cs[0].verdict, cs[0].chunks], ['session', ['cookie-session'], 'unverified', ['session.0', 'session.1']]))
inspectCase('chunked, the last chunk lost: incomplete chunks', CHUNKED.replace(/session\.1=[^;]*; /, ''), { keys: ['key-new'] },
  (cs) => assert.deepStrictEqual([cs[0].name, cs[0].verdict, cs[0].reason, cs[0].chunks], ['session', 'invalid', 'incomplete chunks', ['session.0']]))
inspectCase('chunked, a chunk from another session: bad signature', CHUNKED.replace(/session\.1=[^;]*/, 'session.1=' + Buffer.from('"x":1}').toString('base64')), { keys: ['key-new'] },
  (cs) => assert.deepStrictEqual([cs[0].verdict, cs[0].reason], ['invalid', 'bad signature']))
const SEALED_BIG = sealBytes('seal key', 'session', Buffer.from(JSON.stringify({ c: null, s: null, e: null, d: BIG })), 10)
const SEALED_CHUNKED = chunks('session', SEALED_BIG).map(([n, v]) => `${n}=${v}`).join('; ')
inspectCase('chunked and sealed, right key: opened as one', SEALED_CHUNKED, { keys: ['seal key'] },
  (cs) => assert.deepStrictEqual([cs[0].name, cs[0].kinds, cs[0].verdict, cs[0].body, cs[0].chunks, cs[1].kinds], ['session', ['session-core-sealed'], 'valid', BIG, ['session.0', 'session.1'], ['session-core-chunk']]))
inspectCase('chunked and sealed, no key: unverified, key id shown', SEALED_CHUNKED, {},
  (cs) => assert.deepStrictEqual([cs[0].kinds, cs[0].verdict, cs[0].keyId.length], [['session-core-sealed'], 'unverified', 8]))
inspectCase('chunked Set-Cookie lines: read as one, with the attributes of the first', chunks('session', SEALED_BIG).map(([n, v]) => `${n}=${v}; Path=/; Max-Age=60; HttpOnly`).join('\n'), { as: 'set-cookie', keys: ['seal key'] },
  (cs) => assert.deepStrictEqual([cs[0].name, cs[0].verdict, cs[0].timeLeft, cs[0].attributes.httpOnly], ['session', 'valid', 60000, true]))
inspectCase('cookies named like chunks that are no session of ours stay what they are', 'v.0=1; v.1=2', {},
  (cs) => assert.deepStrictEqual(cs.map((c) => [c.name, c.kinds]), [['v.0', ['plain']], ['v.1', ['plain']]]))
inspectCase('plain cookies and size', 'theme=dark; big=' + 'x'.repeat(4100), {}, (cs) => assert.deepStrictEqual([first(cs).kinds, cs[1].overBudget, cs[1].size], [['plain'], true, 4103]))
inspectCase('Set-Cookie lines with expiry', ES + '; Path=/; Expires=Thu, 01 Jan 2026 01:00:00 GMT; HttpOnly\nsession=' + CS_BODY + '; path=/; max-age=60', { as: 'set-cookie' }, (cs) => assert.deepStrictEqual([first(cs).timeLeft, cs[1].timeLeft, first(cs).attributes.httpOnly], [3600000, 60000, true]))
inspectCase('empty header', '', {}, (cs) => assert.deepStrictEqual(cs, []))
inspectCase('garbage', ';;=;"%zz\u00ff', {}, (cs) => assert.ok(Array.isArray(cs)))

const audit = []
function auditCase (name, header, options, codes) {
  const opts = { now: NOW, ...options }
  const text = wasm.auditJson(header, JSON.stringify(opts))
  assert.deepStrictEqual(JSON.parse(text).cookies.map((c) => c.findings.map((f) => f.code)), codes, name)
  audit.push({ name, source: 'hand-written expectation (the finding codes); report text recorded from the core', header, options: opts, expected: text })
}
auditCase('a good session cookie', ES + '; Path=/; HttpOnly; Secure; SameSite=Lax', { url: 'https://example.com/' }, [[]])
auditCase('SameSite=None without Secure', 'a=1; SameSite=None', {}, [['SAMESITE_NONE_WITHOUT_SECURE']])
auditCase('Partitioned without Secure', 'a=1; Partitioned; SameSite=None; Secure\nb=1; Partitioned', {}, [[], ['PARTITIONED_WITHOUT_SECURE']])
auditCase('__Host- prefix rules', '__Host-a=1; Secure; Path=/\n__Host-b=1; Secure; Path=/; Domain=example.com\n__Host-c=1', { url: 'https://example.com/' }, [[], ['HOST_PREFIX'], ['HOST_PREFIX']])
auditCase('__Secure- prefix rules', '__Secure-a=1; Secure\n__Secure-b=1', { url: 'https://example.com/' }, [[], ['SECURE_PREFIX']])
auditCase('Domain not matching the URL', 'a=1; Domain=example.com\nb=1; Domain=.example.com\nc=1; Domain=other.com\nd=1; Domain=ample.com', { url: 'https://www.example.com/x' }, [[], [], ['DOMAIN_MISMATCH'], ['DOMAIN_MISMATCH']])
auditCase('Secure cookie over http (localhost is trusted)', 'a=1; Secure', { url: 'http://example.com/' }, [['SECURE_OVER_HTTP']])
auditCase('Secure cookie on http://localhost', 'a=1; Secure', { url: 'http://localhost:3000/' }, [[]])
auditCase('too large (4097 bytes; 4096 is fine)', 'a=' + 'x'.repeat(4096) + '\nb=' + 'x'.repeat(4095), {}, [['TOO_LARGE'], []])
auditCase('expired', 'a=; Expires=Thu, 01 Jan 1970 00:00:00 GMT\nb=1; Max-Age=0', {}, [['EXPIRED'], ['EXPIRED']])
auditCase('session cookie without HttpOnly', 'connect.sid=s%3Aabc.def; Path=/\nmy_session=1\ntheme=dark', {}, [['SESSION_WITHOUT_HTTPONLY'], ['SESSION_WITHOUT_HTTPONLY'], []])
auditCase('lines without name=value are ignored', 'garbage\na=1', {}, [[]])
auditCase('the real-world corpus line shapes', 'id=1; expires=Sat Jul 24 2027 22:30:27 GMT+0000 (Coordinated Universal Time); path=/\nx=1; expires=Thu, 24-Dec-2026 22:30:26 GMT', {}, [['SESSION_WITHOUT_HTTPONLY'], []])

for (const [file, cases, what] of [['inspect', inspect, 'inspect reports'], ['audit', audit, 'audit reports']]) {
  fs.writeFileSync(path.join(out, file + '.json'), JSON.stringify({ source: `${what} (src/inspect/); the expected text is compared byte for byte`, count: cases.length, cases }, null, 1) + '\n')
  console.log(`${file}: ${cases.length} cases`)
}
