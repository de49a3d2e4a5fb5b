'use strict'
// The shared vectors (tests/vectors/*.json) through the npm package's public API.
const test = require('node:test')
const assert = require('node:assert')
const fs = require('node:fs')
const path = require('node:path')
const sc = require('./pkg')
const native = require(path.join(sc.dir, 'native'))
const wasm = native.client() // the client side (ClientSessionCore)
const testApi = require('./test-build') // the test-only exports (seal with a nonce, raw keygrip, csrf salt)
const { SessionCore } = native.lean() // the Express build (js/native.js crosses into it)

const dir = path.join(__dirname, '..', 'vectors')
const num = (v) => (typeof v === 'string' ? Number(v) : v)

function options (o) {
  if (!o) return o
  const out = { ...o }
  if ('maxAge' in out && out.maxAge !== null) out.maxAge = num(out.maxAge)
  if ('expires' in out && out.expires !== null) out.expires = new Date(num(out.expires))
  return out
}

const { issue16Runners } = require('./issue16-runners')
const unseal = (out, keys) => require('./unseal').unseal(testApi, out, keys)

const sessionCore = (c) => new SessionCore(JSON.stringify(c.options), c.options.secrets)

const runners = {
  // the report text itself must match, byte for byte
  inspect: (c) => assert.strictEqual(native.tools().inspectJson(c.header, JSON.stringify(c.options)), c.expected),
  audit: (c) => assert.strictEqual(native.tools().auditJson(c.header, JSON.stringify(c.options)), c.expected),
  keygrip: (c) => {
    assert.strictEqual(testApi.keygripSign(c.keys, c.algorithm, c.data), c.expected)
    for (const [digest, index] of c.verify) assert.strictEqual(testApi.keygripIndex(c.keys, c.algorithm, c.data, digest), index)
  },
  seal: (c) => {
    if (c.op === 'seal') assert.strictEqual(testApi.sealWithNonce(c.secret, c.cookie, c.payload, Buffer.from(c.nonce, 'hex')), c.expected)
    else assert.deepStrictEqual(JSON.parse(testApi.openSealed(c.keys, c.cookie, c.value)), c.expected)
  },
  client: (c) => {
    const core = new wasm.ClientSessionCore(JSON.stringify(c.options), c.keys, c.signedKeys)
    // the lean calls the middleware makes, each vector translated to them (js/native.js)
    const got = c.op === 'load' ? native.clientLoadObject(core, c.input.header, c.input.now) : unseal(native.clientCommitObject(core, c.input), c.keys)
    assert.deepStrictEqual(got, c.expected)
  },
  // a token with a given salt (the test build), and verification as the middleware calls it
  csrf: (c) => {
    if (c.op === 'token') assert.strictEqual(testApi.csrfTokenWithSalt(c.secret, c.salt), c.expected)
    else assert.strictEqual(native.csrfVerify(c.secret, c.token), c.expected)
  },
  // the same function the middleware calls once per response: JSON text in, JSON text out
  // the lean call the middleware makes, each vector translated to it (js/native.js)
  decide: (c) => assert.deepStrictEqual(native.decision(sessionCore(c), c.input), c.expected),
  // the store's merge (native.applyDelta), an explicit save's delta (native.delta), the tag
  delta: (c) => {
    let got
    try {
      if (c.op === 'apply') got = native.applyDelta(c.stored, c.delta)
      else if (c.op === 'delta') got = native.delta(c.base, c.now, c.inc ?? null, c.push ?? null)
      else if (c.op === 'tag') got = native.tag(c.id)
      else throw new Error(`unknown op ${c.op}`)
    } catch (e) {
      if (!e.code) throw e
      got = { error: e.code }
    }
    assert.deepStrictEqual(got, c.expected)
  },
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

// issue 16's rules, through the calls the Express middleware makes (js/native.js; ./issue16-runners.js)
Object.assign(runners, issue16Runners(native, wasm.ClientSessionCore, (c) => runners.client(c)))

const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort()
const counts = []
let total = 0
for (const file of files) {
  const name = file.replace(/\.json$/, '')
  const doc = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'))
  const run = runners[name]
  test(`vectors: ${file}`, () => {
    assert.ok(run, `no Node runner for ${file}`)
    assert.strictEqual(doc.cases.length, doc.count)
    const failures = []
    for (const c of doc.cases) {
      try { run(c) } catch (e) { failures.push(`${c.name}: ${e.message.split('\n')[0]}`) }
    }
    assert.deepStrictEqual(failures, [])
  })
  counts.push(`${name}=${doc.cases.length}`)
  total += doc.cases.length
}
test.after(() => console.log(`vectors: ${counts.join(' ')} total=${total}`))
