'use strict'
// Writes tests/vectors/keygrip.json, seal.json and client.json (the client-side sessions of
// session-core/cookie-session). keygrip cases: expected values from the real keygrip package.
// seal cases: session-core's format v1 with fixed nonces; every expected value is checked here by an
// independent implementation (node:crypto HKDF + @noble/ciphers XChaCha20-Poly1305) before it is
// written. client cases: the load/commit decisions, with cookie-session's rules for the flags and
// Set-Cookie bytes checked against the real cookie-session where a peer exists.
const fs = require('node:fs')
const path = require('node:path')
const crypto = require('node:crypto')
const assert = require('node:assert')
const Keygrip = require('keygrip')
const { xchacha20poly1305 } = require('@noble/ciphers/chacha')
const native = require('../pkg/native')
const translate = require('../tests/node/vector-translate')
// the cores: the client build, whose crossing js/native.js reads; the test-only exports (sealWithNonce,
// openSealed) from the test build, a wasm instance of its own
const wasm = { ...require('../tests/node/test-build'), ClientSessionCore: native.client().ClientSessionCore }

const out = path.join(__dirname, '..', 'tests', 'vectors')
const write = (file, source, cases) => {
  fs.writeFileSync(path.join(out, file + '.json'), JSON.stringify({ source, count: cases.length, cases }, null, 1) + '\n')
  console.log(`${file}: ${cases.length} cases`)
}

// ---- keygrip ----
const kg = []
for (const [keys, alg] of [[['key-new', 'key-old'], 'sha1'], [['key-new', 'key-old'], 'sha256'], [['a', 'b'], 'sha1'], [['🔑', ''], 'sha1'], [['k'], 'sha256']]) {
  const grip = new Keygrip(keys, alg)
  for (const data of ['session=eyJ1c2VyIjoiYWxpY2UiLCJuIjoxfQ==', 'session=', 'session=e30=', 'my.session=' + 'x'.repeat(4000), 'n=é😀']) {
    const signed = grip.sign(data)
    const old = new Keygrip(keys.slice(1).length ? keys.slice(1) : keys, alg).sign(data)
    kg.push({
      name: `${alg} ${JSON.stringify(keys)} ${data.slice(0, 24)}`,
      source: 'keygrip@1.1.0',
      keys,
      algorithm: alg,
      data,
      expected: signed,
      verify: [[signed, 0], [old, grip.index(data, old)], [signed.slice(0, -1), -1], ['', -1], [signed + '=', -1]]
    })
  }
}
write('keygrip', 'keygrip signatures (HMAC, base64url without padding); expected from keygrip@1.1.0', kg)

// ---- seal ----
function independentOpen (secret, name, value) {
  const [, kid, data] = value.split('.')
  const raw = Buffer.from(data, 'base64url')
  const key = Buffer.from(crypto.hkdfSync('sha256', Buffer.from(secret), 'session-core', 'sc1 seal', 32))
  const id = Buffer.from(crypto.hkdfSync('sha256', Buffer.from(secret), 'session-core', 'sc1 key id', 6)).toString('base64url')
  assert.strictEqual(kid, id, 'key id = HKDF(secret, "sc1 key id")[0..6]')
  const aad = Buffer.from(`sc1.${kid}.${name}`)
  return Buffer.from(xchacha20poly1305(key, raw.subarray(0, 24), aad).decrypt(raw.subarray(24))).toString('utf8')
}
const seal = []
const nonce = (b) => Buffer.alloc(24, b)
for (const [secret, name, payload, n] of [
  ['correct horse battery staple', 'session', '{"c":1767225600000,"s":1767225600000,"e":null,"d":{"user":"alice"}}', 1],
  ['correct horse battery staple', 'session', '{"c":null,"s":null,"e":1767312000000,"d":{}}', 2],
  ['another key', 'my.session', '{"c":null,"s":null,"e":null,"d":{"cart":[1,2,3],"name":"é😀"}}', 3],
  ['k', 'session', '{"c":null,"s":null,"e":null,"d":' + JSON.stringify({ big: 'x'.repeat(2000) }) + '}', 4]
]) {
  const value = wasm.sealWithNonce(secret, name, payload, nonce(n))
  assert.strictEqual(independentOpen(secret, name, value), payload)
  seal.push({ name: `seal for ${name} with nonce ${n}`, source: 'session-core seal format v1 (docs/client-sessions.md); checked with node:crypto HKDF + @noble/ciphers XChaCha20-Poly1305', op: 'seal', secret, cookie: name, payload, nonce: nonce(n).toString('hex'), expected: value })
}
const sealed = seal[0].expected
const openCase = (name, keys, cookie, value, expected) => {
  const got = JSON.parse(wasm.openSealed(keys, cookie, value))
  assert.deepStrictEqual(got, expected, name)
  seal.push({ name, source: 'session-core seal format v1: hand-written expectation', op: 'open', keys, cookie, value, expected })
}
const K = 'correct horse battery staple'
openCase('opens with the first key', [K, 'old'], 'session', sealed, { payload: seal[0].payload, index: 0 })
openCase('opens with an older key (to be re-sealed)', ['new key', K], 'session', sealed, { payload: seal[0].payload, index: 1 })
openCase('unknown key', ['new key'], 'session', sealed, { error: 'unknown key' })
openCase('wrong cookie name (associated data)', [K], 'other', sealed, { error: 'bad seal' })
openCase('tampered ciphertext', [K], 'session', sealed.slice(0, -5) + (sealed.at(-5) === 'A' ? 'B' : 'A') + sealed.slice(-4), { error: 'bad seal' })
openCase('tampered key id', [K], 'session', 'sc1.AAAAAAAA.' + sealed.split('.')[2], { error: 'unknown key' })
openCase('truncated', [K], 'session', sealed.slice(0, 40), { error: 'truncated' })
openCase('no prefix', [K], 'session', sealed.slice(4), { error: 'truncated' })
openCase('not base64url', [K], 'session', 'sc1.' + sealed.split('.')[1] + '.!!!!', { error: 'truncated' })
openCase('empty', [K], 'session', '', { error: 'truncated' })
openCase('a cookie-session body is not a seal', [K], 'session', 'eyJ1c2VyIjoiYWxpY2UiLCJuIjoxfQ==', { error: 'truncated' })
write('seal', 'session-core sealed cookie values, format v1', seal)

// ---- client: load and commit decisions ----
const client = []
const NOW = Date.UTC(2026, 0, 1)
// sealed values differ on every run: each is opened and shown as `[sealed with key <index>: <payload>]`
const unseal = (out, keys) => require('../tests/node/unseal').unseal(wasm, out, keys)
function clientCase (name, source, options, keys, op, input, check, signedKeys) {
  const core = new wasm.ClientSessionCore(JSON.stringify(options), keys, signedKeys)
  const got = op === 'load' ? translate.clientLoadObject(native, core, input.header, input.now) : unseal(translate.clientCommitObject(native, core, input), keys)
  check(got)
  client.push({ name, source, options, keys, signedKeys, op, input, expected: got })
}
const CS = 'cookie-session 2.1 rules; Set-Cookie bytes as cookie-session/cookies 0.9 write them (peers.md §2.5)'
const keys = ['key-new', 'key-old']
const body = 'eyJ1c2VyIjoiYWxpY2UiLCJuIjoxfQ=='
const sigNew = new Keygrip(keys).sign('session=' + body)
const sigOld = new Keygrip(['key-old']).sign('session=' + body)
const opts = { name: 'session' }
clientCase('load: good signature', CS, opts, keys, 'load', { header: `session=${body}; session.sig=${sigNew}`, now: NOW }, (g) => assert.deepStrictEqual([g.body, g.keyIndex], ['{"user":"alice","n":1}', 0]))
clientCase('load: older key', CS, opts, keys, 'load', { header: `session=${body}; session.sig=${sigOld}`, now: NOW }, (g) => assert.strictEqual(g.keyIndex, 1))
clientCase('load: bad signature clears the signature cookie', CS, opts, keys, 'load', { header: `session=${body}; session.sig=foobar`, now: NOW }, (g) => assert.deepStrictEqual([g.reason, g.clearSig], ['bad signature', true]))
clientCase('load: no signature', CS, opts, keys, 'load', { header: `session=${body}`, now: NOW }, (g) => assert.strictEqual(g.reason, 'no signature'))
clientCase('load: no cookie', CS, opts, keys, 'load', { header: 'other=1', now: NOW }, (g) => assert.strictEqual(g.reason, 'no cookie'))
clientCase('load: unsigned mode reads the body', CS, { name: 'session', signed: false }, [], 'load', { header: `session=${body}`, now: NOW }, (g) => assert.strictEqual(g.body, '{"user":"alice","n":1}'))
clientCase('load: not JSON', CS, { name: 'session', signed: false }, [], 'load', { header: 'session=bm90IGpzb24=', now: NOW }, (g) => assert.strictEqual(g.reason, 'not json'))
clientCase('load: oversized request cookie', 'session-core: a cookie over the 4096-byte budget is not read', { name: 'session', signed: false }, [], 'load', { header: 'session=' + 'e'.repeat(4100), now: NOW }, (g) => assert.strictEqual(g.reason, 'oversized'))
const base = { now: NOW, secure: false, accessed: true, unset: false, isNew: true, raw: null, original: null, keyIndex: null, clearSig: false, createdAt: null, lastSeen: null }
const attrs = { maxAge: 86400000, sameSite: 'lax' }
clientCase('commit: new populated session sets value and signature', CS, opts, keys, 'commit', { ...base, session: { user: 'alice', n: 1 }, options: attrs },
  (g) => assert.deepStrictEqual(g.setCookies.map((c) => c[1]), [
    `session=${body}; path=/; expires=Fri, 02 Jan 2026 00:00:00 GMT; samesite=lax; httponly`,
    `session.sig=${sigNew}; path=/; expires=Fri, 02 Jan 2026 00:00:00 GMT; samesite=lax; httponly`]))
clientCase('commit: new empty session writes nothing', CS, opts, keys, 'commit', { ...base, session: {}, options: attrs }, (g) => assert.deepStrictEqual(g.setCookies, []))
clientCase('commit: not accessed writes nothing', CS, opts, keys, 'commit', { ...base, accessed: false, session: { a: 1 }, options: attrs }, (g) => assert.deepStrictEqual(g.setCookies, []))
clientCase('commit: unchanged loaded session writes nothing', CS, opts, keys, 'commit', { ...base, isNew: false, raw: body, keyIndex: 0, session: { user: 'alice', n: 1 }, options: attrs }, (g) => assert.deepStrictEqual(g.setCookies, []))
clientCase('commit: session = null expires both cookies', CS, opts, keys, 'commit', { ...base, isNew: false, unset: true, session: null, options: { sameSite: 'lax' } },
  (g) => assert.deepStrictEqual(g.setCookies.map((c) => c[1]), [
    'session=; path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT; samesite=lax; httponly',
    'session.sig=V-mSvsedpoaXnslHOr0jVv3NKOM; path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT; samesite=lax; httponly']))
clientCase('commit: older key re-signs with the first, keeping every attribute', 'session-core fix (docs/client-sessions.md: deviations); cookie-session re-signs with default attributes', opts, keys, 'commit', { ...base, isNew: false, raw: body, keyIndex: 1, session: { user: 'alice', n: 1 }, options: { ...attrs, domain: 'example.com' } },
  (g) => assert.deepStrictEqual(g.setCookies.map((c) => c[1]), [
    `session=${body}; path=/; expires=Fri, 02 Jan 2026 00:00:00 GMT; domain=example.com; samesite=lax; httponly`,
    `session.sig=${sigNew}; path=/; expires=Fri, 02 Jan 2026 00:00:00 GMT; domain=example.com; samesite=lax; httponly`]))
clientCase('commit: bad signature, nothing saved: the signature cookie is cleared', CS, opts, keys, 'commit', { ...base, clearSig: true, session: {}, options: attrs },
  (g) => assert.deepStrictEqual(g.setCookies.map((c) => c[1]), ['session.sig=; path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT; httponly']))
clientCase('commit: secure on an insecure request sets nothing and says so', 'session-core: as cookie-session, but reported', opts, keys, 'commit', { ...base, session: { a: 1 }, options: { secure: true } }, (g) => assert.strictEqual(g.skipped, 'insecure'))
clientCase('commit: https adds Secure by default', CS, opts, keys, 'commit', { ...base, secure: true, session: { a: 1 }, options: {} }, (g) => assert.match(g.setCookies[0][1], /; secure; httponly$/))
clientCase('commit: over the 4096-byte budget nothing is sent', 'session-core size budget (browsers drop name+value > 4096)', opts, keys, 'commit', { ...base, session: { big: 'x'.repeat(3100) }, options: {} }, (g) => assert.deepStrictEqual([g.setCookies.length, g.tooLarge[0], g.tooLarge[1]], [0, 'session', 4155]))
clientCase('commit: sha256 keygrip', CS, { name: 'session', algorithm: 'sha256' }, keys, 'commit', { ...base, session: { user: 'alice', n: 1 }, options: attrs }, (g) => assert.match(g.setCookies[1][1], /^session\.sig=ov33S4aoqA_YZIQh4gXQrCTokSyt5FH4mI69SL4ysnk;/))

// ---- client: moving to encrypted cookies (migrateSigned) ----
// The signed cookies are cookie-session's (keygrip@1.1.0 signatures over "session=<base64 JSON>").
const MS = 'session-core migrateSigned (docs/client-sessions.md: moving to encrypted cookies); the signed cookie as cookie-session 2.1 writes it (keygrip@1.1.0)'
const enc = { name: 'session', encrypt: true }
const mig = { ...enc, migrateSigned: true }
const signedHeader = `session=${body}; session.sig=${sigNew}`
const reason = (r) => (g) => assert.strictEqual(g.reason, r)
clientCase('load: encrypted mode, a signed cookie without migrateSigned: a fresh session, and the true reason', MS, enc, keys, 'load', { header: signedHeader, now: NOW },
  (g) => assert.deepStrictEqual([g.body, g.reason, g.clearSig], [undefined, 'signed cookie (encrypt is on; set migrateSigned to read it)', true]))
clientCase('load: encrypted mode, a value neither sealed nor signed is never read, even while migrating', 'session-core: an unsigned cookie could come from anyone', mig, keys, 'load', { header: `session=${body}`, now: NOW }, reason('not sealed, not signed'))
clientCase('load: migrateSigned reads a signed cookie that verifies, to be sealed and its .sig cleared', MS, mig, keys, 'load', { header: signedHeader, now: NOW },
  (g) => assert.deepStrictEqual([g.body, g.keyIndex, g.migrated, g.clearSig, g.raw], ['{"user":"alice","n":1}', 0, true, true, undefined]))
clientCase('load: migrateSigned, a cookie signed with an older key', MS, mig, keys, 'load', { header: `session=${body}; session.sig=${sigOld}`, now: NOW },
  (g) => assert.deepStrictEqual([g.keyIndex, g.migrated], [1, true]))
clientCase('load: migrateSigned, a bad signature gives a fresh session', MS, mig, keys, 'load', { header: `session=${body}; session.sig=${sigNew.slice(1)}`, now: NOW },
  (g) => assert.deepStrictEqual([g.body, g.reason, g.migrated], [undefined, 'bad signature', undefined]))
const sigSha256 = new Keygrip(keys, 'sha256').sign('session=' + body)
clientCase('load: migrateSigned with its own keys and algorithm (the signed app\'s), new keys for sealing', MS, { ...enc, migrateSigned: { algorithm: 'sha256' } }, ['seal key'], 'load', { header: `session=${body}; session.sig=${sigSha256}`, now: NOW },
  (g) => assert.deepStrictEqual([g.body, g.keyIndex, g.migrated], ['{"user":"alice","n":1}', 0, true]), keys)
clientCase('load: migrateSigned verifies with the sealing keys by default', MS, mig, ['seal key'], 'load', { header: signedHeader, now: NOW }, reason('bad signature'))
const notJson = 'bm90IGpzb24='
clientCase('load: migrateSigned, a signed body that is not JSON', MS, mig, keys, 'load', { header: `session=${notJson}; session.sig=${new Keygrip(keys).sign('session=' + notJson)}`, now: NOW }, reason('not json'))
const sealedPayload = '{"c":null,"s":null,"e":null,"d":{"user":"alice"}}'
const sealedValue = wasm.sealWithNonce('key-new', 'session', sealedPayload, nonce(5))
assert.strictEqual(independentOpen('key-new', 'session', sealedValue), sealedPayload)
clientCase('load: migrateSigned, a sealed cookie opens as before; a leftover .sig beside it is flagged', MS, mig, keys, 'load', { header: `session=${sealedValue}; session.sig=${sigNew}`, now: NOW },
  (g) => assert.deepStrictEqual([g.body, g.keyIndex, g.migrated, g.clearSig], ['{"user":"alice"}', 0, undefined, true]))
clientCase('load: encrypted mode, a broken seal is still "truncated"', 'session-core seal format v1', mig, keys, 'load', { header: 'session=sc1.abc', now: NOW }, reason('truncated'))
const migrated = { ...base, isNew: false, original: { user: 'alice', n: 1 }, session: { user: 'alice', n: 1 }, keyIndex: 0, migrated: true, clearSig: true }
const at = { ...attrs, domain: 'example.com' }
clientCase('commit: a migrated session is sealed even if unchanged; its .sig expires with the same path and domain', MS, mig, keys, 'commit', { ...migrated, options: at },
  (g) => assert.deepStrictEqual(g.setCookies, [
    ['session', 'session=[sealed with key 0: {"c":null,"s":null,"e":1767312000000,"d":{"user":"alice","n":1}}]; path=/; expires=Fri, 02 Jan 2026 00:00:00 GMT; domain=example.com; samesite=lax; httponly'],
    ['session.sig', 'session.sig=; path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT; domain=example.com; samesite=lax; httponly']]))
clientCase('commit: a migrated session under timeouts starts its clocks when sealed', MS, { ...mig, idleTimeout: 3600000 }, keys, 'commit', { ...migrated, options: attrs },
  (g) => assert.ok(g.setCookies[0][1].startsWith(`session=[sealed with key 0: {"c":${NOW},`)))
clientCase('commit: a migrated session set to null expires both cookies', MS, mig, keys, 'commit', { ...migrated, unset: true, session: null, options: attrs },
  (g) => assert.deepStrictEqual(g.setCookies.map((c) => c[1]), [
    'session=; path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT; samesite=lax; httponly',
    'session.sig=; path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT; samesite=lax; httponly']))
clientCase('commit: encrypted mode: a new session written over a signed cookie expires the stale .sig', MS, enc, keys, 'commit', { ...base, clearSig: true, session: { a: 1 }, options: attrs },
  (g) => assert.deepStrictEqual(g.setCookies.map((c) => c[0]), ['session', 'session.sig']))
clientCase('commit: encrypted mode: nothing written, the signed cookie and its .sig are left alone', MS, enc, keys, 'commit', { ...base, clearSig: true, session: {}, options: attrs },
  (g) => assert.deepStrictEqual([g.setCookies, g.wrote], [[], false]))
clientCase('commit: a migrated session too big once sealed is not sent, and the .sig is kept', 'session-core size budget (browsers drop name+value > 4096)', mig, keys, 'commit',
  { ...migrated, original: { big: 'x'.repeat(3000) }, session: { big: 'x'.repeat(3000) }, options: attrs },
  (g) => assert.deepStrictEqual([g.setCookies, g.tooLarge && g.tooLarge[0]], [[], 'session']))
write('client', 'client-side session decisions (src/client/session.rs)', client)
