'use strict'
// The shared vectors (tests/vectors/*.json) through session-core/web's decision path: its crossing
// (pkg/web/core.js, no Buffer) over the web-target glue it loads, for every kind the web build
// answers; the test-only kinds (a seal with a given nonce, raw keygrip, a token with a given salt)
// through the test build, as the Node runner does. The count must equal the other runners'
// (scripts/check-counts.sh reads the `web vectors:` line).
const test = require('node:test')
const assert = require('node:assert')
const path = require('node:path')
const { pathToFileURL } = require('node:url')
const { dir: pkgDir } = require('./pkg')
const { sharedRunners, runFiles } = require('./vector-runners')

const url = (f) => pathToFileURL(path.join(pkgDir, f)).href

test('web vectors', async (t) => {
  const web = (await import(url('web/index.node.js'))).default
  const { crossing } = await import(url('web/core.js'))
  // the glue session-core/web loads (the client build, web target): getSession() initialises it
  const glue = await import(url('wasm-web-client/session_core.js'))
  await web.ready()
  const x = crossing(glue)
  // the debugging tools' kinds (inspect, audit, the checks, parse and serialize of the browser
  // build) through the tools build, web target, as session-core/browser loads it
  const tools = await import(url('wasm-web/session_core.js'))
  tools.initSync({ module: require('node:fs').readFileSync(path.join(pkgDir, 'wasm-web', 'session_core_bg.wasm')) })
  const native = require(path.join(pkgDir, 'native'))
  // the flags are the Node crossing's, bit for bit (both the core's enums)
  const { IN, OUT, LOADED, COMMIT, COMMITTED } = x.enums()
  assert.deepStrictEqual([IN, OUT, LOADED, COMMIT, COMMITTED], [native.IN, native.OUT, native.LOADED, native.COMMIT, native.COMMITTED])

  const sessionCore = (c) => new glue.SessionCore(JSON.stringify(c.options), c.options.secrets)
  const num = (v) => (typeof v === 'string' ? Number(v) : v)
  const runners = {
    inspect: (c) => assert.strictEqual(tools.inspectJson(c.header, JSON.stringify(c.options)), c.expected),
    audit: (c) => assert.strictEqual(tools.auditJson(c.header, JSON.stringify(c.options)), c.expected),
    checks: (c) => assert.deepStrictEqual(JSON.parse(tools.checkOptions(c.kind, JSON.stringify(c.options))).map((f) => [f.code, f.severity, f.option]), c.expected),
    users: (c) => {
      const ms = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : NaN)
      assert.strictEqual(glue.signedOut(ms(c.since ?? null), ms(c.before ?? null), Boolean(c.kept)), c.expected)
    },
    ended: (c) => assert.strictEqual([null, 'expired', 'idle', 'absolute'][x.ended(sessionCore(c), JSON.stringify(c.record), c.now)], c.expected),
    parse: (c) => assert.deepStrictEqual({ ...JSON.parse(tools.parseCookieJson(c.header, true)) }, c.expected),
    serialize: (c) => {
      const o = c.options || {}
      let actual
      try {
        const n = (v) => (v === undefined || v === null ? undefined : num(v))
        actual = tools.serializeCookie(c.cookie, c.value, false, n(o.maxAge), o.domain ?? undefined, o.path ?? undefined, n(o.expires), Boolean(o.httpOnly), Boolean(o.secure), Boolean(o.partitioned), o.priority || undefined, o.sameSite === true ? 'strict' : o.sameSite || undefined)
      } catch (e) {
        assert.match(e.code, /^ERR_SESSION_CORE_INVALID_/)
        actual = { error: e.field }
      }
      assert.deepStrictEqual(actual, c.expected)
    },
    sign: (c) => assert.strictEqual(tools.sign(c.value, c.secret), c.expected),
    unsign: (c) => {
      const hit = tools.unsign(c.input, c.secrets)
      assert.deepStrictEqual(hit === undefined ? false : { value: hit[0], index: hit[1] }, c.expected)
    }
  }

  // keygrip, seal, client, csrf, decide, delta, flow, hashids, grace, transport and client-frames: the package runner's, over this
  // crossing (./vector-runners.js; the translations are ./vector-translate.js's, given this crossing)
  Object.assign(runners, sharedRunners({ x, SessionCore: glue.SessionCore, ClientSessionCore: glue.ClientSessionCore }))

  const { done, line } = runFiles((name, fn) => t.test(name, fn), 'web vectors', runners)
  await done
  console.log(line)
})
