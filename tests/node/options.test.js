'use strict'
// Options: one validator (in the core) for both session kinds, with the promised shape:
// a TypeError with `code` (ERR_SESSION_CORE_INVALID_<FIELD> or ERR_SESSION_CORE_UNKNOWN_OPTION) and
// `field`, a message that says what is accepted and never quotes the value, unknown names refused
// with a "did you mean".
const { describe, it } = require('node:test')
const assert = require('node:assert')
const path = require('node:path')
const { dir } = require('./pkg')

const session = require(path.join(dir, 'express'))
const cookieSession = require(path.join(dir, 'cookie-session'))
const MARK = 'S3CRET-MARK'

function refused (make, opts, code, field, message) {
  assert.throws(() => make(opts), (e) => {
    assert.ok(e instanceof TypeError, `a TypeError: ${e}`)
    assert.strictEqual(e.code, code, e.message)
    assert.strictEqual(e.field, field, e.message)
    assert.ok(!e.message.includes(MARK), `the value is not quoted: ${e.message}`)
    if (message) assert.match(e.message, message)
    return true
  })
}

describe('express options', () => {
  const cases = [
    [{ secret: MARK, secrets: MARK }, 'ERR_SESSION_CORE_UNKNOWN_OPTION', 'secrets', /did you mean secret\?/],
    [{ secret: MARK, cookie: { samesite: 'lax' } }, 'ERR_SESSION_CORE_UNKNOWN_OPTION', 'cookie.samesite', /did you mean cookie\.sameSite\?/],
    [{ secret: MARK, resav: false }, 'ERR_SESSION_CORE_UNKNOWN_OPTION', 'resav', /did you mean resave\?/],
    [{ secret: MARK, unset: MARK }, 'ERR_SESSION_CORE_INVALID_UNSET', 'unset', /"destroy", "keep"/],
    [{ secret: [] }, 'ERR_SESSION_CORE_INVALID_SECRET', 'secret', /secret option array/],
    [{ secret: 42 }, 'ERR_SESSION_CORE_INVALID_SECRET', 'secret', /string or Buffer/],
    [{ secret: MARK, cookie: { maxAge: MARK } }, 'ERR_SESSION_CORE_INVALID_COOKIE_MAXAGE', 'cookie.maxAge', /number of milliseconds.*got a string/],
    // a maxAge past what a Date holds: the cookie went out with no expiry (express-session throws
    // at the first request)
    [{ secret: MARK, cookie: { maxAge: 1e308 } }, 'ERR_SESSION_CORE_INVALID_COOKIE_MAXAGE', 'cookie.maxAge', /within ±8\.6e15/],
    [{ secret: MARK, cookie: { maxAge: -1e16 } }, 'ERR_SESSION_CORE_INVALID_COOKIE_MAXAGE', 'cookie.maxAge', /within ±8\.6e15/],
    [{ secret: MARK, cookie: { sameSite: MARK } }, 'ERR_SESSION_CORE_INVALID_COOKIE_SAMESITE', 'cookie.sameSite', /"lax", "strict", "none", "auto"/],
    [{ secret: MARK, cookie: { priority: MARK } }, 'ERR_SESSION_CORE_INVALID_COOKIE_PRIORITY', 'cookie.priority', /"low", "medium", "high"/],
    [{ secret: MARK, cookie: { domain: MARK + ' x;' } }, 'ERR_SESSION_CORE_INVALID_COOKIE_DOMAIN', 'cookie.domain', /domain name/],
    [{ secret: MARK, cookie: { expires: new Date(NaN) } }, 'ERR_SESSION_CORE_INVALID_COOKIE_EXPIRES', 'cookie.expires', /invalid Date/],
    [{ secret: MARK, cookie: { secure: MARK } }, 'ERR_SESSION_CORE_INVALID_COOKIE_SECURE', 'cookie.secure', /"auto"/],
    [{ secret: MARK, idleTimeout: MARK }, 'ERR_SESSION_CORE_INVALID_IDLETIMEOUT', 'idleTimeout', /positive number of milliseconds/],
    [{ secret: MARK, absoluteTimeout: -1 }, 'ERR_SESSION_CORE_INVALID_ABSOLUTETIMEOUT', 'absoluteTimeout', /positive/],
    [{ secret: MARK, name: MARK + ' x' }, 'ERR_SESSION_CORE_INVALID_NAME', 'name', /cookie name/],
    [{ secret: MARK, store: {} }, 'ERR_SESSION_CORE_INVALID_STORE', 'store', /get\(\)/],
    [{ secret: MARK, genid: MARK }, 'ERR_SESSION_CORE_INVALID_GENID', 'genid', /function/],
    [{ secret: MARK, resave: MARK }, 'ERR_SESSION_CORE_INVALID_RESAVE', 'resave', /true or false/],
    [{ secret: MARK, proxy: 1 }, 'ERR_SESSION_CORE_INVALID_PROXY', 'proxy', /true or false/]
  ]
  for (const [opts, code, field, message] of cases) {
    it(`${field}: ${code}`, () => refused(session, opts, code, field, message))
  }

  it('a cookie attribute at the top level points to cookie.*', () => {
    refused(session, { secret: MARK, maxAge: 1000 }, 'ERR_SESSION_CORE_UNKNOWN_OPTION', 'maxAge', /did you mean cookie\.maxAge\?/)
  })

  it('allowUnknownOptions lets deliberate extras through', () => {
    session({ secret: 'x', resave: false, saveUninitialized: false, myAppSetting: 1, allowUnknownOptions: true })
  })

  it('secret: a string, a Buffer, or an array of them', () => {
    for (const secret of ['s', Buffer.from('s'), ['a', Buffer.from('b')]]) session({ secret, resave: false, saveUninitialized: false })
  })
})

describe('cookie-session options', () => {
  const cases = [
    [{ keys: [MARK], encrpyt: true }, 'ERR_SESSION_CORE_UNKNOWN_OPTION', 'encrpyt', /did you mean encrypt\?/],
    [{ keys: [MARK], maxAge: '1d' }, 'ERR_SESSION_CORE_INVALID_MAXAGE', 'maxAge', /number of milliseconds.*got a string/],
    // a maxAge past what a Date holds: no cookie was sent at all (the session silently lost)
    [{ keys: [MARK], maxAge: 1e300 }, 'ERR_SESSION_CORE_INVALID_MAXAGE', 'maxAge', /within ±8\.6e15/],
    [{ keys: [MARK], sameSite: MARK }, 'ERR_SESSION_CORE_INVALID_SAMESITE', 'sameSite', /"lax", "strict", "none"/],
    [{ keys: [MARK], algorithm: 'md5' }, 'ERR_SESSION_CORE_INVALID_ALGORITHM', 'algorithm', /"sha1", "sha256"/],
    [{ keys: [MARK], idleTimeout: 0 }, 'ERR_SESSION_CORE_INVALID_IDLETIMEOUT', 'idleTimeout', /positive/],
    [{ keys: [MARK], onError: MARK }, 'ERR_SESSION_CORE_INVALID_ONERROR', 'onError', /function/],
    [{ keys: [MARK], expires: MARK }, 'ERR_SESSION_CORE_INVALID_EXPIRES', 'expires', /a Date/],
    [{ keys: [] }, 'ERR_SESSION_CORE_INVALID_KEYS', 'keys', /keys option array/],
    [{}, 'ERR_SESSION_CORE_INVALID_KEYS', 'keys', /\.keys required/]
  ]
  for (const [opts, code, field, message] of cases) {
    it(`${field}: ${code}`, () => refused(cookieSession, opts, code, field, message))
  }

  it('a cookie object says the cookie options go at the top level', () => {
    refused(cookieSession, { keys: [MARK], cookie: { maxAge: 1 } }, 'ERR_SESSION_CORE_UNKNOWN_OPTION', 'cookie', /at the top level/)
  })

  it('keys: a single string or Buffer is one key (no error about Keygrip)', () => {
    cookieSession({ keys: 'k1' })
    cookieSession({ keys: Buffer.from('k1') })
  })

  it('options inherited through Object.create(defaults) are read and checked (cookie-session\'s own tests do this)', () => {
    const opts = Object.create({ name: 'app', maxAge: 1000 })
    opts.keys = ['k']
    cookieSession(opts)
    const bad = Object.create({ maxAge: '1d' })
    bad.keys = ['k']
    refused(cookieSession, bad, 'ERR_SESSION_CORE_INVALID_MAXAGE', 'maxAge', /number of milliseconds/)
  })

  it('a Keygrip instance is refused with a message that says what to pass', () => {
    const Keygrip = require('keygrip')
    assert.throws(() => cookieSession({ keys: new Keygrip(['a']) }), (e) => e.field === 'keys' && /Keygrip instance/.test(e.message))
  })
})

describe('inspect and audit take a header string', () => {
  const core = require(dir)
  for (const bad of [undefined, null, 5]) {
    it(String(bad), () => {
      assert.throws(() => core.inspect(bad), (e) => e instanceof TypeError && e.code === 'ERR_SESSION_CORE_INVALID_HEADER' && e.field === 'header')
      assert.throws(() => core.audit(bad), (e) => e instanceof TypeError && e.field === 'header')
    })
  }
})
