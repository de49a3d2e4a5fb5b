'use strict'
// The shared vectors (tests/vectors/*.json) through session-core/web's decision path: its crossing
// (pkg/web/core.js, no Buffer) over the web-target glue it loads, for every kind the web build
// answers; the test-only kinds (a seal with a given nonce, raw keygrip, a token with a given salt)
// through the test build, as the Node runner does. The count must equal the other runners'
// (scripts/check-counts.sh reads the `web vectors:` line).
const test = require('node:test')
const assert = require('node:assert')
const fs = require('node:fs')
const path = require('node:path')
const { pathToFileURL } = require('node:url')
const { dir: pkgDir } = require('./pkg')
const testApi = require('./test-build')
const unseal = (out, keys) => require('./unseal').unseal(testApi, out, keys)

const dir = path.join(__dirname, '..', 'vectors')
const url = (f) => pathToFileURL(path.join(pkgDir, f)).href

test('web vectors', async (t) => {
  const web = (await import(url('web/index.node.js'))).default
  const { crossing, IN, OUT, LOADED, COMMIT, COMMITTED } = await import(url('web/core.js'))
  const glue = await import(url('wasm-web/session_core.js'))
  await web.ready() // loads the glue as getSession() does
  const x = crossing(glue)
  const native = require(path.join(pkgDir, 'native'))
  // the flags are the Node crossing's, bit for bit
  assert.deepStrictEqual([IN, OUT, LOADED, COMMIT, COMMITTED], [native.IN, native.OUT, native.LOADED, native.COMMIT, native.COMMITTED])

  const sessionCore = (c) => new glue.SessionCore(JSON.stringify(c.options), c.options.secrets)
  const s = (v) => (v === null || v === undefined ? null : JSON.stringify(v))

  /** decide.json's input through the web crossing's decide (the call session.js makes). */
  function decision (sc, input) {
    const cookie = typeof input.cookieId === 'string'
    let flags = 0
    if (input.secure) flags |= IN.SECURE
    if (cookie) flags |= IN.COOKIE_PRESENT
    if (cookie && input.cookieId === input.sessionId) flags |= IN.COOKIE_MATCHES
    if (input.cookieSecretIndex > 0) flags |= IN.COOKIE_OLD_SECRET
    if ((input.originalId ?? null) === (input.id ?? null)) flags |= IN.SAME_ORIGINAL_ID
    const original = s(input.original)
    const saved = s(input.saved)
    if (original !== null && original === saved) flags |= IN.SAVED_IS_ORIGINAL
    if (input.destroyed) flags |= IN.DESTROYED
    if (input.touched) flags |= IN.TOUCHED
    if (input.storeTouch) flags |= IN.STORE_TOUCH
    if (input.wantRecord !== false) flags |= IN.WANT_RECORD
    if (input.wantDelta) flags |= IN.WANT_DELTA
    const phase = { headers: 0, end: 1, both: 2 }[input.phase]
    const bits = x.decide(sc, phase, input.now, flags, input.sessionId ?? null, original, saved, s(input.session), input.inc ?? null, input.push ?? null)
    const out = {}
    if (bits & OUT.SET_COOKIE) out.setCookie = x.out(0, false)
    if (bits & OUT.COOKIE_SKIPPED) out.cookieSkipped = 'insecure'
    out.save = Boolean(bits & OUT.SAVE)
    out.touch = Boolean(bits & OUT.TOUCH)
    out.destroy = Boolean(bits & OUT.DESTROY)
    out.touched = Boolean(bits & OUT.TOUCHED)
    if (bits & OUT.EXPIRES) out.expires = bits & OUT.EXPIRES_NULL ? null : x.num(0)
    if (bits & OUT.CREATED_AT) out.createdAt = x.num(1)
    if (bits & OUT.LAST_SEEN) out.lastSeen = x.num(2)
    if (bits & OUT.RECORD) out.record = x.out(1)
    if (bits & OUT.DEADLINE) out.deadline = x.num(3)
    if (bits & OUT.DELTA) out.delta = x.out(2)
    return out
  }

  function clientLoad (cc, header, now) {
    const bits = x.clientLoad(cc, header, now)
    const o = {}
    if (bits & LOADED.BODY) o.body = x.out(0)
    if (bits & LOADED.RAW) o.raw = x.out(1)
    if (bits & LOADED.REASON) o.reason = x.out(2)
    if (bits & LOADED.KEY_INDEX) o.keyIndex = x.num(0)
    o.clearSig = Boolean(bits & LOADED.CLEAR_SIG)
    if (bits & LOADED.MIGRATED) o.migrated = true
    if (bits & LOADED.CREATED_AT) o.createdAt = x.num(1)
    if (bits & LOADED.LAST_SEEN) o.lastSeen = x.num(2)
    return o
  }

  function clientCommit (cc, input) {
    const o = input.options || {}
    let flags = 0
    const on = (cond, f) => { if (cond) flags |= f }
    on(input.secure, COMMIT.SECURE)
    on(input.accessed, COMMIT.ACCESSED)
    on(input.unset, COMMIT.UNSET)
    on(input.isNew, COMMIT.IS_NEW)
    on(input.clearSig, COMMIT.CLEAR_SIG)
    on(input.migrated, COMMIT.MIGRATED)
    on(input.keyIndex != null, COMMIT.KEY_INDEX)
    on(input.createdAt != null, COMMIT.CREATED_AT)
    on(input.lastSeen != null, COMMIT.LAST_SEEN)
    on(o.maxAge != null, COMMIT.MAX_AGE)
    on(o.expires != null, COMMIT.EXPIRES)
    on(o.secure != null, COMMIT.SECURE_SET)
    on(o.secure === true, COMMIT.SECURE_ON)
    on(o.httpOnly != null, COMMIT.HTTP_ONLY_SET)
    on(o.httpOnly === true, COMMIT.HTTP_ONLY_ON)
    on(o.partitioned === true, COMMIT.PARTITIONED)
    on(o.signed != null, COMMIT.SIGNED_SET)
    on(o.signed === true, COMMIT.SIGNED_ON)
    const bits = x.clientCommit(cc, flags, {
      now: input.now, keyIndex: input.keyIndex, createdAt: input.createdAt, lastSeen: input.lastSeen, maxAge: o.maxAge, expires: o.expires,
      raw: input.raw ?? null, original: s(input.original), session: s(input.session), path: o.path ?? null, domain: o.domain ?? null, sameSite: o.sameSite ?? null, priority: o.priority ?? null
    })
    const r = { setCookies: [], wrote: Boolean(bits & COMMITTED.WROTE) }
    if (bits & COMMITTED.SKIPPED_INSECURE) r.skipped = 'insecure'
    if (bits & COMMITTED.TOO_LARGE) {
      r.tooLarge = [x.out(0), x.num(1)]
      return r
    }
    for (let i = 0; i < x.num(0); i++) r.setCookies.push([x.out(2 * i), x.out(2 * i + 1)])
    return r
  }

  const num = (v) => (typeof v === 'string' ? Number(v) : v)
  const runners = {
    inspect: (c) => assert.strictEqual(glue.inspectJson(c.header, JSON.stringify(c.options)), c.expected),
    audit: (c) => assert.strictEqual(glue.auditJson(c.header, JSON.stringify(c.options)), c.expected),
    keygrip: (c) => {
      assert.strictEqual(testApi.keygripSign(c.keys, c.algorithm, c.data), c.expected)
      for (const [digest, index] of c.verify) assert.strictEqual(testApi.keygripIndex(c.keys, c.algorithm, c.data, digest), index)
    },
    seal: (c) => {
      if (c.op === 'seal') assert.strictEqual(testApi.sealWithNonce(c.secret, c.cookie, c.payload, Buffer.from(c.nonce, 'hex')), c.expected)
      else assert.deepStrictEqual(JSON.parse(testApi.openSealed(c.keys, c.cookie, c.value)), c.expected)
    },
    client: (c) => {
      const cc = new glue.ClientSessionCore(JSON.stringify(c.options), c.keys, c.signedKeys)
      const got = c.op === 'load' ? clientLoad(cc, c.input.header, c.input.now) : unseal(clientCommit(cc, c.input), c.keys)
      assert.deepStrictEqual(got, c.expected)
    },
    csrf: (c) => {
      if (c.op === 'token') assert.strictEqual(testApi.csrfTokenWithSalt(c.secret, c.salt), c.expected)
      else assert.strictEqual(x.csrfVerify(c.secret, c.token), c.expected)
    },
    decide: (c) => assert.deepStrictEqual(decision(sessionCore(c), c.input), c.expected),
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
    users: (c) => {
      const ms = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : NaN)
      assert.strictEqual(glue.signedOut(ms(c.since ?? null), ms(c.before ?? null), Boolean(c.kept)), c.expected)
    },
    ended: (c) => assert.strictEqual([null, 'expired', 'idle', 'absolute'][x.ended(sessionCore(c), JSON.stringify(c.record), c.now)], c.expected),
    parse: (c) => assert.deepStrictEqual({ ...JSON.parse(glue.parseCookieJson(c.header, true)) }, c.expected),
    serialize: (c) => {
      const o = c.options || {}
      let actual
      try {
        const n = (v) => (v === undefined || v === null ? undefined : num(v))
        actual = glue.serializeCookie(c.cookie, c.value, false, n(o.maxAge), o.domain ?? undefined, o.path ?? undefined, n(o.expires), Boolean(o.httpOnly), Boolean(o.secure), Boolean(o.partitioned), o.priority || undefined, o.sameSite === true ? 'strict' : o.sameSite || undefined)
      } catch (e) {
        assert.match(e.code, /^ERR_SESSION_CORE_INVALID_/)
        actual = { error: e.field }
      }
      assert.deepStrictEqual(actual, c.expected)
    },
    sign: (c) => assert.strictEqual(glue.sign(c.value, c.secret), c.expected),
    unsign: (c) => {
      const hit = glue.unsign(c.input, c.secrets)
      assert.deepStrictEqual(hit === undefined ? false : { value: hit[0], index: hit[1] }, c.expected)
    }
  }

  const counts = []
  let total = 0
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const name = file.replace(/\.json$/, '')
    const doc = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'))
    await t.test(`web vectors: ${file}`, () => {
      const run = runners[name]
      assert.ok(run, `no web runner for ${file}`)
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
  console.log(`web vectors: ${counts.join(' ')} total=${total}`)
})
