'use strict'
// The shared vectors (tests/vectors/*.json) through the npm package's public API.
const test = require('node:test')
const assert = require('node:assert')
const path = require('node:path')
const sc = require('./pkg')
const native = require(path.join(sc.dir, 'native'))
const wasm = native.client() // the client side (ClientSessionCore)
const { SessionCore } = native.client() // the per-decision calls (decide, ended) are the client build's

const num = (v) => (typeof v === 'string' ? Number(v) : v)

function options (o) {
  if (!o) return o
  const out = { ...o }
  if ('maxAge' in out && out.maxAge !== null) out.maxAge = num(out.maxAge)
  if ('expires' in out && out.expires !== null) out.expires = new Date(num(out.expires))
  return out
}

const { sharedRunners, runFiles } = require('./vector-runners')

const sessionCore = (c) => new SessionCore(JSON.stringify(c.options), c.options.secrets)

const runners = {
  // the report text itself must match, byte for byte
  inspect: (c) => assert.strictEqual(native.tools().inspectJson(c.header, JSON.stringify(c.options)), c.expected),
  audit: (c) => assert.strictEqual(native.tools().auditJson(c.header, JSON.stringify(c.options)), c.expected),
  // the list the middleware checks its options with (js/checks.js), each finding as [code, severity, option]
  checks: (c) => assert.deepStrictEqual(JSON.parse(native.client().checkOptions(c.kind, JSON.stringify(c.options))).map((f) => [f.code, f.severity, f.option]), c.expected),
  users: (c) => assert.strictEqual(native.signedOut(c.since ?? null, c.before ?? null, Boolean(c.kept)), c.expected),
  ended: (c) => assert.strictEqual(native.ended(sessionCore(c), JSON.stringify(c.record), c.now) || null, c.expected),
  parse: (c) => assert.deepStrictEqual({ ...sc.parseCookie(c.header) }, c.expected),
  serialize: (c) => {
    let actual
    try {
      actual = sc.serializeCookie(c.cookie, c.value, options(c.options))
    } catch (e) {
      assert.ok(e instanceof TypeError, 'a TypeError')
      assert.match(e.code, /^ERR_SESSION_CORE_INVALID_/)
      actual = { error: e.field }
    }
    assert.deepStrictEqual(actual, c.expected)
  },
  sign: (c) => assert.strictEqual(sc.sign(c.value, c.secret), c.expected),
  unsign: (c) => {
    const hit = sc.verify(c.input, c.secrets)
    assert.deepStrictEqual(hit && { value: hit.value, index: hit.secretIndex }, c.expected)
    assert.strictEqual(sc.unsign(c.input, c.secrets), c.expected && c.expected.value)
  }
}

// keygrip, seal, client, csrf, decide, delta, flow, hashids, grace, transport and client-frames: through the calls the middlewares make
// (js/native.js), as session-core/web's runner runs them over its crossing (./vector-runners.js)
Object.assign(runners, sharedRunners({ x: native, SessionCore, ClientSessionCore: wasm.ClientSessionCore, FlowSessionCore: native.lean().SessionCore }))

const { line } = runFiles(test, 'vectors', runners)
test.after(() => console.log(line))
