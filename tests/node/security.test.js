'use strict'
// Security beyond CSRF: nothing secret in any output, the production checks (warned once each,
// thrown with checks: 'throw', the same findings as doctor), the __Host-/__Secure- rules, the cache
// headers, and the test-only exports kept out of the published package.
const { describe, it } = require('node:test')
const assert = require('node:assert')
const path = require('node:path')
const fs = require('node:fs')
const { spawnSync } = require('node:child_process')
const request = require('supertest')
const { EXPRESSES } = require('./helpers')
const sc = require('./pkg')
const { dir } = sc

const session = require(path.join(dir, 'express'))
const cookieSession = require(path.join(dir, 'cookie-session'))
const GOOD = 'a-long-random-looking-secret-0123456789abcdef'

/** stderr of a child that makes middlewares from `code` (session and cookieSession in scope). */
function stderrOf (code, env = 'production') {
  const r = spawnSync(process.execPath, ['-e', `
    const session = require(${JSON.stringify(path.join(dir, 'express'))})
    const cookieSession = require(${JSON.stringify(path.join(dir, 'cookie-session'))})
    ${code}`], { env: { ...process.env, NODE_ENV: env, DEBUG: '' }, encoding: 'utf8' })
  return r.stderr
}

describe('nothing secret in any output', () => {
  it('DEBUG=session-core:*, production warnings, errors and util.inspect (showHidden too) print no secret, id, cookie value or CSRF secret', () => {
    const r = spawnSync(process.execPath, [path.join(__dirname, 'no-secrets-app.js')], {
      env: { ...process.env, DEBUG: 'session-core:*', NODE_ENV: 'production' },
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024
    })
    assert.strictEqual(r.status, 0, r.stderr.slice(-2000))
    const at = r.stdout.lastIndexOf('\nFOUND ')
    const found = JSON.parse(r.stdout.slice(at + 7))
    const output = r.stdout.slice(0, at) + r.stderr
    assert.ok(/session-core:express/.test(r.stderr) && /tag [A-Za-z0-9_-]{8}/.test(r.stderr), 'the debug lines ran, naming sessions by tag')
    assert.ok(/WEAK_SECRET|MEMORY_STORE|SAVE_UNINITIALIZED|NO_EXPIRY|COOKIE_NOT_SECURE/.test(r.stderr), 'the production checks ran')
    assert.ok(found.ids.length >= 4 && found.cookies.length >= 2 && found.csrf.length >= 2)
    const secrets = ['S3CRET-for-the-no-secrets-test', 'K3Y-for-the-no-secrets-test']
    for (const s of [...secrets, ...found.ids, ...found.cookies, ...found.csrf]) {
      assert.ok(s && s.length >= 16, `a real value (${String(s).length} chars)`)
      assert.ok(!output.includes(s), `printed: ${s.slice(0, 6)}… (${s.length} chars) at ${output.indexOf(s)}: ${output.slice(Math.max(0, output.indexOf(s) - 200), output.indexOf(s))}`)
      assert.ok(!output.includes(encodeURIComponent(s)), `printed encoded: ${s.slice(0, 6)}…`)
    }
  })
})

describe('production checks', () => {
  it('each mistake warns once, naming the option and the fix; a clean configuration is silent', () => {
    const out = stderrOf(`
      session({ secret: 'keyboard cat' }); session({ secret: 'keyboard cat' })
      cookieSession({ keys: ['short'], signed: false, secure: false, sameSite: 'none' })`)
    const count = (code) => out.split(`(${code})`).length - 1
    for (const code of ['MEMORY_STORE', 'SAVE_UNINITIALIZED', 'UNSIGNED_COOKIE', 'SAMESITE_NONE_WITHOUT_SECURE', 'SHARED_KEY']) {
      assert.strictEqual(count(code), 1, `${code} once:\n${out}`)
    }
    // once per option: the Express one's (secret, cookie.*) and cookie-session's (keys, secure, maxAge)
    for (const code of ['WEAK_SECRET', 'COOKIE_NOT_SECURE', 'NO_EXPIRY']) assert.strictEqual(count(code), 2, `${code}:\n${out}`)
    assert.match(out, /session-core: secret: a secret shorter than 32 bytes.*Fix: /)
    assert.ok(!out.includes('keyboard cat') && !out.includes("'short'"), out)
    const store = '{ get () {}, set () {}, destroy () {} }'
    const clean = stderrOf(`
      session({ secret: ${JSON.stringify(GOOD)}, store: ${store}, saveUninitialized: false, resave: false, cookie: { secure: true, maxAge: 60000 } })
      cookieSession({ keys: [${JSON.stringify(GOOD + 'x')}], maxAge: 60000 })`)
    assert.strictEqual(clean, '')
    assert.strictEqual(stderrOf("session({ secret: 'keyboard cat' })", 'development'), '')
    assert.match(stderrOf("session({ secret: 'keyboard cat', checks: 'warn' })", 'development'), /WEAK_SECRET/)
    assert.strictEqual(stderrOf("session({ secret: 'keyboard cat', checks: 'off' })"), '')
  })

  it("checks: 'throw' throws with the findings; a bad checks value is a TypeError naming it", () => {
    assert.throws(() => session({ secret: 'keyboard cat', checks: 'throw' }), (e) => e.code === 'ERR_SESSION_CORE_CHECKS' && e.findings.some((f) => f.code === 'WEAK_SECRET') && !e.message.includes('keyboard cat'))
    assert.throws(() => cookieSession({ keys: ['k'], checks: 'throw' }), (e) => e.code === 'ERR_SESSION_CORE_CHECKS')
    assert.throws(() => session({ secret: GOOD, checks: 'loud' }), (e) => e instanceof TypeError && e.field === 'checks')
    assert.throws(() => cookieSession({ keys: [GOOD], cacheHeaders: 'no' }), (e) => e instanceof TypeError && e.field === 'cacheHeaders')
  })

  it('secure: true on a plain-http request without trust proxy is warned once, at the request', async () => {
    const r = spawnSync(process.execPath, ['-e', `
      const express = require('express4'); const request = require('supertest')
      const session = require(${JSON.stringify(path.join(dir, 'express'))})
      const a = express().use(session({ secret: ${JSON.stringify(GOOD)}, checks: 'warn', store: { get (i, cb) { cb() }, set (i, s, cb) { cb() }, destroy (i, cb) { cb() } }, saveUninitialized: false, resave: false, cookie: { secure: true, maxAge: 1000 } }))
      a.get('/', (req, res) => { req.session.x = 1; res.send('x') })
      ;(async () => { await request(a).get('/'); await request(a).get('/') })()`], { cwd: __dirname, encoding: 'utf8', env: { ...process.env, NODE_ENV: 'development', NODE_PATH: path.join(__dirname, '..', '..', 'node_modules') } })
    assert.strictEqual(r.stderr.split('(SECURE_ON_HTTP_REQUEST)').length - 1, 1, r.stderr)
    assert.match(r.stderr, /cookie\.secure: secure: true on a request that is not https.*trust proxy/)
  })

  it("secure 'auto' (cookie-session's default) behind a TLS proxy the app does not trust is warned once, at the request, in both kinds", () => {
    // an Express app with cookie.secure 'auto' and a cookie-session app with secure unset, each asked
    // through a TLS proxy (X-Forwarded-Proto: https): without trust proxy the cookies lack Secure
    const run = (trust, proto) => spawnSync(process.execPath, ['-e', `
      const express = require('express4'); const request = require('supertest')
      const session = require(${JSON.stringify(path.join(dir, 'express'))})
      const cookieSession = require(${JSON.stringify(path.join(dir, 'cookie-session'))})
      const a = express().set('trust proxy', ${trust})
        .use(session({ secret: ${JSON.stringify(GOOD)}, store: { get (i, cb) { cb() }, set (i, s, cb) { cb() }, destroy (i, cb) { cb() } }, saveUninitialized: false, resave: false, cookie: { secure: 'auto', maxAge: 1000 } }))
        .get('/', (req, res) => { req.session.x = 1; res.send('x') })
      const b = express().set('trust proxy', ${trust}).use(cookieSession({ keys: [${JSON.stringify(GOOD)}], maxAge: 1000 }))
        .get('/', (req, res) => { req.session.x = 1; res.send('x') })
      ;(async () => {
        const secure = []
        for (const app of [a, a, b, b]) {
          const r = await request(app).get('/').set('X-Forwarded-Proto', ${JSON.stringify(proto)})
          secure.push(r.headers['set-cookie'].every((c) => /; secure/i.test(c)))
        }
        console.log(JSON.stringify(secure))
      })()`], { cwd: __dirname, encoding: 'utf8', env: { ...process.env, NODE_ENV: 'development', NODE_PATH: path.join(__dirname, '..', '..', 'node_modules') } })
    let r = run(false, 'https')
    assert.deepStrictEqual(JSON.parse(r.stdout), [false, false, false, false], 'no Secure: the proxy is not trusted')
    assert.strictEqual(r.stderr.split('(SECURE_AUTO_UNTRUSTED_PROXY)').length - 1, 2, r.stderr) // once per option
    assert.match(r.stderr, /session-core: cookie\.secure: secure 'auto' on a request that came through a TLS proxy.*trust proxy/)
    assert.match(r.stderr, /session-core: secure: secure 'auto' on a request that came through a TLS proxy/)
    r = run(1, 'https')
    assert.deepStrictEqual(JSON.parse(r.stdout), [true, true, true, true], 'Secure behind the trusted proxy')
    assert.strictEqual(r.stderr, '')
    r = run(false, 'http')
    assert.deepStrictEqual(JSON.parse(r.stdout), [false, false, false, false])
    assert.strictEqual(r.stderr, '', 'plain http without a proxy: nothing to say')
  })

  it("doctor says what secure 'auto' depends on, in both kinds (advice: exit 0)", () => {
    const os = require('node:os')
    const bin = path.join(dir, 'bin', 'session-core.js')
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'doctor-'))
    const store = { $sc: 'instance', class: 'RedisStore', methods: ['get', 'set', 'destroy'] }
    for (const [kind, options, option] of [
      ['cookie-session', { keys: [GOOD], maxAge: 60000 }, 'secure'],
      ['express', { secret: GOOD, store, saveUninitialized: false, cookie: { secure: 'auto', maxAge: 60000 } }, 'cookie.secure']
    ]) {
      const file = path.join(tmp, kind + '.json')
      fs.writeFileSync(file, JSON.stringify(options))
      const r = spawnSync(process.execPath, [bin, 'doctor', '--json', '--kind', kind, file], { encoding: 'utf8' })
      assert.strictEqual(r.status, 0, r.stdout + r.stderr)
      const f = JSON.parse(r.stdout).findings.find((x) => x.code === 'SECURE_AUTO')
      assert.ok(f, r.stdout)
      assert.strictEqual(f.severity, 'info')
      assert.strictEqual(f.option, option)
      assert.match(f.message, /https.*trust proxy/)
      const text = spawnSync(process.execPath, [bin, 'doctor', '--kind', kind, file], { encoding: 'utf8' }).stdout
      assert.match(text, /info SECURE_AUTO/)
    }
  })

  it('__Host- and __Secure- names are refused at construction when the browser would drop the cookie', () => {
    const rule = (fn, re) => assert.throws(fn, (e) => e instanceof TypeError && e.field === 'name' && re.test(e.message))
    rule(() => session({ secret: GOOD, name: '__Host-sid' }), /secure: true/)
    rule(() => session({ secret: GOOD, name: '__Host-sid', cookie: { secure: true, domain: 'example.com' } }), /domain/)
    rule(() => session({ secret: GOOD, name: '__Host-sid', cookie: { secure: true, path: '/app' } }), /path/)
    rule(() => session({ secret: GOOD, name: '__Secure-sid', cookie: { secure: false } }), /secure: true/)
    rule(() => cookieSession({ keys: [GOOD], name: '__Host-s' }), /secure: true/)
    rule(() => cookieSession({ keys: [GOOD], name: '__Host-s', secure: true, domain: 'example.com' }), /domain/)
    session({ secret: GOOD, name: '__Host-sid', cookie: { secure: true } })
    session({ secret: GOOD, name: '__Host-sid', cookie: { secure: 'auto' } })
    session({ secret: GOOD, name: '__Secure-sid', cookie: { secure: true, domain: 'example.com', path: '/app' } })
    cookieSession({ keys: [GOOD], name: '__Host-s', secure: true })
  })
})

for (const [label, express] of EXPRESSES) {
  describe(`cache headers on ${label}`, () => {
    const mk = (mw, cc) => {
      const a = express()
      a.use(mw)
      a.get('/set', (req, res) => { if (cc) res.set('Cache-Control', cc); req.session.n = 1; res.send('x') })
      a.get('/read', (req, res) => res.send('x'))
      return a
    }
    for (const [kind, make] of [
      ['express', (o) => session({ secret: GOOD, resave: false, saveUninitialized: false, ...o })],
      ['cookie-session', (o) => cookieSession({ keys: [GOOD], ...o })]
    ]) {
      it(`${kind}: a response that sets the cookie has no-cache="Set-Cookie" (also under public) and Vary: Cookie`, async () => {
        let r = await request(mk(make())).get('/set').expect(200)
        assert.ok(r.headers['set-cookie'])
        assert.strictEqual(r.headers['cache-control'], 'no-cache="Set-Cookie"')
        assert.strictEqual(r.headers.vary, 'Cookie')
        r = await request(mk(make(), 'public, max-age=300')).get('/set').expect(200)
        assert.strictEqual(r.headers['cache-control'], 'public, max-age=300, no-cache="Set-Cookie"')
        r = await request(mk(make(), 'private, max-age=300')).get('/set').expect(200)
        assert.strictEqual(r.headers['cache-control'], 'private, max-age=300')
        r = await request(mk(make())).get('/read').expect(200)
        assert.strictEqual(r.headers['set-cookie'], undefined)
        assert.strictEqual(r.headers['cache-control'], undefined)
        assert.strictEqual(r.headers.vary, 'Cookie')
        r = await request(mk(make({ cacheHeaders: false }), 'public')).get('/set').expect(200)
        assert.strictEqual(r.headers['cache-control'], 'public')
        assert.strictEqual(r.headers.vary, undefined)
      })
    }
  })
}

describe('the published package', () => {
  it('lacks the test-only exports (sealWithNonce, openSealed, keygrip helpers, csrfTokenWithSalt); the test build has them', () => {
    const test = require('./test-build')
    for (const build of ['wasm', 'wasm-client', 'wasm-tools']) {
      const glue = require(path.join(dir, build, 'session_core.js'))
      for (const name of ['sealWithNonce', 'openSealed', 'keygripSign', 'keygripIndex', 'csrfTokenWithSalt']) {
        assert.strictEqual(glue[name], undefined, `${build} has ${name}`)
        assert.strictEqual(typeof test[name], 'function', `the test build has ${name}`)
      }
    }
  })

  it('doctor prints the same findings as the middleware for the same options', () => {
    const os = require('node:os')
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'doctor-')), 'options.json')
    fs.writeFileSync(file, JSON.stringify({ secret: 'keyboard cat', cookie: { sameSite: 'none' } }))
    const bin = path.join(dir, 'bin', 'session-core.js')
    const r = spawnSync(process.execPath, [bin, 'doctor', '--json', file], { encoding: 'utf8' })
    assert.strictEqual(r.status, 1, r.stderr)
    const doctor = JSON.parse(r.stdout).findings.map((f) => f.code)
    let thrown
    try { session({ secret: 'keyboard cat', cookie: { sameSite: 'none' }, checks: 'throw' }) } catch (e) { thrown = e }
    assert.deepStrictEqual(doctor.filter((c) => c !== 'HOST_PREFIX'), thrown.findings.map((f) => f.code).filter((c) => c !== 'SHARED_KEY')) // SHARED_KEY: this process made others
    assert.ok(!r.stdout.includes('keyboard cat'))
    // the native binary prints the same bytes
    const native = path.join(__dirname, '..', '..', 'target', 'debug', 'session-core')
    if (fs.existsSync(native)) assert.strictEqual(spawnSync(native, ['doctor', '--json', file], { encoding: 'utf8' }).stdout, r.stdout)
  })

  it('doctor --url reads a live loopback site\'s Set-Cookie (exit 1 on findings, 0 clean, 2 for any other site)', async () => {
    const http = require('node:http')
    const bin = path.join(dir, 'bin', 'session-core.js')
    const { spawn } = require('node:child_process')
    const runBin = (args) => new Promise((resolve) => {
      const p = spawn(process.execPath, [bin, ...args])
      let out = ''
      p.stdout.on('data', (d) => { out += d })
      p.on('close', (code) => resolve({ code, out }))
    })
    let header = 'sid=1; Path=/; HttpOnly; SameSite=None'
    const server = http.createServer((req, res) => { res.setHeader('Set-Cookie', header); res.end('x') })
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
    const url = `http://127.0.0.1:${server.address().port}/`
    try {
      let r = await runBin(['doctor', '--json', '--url', url])
      assert.strictEqual(r.code, 1)
      assert.ok(JSON.parse(r.out).findings.some((f) => f.code === 'SAMESITE_NONE_WITHOUT_SECURE' && f.cookie === 'sid'))
      header = '__Host-sid=1; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=600'
      r = await runBin(['doctor', '--url', url])
      assert.strictEqual(r.code, 0, r.out)
      assert.match(r.out, /no problems found/)
      assert.strictEqual((await runBin(['doctor', '--url', 'https://example.com/'])).code, 2)
    } finally {
      server.close()
    }
  })
})
