'use strict'
// The vector runners that are the same over both crossings: js/native.js's for the package's runner
// (vectors.test.js), js/web/core.js's for session-core/web's (web-vectors.test.js). The two
// crossings have the same calls, and the translators of ./vector-translate.js (decision,
// clientLoadObject, clientCommitObject) take either, so one translation serves both runners.
const assert = require('node:assert')
const fs = require('node:fs')
const path = require('node:path')
const testApi = require('./test-build') // the test-only exports (seal with a nonce, raw keygrip, csrf salt)
const { unseal } = require('./unseal')
const { flowAnswer } = require('./flow-answers')
const translate = require('./vector-translate')

const num = (v) => (typeof v === 'string' ? Number(v) : v)

/**
 * `x`: the crossing (js/native.js itself, or a web crossing); `SessionCore`, `ClientSessionCore`:
 * the classes of the builds the crossing calls.
 */
function sharedRunners ({ x, SessionCore, ClientSessionCore, FlowSessionCore = SessionCore }) {
  const sessionCore = (c) => new SessionCore(JSON.stringify(c.options), c.options.secrets)
  // the flow's calls cross into the build `x` drives them on (the Express build, for the Node crossing)
  const flowCore = (c) => new FlowSessionCore(JSON.stringify(c.options), c.options.secrets)
  const runners = {
    keygrip: (c) => {
      assert.strictEqual(testApi.keygripSign(c.keys, c.algorithm, c.data), c.expected)
      for (const [digest, index] of c.verify) assert.strictEqual(testApi.keygripIndex(c.keys, c.algorithm, c.data, digest), index)
    },
    seal: (c) => {
      if (c.op === 'seal') assert.strictEqual(testApi.sealWithNonce(c.secret, c.cookie, c.payload, Buffer.from(c.nonce, 'hex')), c.expected)
      else assert.deepStrictEqual(JSON.parse(testApi.openSealed(c.keys, c.cookie, c.value)), c.expected)
    },
    // the calls the middlewares make, each vector translated to them (./vector-translate.js)
    client: (c) => {
      const cc = new ClientSessionCore(JSON.stringify(c.options), c.keys, c.signedKeys)
      const got = c.op === 'load' ? translate.clientLoadObject(x, cc, c.input.header, c.input.now) : unseal(testApi, translate.clientCommitObject(x, cc, c.input), c.keys)
      assert.deepStrictEqual(got, c.expected)
    },
    // a token with a given salt (the test build), and verification as the middleware calls it
    csrf: (c) => {
      if (c.op === 'token') assert.strictEqual(testApi.csrfTokenWithSalt(c.secret, c.salt), c.expected)
      else assert.strictEqual(x.csrfVerify(c.secret, c.token), c.expected)
    },
    // the call made once per response, each vector translated to it (./vector-translate.js decision)
    decide: (c) => assert.deepStrictEqual(translate.decision(x, sessionCore(c), c.input), c.expected),
    // the store's merge (applyDelta), an explicit save's delta (delta), the tag
    delta: (c) => {
      let got
      try {
        if (c.op === 'apply') got = x.applyDelta(c.stored, c.delta)
        else if (c.op === 'delta') got = x.delta(c.base, c.now, c.inc ?? null, c.push ?? null)
        else if (c.op === 'tag') got = x.tag(c.id)
        else throw new Error(`unknown op ${c.op}`)
      } catch (e) {
        if (!e.code) throw e
        got = { error: e.code }
      }
      assert.deepStrictEqual(got, c.expected)
    },
    // the hashIds, grace and header rules (src/session/{hashed,grace,transport}.rs)
    hashids: (c) => {
      if (c.op === 'index') return assert.strictEqual(x.indexArg(c.value, c.hashIds), c.expected)
      const k = x.storeKeys(c.id, c.hashIds)
      assert.deepStrictEqual({ key: k.key, legacy: k.legacy, grace: k.grace, hashable: k.hashable }, c.expected)
    },
    grace: (c) => {
      if (c.op === 'grace') return assert.strictEqual(x.grace(c.record, c.method, c.now, c.grace), c.expected)
      let got
      try {
        got = x.tombstone(c.record, c.now, c.grace, c.successor ?? null)
      } catch (e) {
        if (!e.code) throw e
        got = { error: e.code }
      }
      assert.deepStrictEqual(got, c.expected)
    },
    transport: (c) => {
      if (c.op === 'carrier') {
        const got = x.carrier(c.cookie ?? undefined, c.cookieName, c.header ?? undefined)
        return assert.deepStrictEqual({ header: got.header, id: got.id }, c.expected)
      }
      if (c.op === 'respond') return assert.deepStrictEqual(x.respond(c.headerRequest, c.setCookie, c.cookieName, c.cacheHeaders), c.expected)
      assert.strictEqual(x.csrfExempt(c.cookieSent, c.headerSent), c.expected)
    },
    // the request flow's steps (src/flow/server.rs), through the crossing's flow calls
    flow: (c) => assert.deepStrictEqual(flowAnswer(x, flowCore(c), c.step, c.input), c.expected),
    // revocable and big client sessions: the notBefore rule (a static of the class), and load/commit with notBefore, compress, chunk
    'client-frames': (c) => {
      if (c.op !== 'revoked') return runners.client(c)
      const cut = c.notBefore === null ? undefined : num(c.notBefore)
      assert.strictEqual(ClientSessionCore.revoked(c.issuedAt ?? undefined, cut), c.expected)
    }
  }
  return runners
}

/**
 * Every file of tests/vectors/ as a test named `<label>: <file>` (made with `testFn`), each case by
 * its file's runner. Returns `done` (every test settled) and the `<label>: … total=N` line that
 * scripts/check-counts.sh reads.
 */
function runFiles (testFn, label, runners) {
  const vectors = path.join(__dirname, '..', 'vectors')
  const counts = []
  const tests = []
  let total = 0
  for (const file of fs.readdirSync(vectors).filter((f) => f.endsWith('.json')).sort()) {
    const name = file.replace(/\.json$/, '')
    const doc = JSON.parse(fs.readFileSync(path.join(vectors, file), 'utf8'))
    tests.push(testFn(`${label}: ${file}`, () => {
      const run = runners[name]
      assert.ok(run, `no runner for ${file} (${label})`)
      assert.strictEqual(doc.cases.length, doc.count)
      const failures = []
      for (const c of doc.cases) {
        try { run(c) } catch (e) { failures.push(`${c.name}: ${e.message.split('\n')[0]}`) }
      }
      assert.deepStrictEqual(failures, [])
    }))
    counts.push(`${name}=${doc.cases.length}`)
    total += doc.cases.length
  }
  return { done: Promise.all(tests), line: `${label}: ${counts.join(' ')} total=${total}` }
}

module.exports = { sharedRunners, runFiles }
