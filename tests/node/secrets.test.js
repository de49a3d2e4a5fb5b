'use strict'
// Secrets in errors: no error quotes an option's value; it names the option and
// the shape expected (a TypeError with `code` and `field` in JS). A single string or a Buffer works
// wherever a list of secrets or keys does.
const test = require('node:test')
const assert = require('node:assert')
const fs = require('node:fs')
const path = require('node:path')
const sc = require('./pkg')
const { dir } = sc

const root = path.join(__dirname, '..', '..')
const wasm = require(path.join(dir, 'wasm', 'session_core.js')) // the Express build
const wasmClient = require(path.join(dir, 'wasm-client', 'session_core.js')) // with the client side
const cookieParser = require(path.join(dir, 'cookie-parser'))
const vectors = JSON.parse(fs.readFileSync(path.join(root, 'tests', 'vectors', 'inspect.json'), 'utf8')).cases

/** Asserts `fn` throws a TypeError for `field` that does not quote S3CRET. */
function refuses (fn, field, what) {
  assert.throws(fn, (e) => {
    assert.ok(e instanceof TypeError, `${what}: ${e}`)
    assert.strictEqual(e.field, field, `${what}: ${e.message}`)
    const unknown = e.code === 'ERR_SESSION_CORE_UNKNOWN_OPTION' // an unknown name is the field
    if (!unknown) assert.strictEqual(e.code, 'ERR_SESSION_CORE_INVALID_' + field.toUpperCase(), what)
    assert.ok(!e.message.includes('S3CRET'), `${what}: ${e.message}`)
    return true
  }, what)
}

test('inspect and audit: a bad option is a TypeError naming it, never quoting its value', () => {
  const cases = [
    [{ secrets: { oops: 'S3CRET' } }, 'secrets'],
    [{ secrets: ['ok', { oops: 'S3CRET' }] }, 'secrets'],
    [{ keys: 42 }, 'keys'],
    [{ keys: [['S3CRET']] }, 'keys'],
    [{ names: { a: 'S3CRET', b: 1 } }, 'names'],
    [{ as: 'S3CRET' }, 'as'],
    [{ now: 'S3CRET' }, 'now'],
    [{ now: NaN }, 'now'],
    [{ url: ['S3CRET'] }, 'url'],
    [{ secret: 'S3CRET' }, 'secret'],
    ['S3CRET', 'options']
  ]
  for (const [options, field] of cases) {
    for (const fn of ['inspect', 'inspectJSON']) refuses(() => sc[fn]('a=b', options), field, `${fn}(${JSON.stringify(options)})`)
  }
  for (const fn of ['audit', 'auditJSON']) {
    refuses(() => sc[fn]('a=b', { secrets: 'S3CRET' }), 'secrets', fn)
    refuses(() => sc[fn]('a=b', { url: { S3CRET: 1 } }), 'url', fn)
  }
  assert.throws(() => sc.inspectJSON('a=b', { secrets: 5 }), { message: 'option secrets is invalid: expected a string, a Buffer (in JSON an array of bytes) or a list of them' })
  assert.throws(() => sc.inspect('a=b', { secret: 'x' }), { message: 'unknown option secret: did you mean secrets?', code: 'ERR_SESSION_CORE_UNKNOWN_OPTION', field: 'secret' })
})

test('inspect: secrets and keys take a string, a Buffer, or a list of them', () => {
  const check = (c, field) => {
    const want = JSON.parse(c.expected)
    const one = c.options[field][c.options[field].length - 1]
    for (const given of [one, Buffer.from(one), new Uint8Array(Buffer.from(one)), ['x', Buffer.from(one)]]) {
      const got = sc.inspect(c.header, { ...c.options, [field]: given })
      assert.strictEqual(got.cookies[0].verdict, 'valid', `${c.name} with ${field} ${given.constructor.name}`)
      assert.strictEqual(got.cookies[0].id, want.cookies[0].id)
    }
  }
  check(vectors.find((c) => c.name === 'express-session cookie, right secret (second)'), 'secrets')
  check(vectors.find((c) => c.name === 'cookie-session, right key'), 'keys')
  check(vectors.find((c) => c.name === 'sealed, right key: opened with expiry and time left'), 'keys')
  assert.strictEqual(sc.inspect('a=b', { now: new Date(5) }).now, 5)
})

test('sign, unsign, verify and cookie-parser: a single string or a Buffer, or a list; errors without values', () => {
  const signed = sc.sign('hello', Buffer.from('tobiiscool'))
  assert.strictEqual(signed, 'hello.DGDUkGlIkCzPz+C0B064FNgHdEjox7ch8tOBGslZ5QI')
  for (const s of ['tobiiscool', Buffer.from('tobiiscool'), ['x', 'tobiiscool'], [Buffer.from('x'), Buffer.from('tobiiscool')]]) {
    assert.strictEqual(sc.unsign(signed, s), 'hello')
  }
  assert.deepStrictEqual(sc.verify(signed, [Buffer.from('x'), 'tobiiscool']), { value: 'hello', secretIndex: 1 })
  refuses(() => sc.unsign(signed, [{ S3CRET: 1 }]), 'secret', 'unsign')
  refuses(() => sc.sign('v', 42), 'secret', 'sign')
  const req = { headers: { cookie: 'a=' + encodeURIComponent('s:' + signed) } }
  cookieParser(Buffer.from('tobiiscool'))(req, {}, () => {})
  assert.strictEqual(req.signedCookies.a, 'hello')
  assert.strictEqual(cookieParser.signedCookie('s:' + signed, Buffer.from('tobiiscool')), 'hello')
  refuses(() => cookieParser(42), 'secret', 'cookieParser(42)')
  refuses(() => cookieParser(['ok', { S3CRET: 1 }]), 'secret', 'cookieParser([ok, {}])')
})

test('the wasm bindings never pass on serde_json messages that quote the input', () => {
  refuses(() => new wasm.SessionCore('{"resave":"S3CRET"}', ['k']), 'options', 'SessionCore options')
  refuses(() => new wasmClient.ClientSessionCore('{"signed":"S3CRET"}', ['k']), 'options', 'ClientSessionCore options')
  refuses(() => wasmClient.readCookies('', '[["a","b"],"S3CRET"]', []), 'pairs', 'readCookies pairs')
  // decide is the client build's (the Express build drives the request flow instead)
  const core = new wasmClient.SessionCore('{}', ['k'])
  refuses(() => core.decide(2, 0, 0, 1 << 30, -1, -1, -1), 'input', 'decide lengths')
  // the client-side calls take only flags and lengths (no JSON): lengths past the buffer read as no cookie
  const client = new wasmClient.ClientSessionCore('{}', ['k'])
  assert.strictEqual(client.load(1 << 30, 0) & 1, 0)
})
