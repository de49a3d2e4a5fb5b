'use strict'
// Native ≡ wasm at scale (make differential N=1000000; a small count runs in make test): seeded
// random cases of every kind of shared vector, with the adversarial shapes of hostile input (huge
// headers, thousands of cookies, NUL and control bytes, lone surrogates, latin1 bytes as Node hands
// over non-ASCII header bytes, bad percent-encoding, deep JSON, __proto__/constructor keys), are
// answered by the wasm build through the package's own calls, then checked case by case by the
// native core with the vector runner's `check` (examples/differential.rs reading them on stdin).
//
// A lone surrogate cannot cross into wasm: the JS side writes strings as UTF-8, each lone surrogate
// becoming U+FFFD. The wasm build answers for the string as given; the native side gets the same
// string with U+FFFD in its place (JSON cannot carry a lone surrogate), so a case holds when the wasm
// build treats a lone surrogate exactly as U+FFFD.
//
// Usage: node scripts/differential.js [N] (default 2000) [seed]; prints throughput and counts. The
// native side is built in release, or (DIFF_PROFILE=debug, as make test runs it) in the debug
// profile that `cargo test --all-targets` has already built.
const { spawn, execFileSync } = require('node:child_process')
const path = require('node:path')

const root = path.join(__dirname, '..')
const sc = require(path.join(root, 'pkg'))
const native = require(path.join(root, 'pkg', 'native'))
const translate = require(path.join(root, 'tests', 'node', 'vector-translate'))
const { flowAnswer } = require(path.join(root, 'tests', 'node', 'flow-answers'))
const N = Number(process.argv[2] || process.env.N || 2000)
let seed = Number(process.argv[3] || process.env.DIFF_SEED || 20261201) | 0

function rnd () { // mulberry32
  seed = seed + 0x6D2B79F5 | 0
  let t = Math.imul(seed ^ seed >>> 15, 1 | seed)
  t = t + Math.imul(t ^ t >>> 7, 61 | t) ^ t
  return ((t ^ t >>> 14) >>> 0) / 4294967296
}
const below = (n) => Math.floor(rnd() * n)
const pick = (list) => list[below(list.length)]
const chance = (p) => rnd() < p

const ALPHABETS = [
  'abcxyzABC0129-_.~',
  ' \t=;,"\\%+/:é€😀名\u00a0\u0000\u007f\u0001\u001f',
  '%0123456789ABCDEFabcdefzZ',
  '=; "a',
  '\u00e9\u00ff\u0080\u00a3', // latin1 bytes, as Node reads non-ASCII header bytes
  '\ud800\udc00\udfff\ud83d' // lone and paired surrogates
]
const POINTS = ALPHABETS.map((a, i) => (i === ALPHABETS.length - 1 ? a.split('') : Array.from(a))) // the last: lone code units
function str (max, alphabets = POINTS) {
  const a = pick(alphabets)
  let s = ''
  const n = below(max + 1)
  for (let i = 0; i < n; i++) s += a[below(a.length)]
  return s
}
const NAMES = ['connect.sid', 'session', 'session.sig', 'a', '__proto__', 'constructor', 'sid', 'j', 'x y']
const SECRETS = ['keyboard cat', 'an older secret']
const ID = () => { let s = ''; for (let i = 0; i < 32; i++) s += pick('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'); return s }

/** A Cookie header: random pairs, sometimes a real session cookie, sometimes huge or many. */
function header () {
  if (chance(0.001)) return 'a=' + 'x'.repeat(100000) + '; ' + str(20) // 100 KB
  const n = chance(0.002) ? 2000 + below(2000) : below(6)
  const parts = []
  for (let i = 0; i < n; i++) {
    if (chance(0.2)) parts.push(`connect.sid=${encodeURIComponent('s:' + sc.sign(ID(), pick(SECRETS)))}`)
    else if (chance(0.5)) parts.push(`${pick(NAMES)}=${str(24)}`)
    else parts.push(str(16))
  }
  let h = parts.join(pick(['; ', ';', ' ; ', ',']))
  if (chance(0.3) && h.length) h = mutate(h)
  return h
}
function mutate (s) {
  const a = [...s]
  for (let k = 0; k < 1 + below(3); k++) {
    const i = below(a.length + 1)
    const r = below(3)
    if (r === 0 && a.length) a.splice(Math.min(i, a.length - 1), 1)
    else if (r === 1) a.splice(i, 0, str(2))
    else if (a.length) a[Math.min(i, a.length - 1)] = str(1)
  }
  return a.join('')
}
// JSON values carry no lone surrogate: JSON.stringify writes one as a \uXXXX escape, which the
// native side's reader of the case (serde_json) refuses; record texts carry such escapes instead.
const TEXT = POINTS.slice(0, -1)
const text = (max) => str(max, TEXT)
/** A JSON value, integers only (both sides print those alike), keys hostile sometimes. */
function value (depth) {
  const r = below(depth > 3 ? 4 : 7)
  if (r === 0) return null
  if (r === 1) return chance(0.5)
  if (r === 2) return below(2 ** 31) * (chance(0.5) ? 1 : -1)
  if (r === 3) return text(12)
  if (r === 4 || r === 5) {
    const o = {}
    for (let i = 0; i < below(4); i++) Object.defineProperty(o, pick(['a', 'b', '__proto__', 'constructor', text(4)]), { value: value(depth + 1), enumerable: true, configurable: true, writable: true })
    return o
  }
  return Array.from({ length: below(4) }, () => value(depth + 1))
}
function cookiePart () {
  const c = { originalMaxAge: chance(0.8) ? 3600000 : null, expires: chance(0.8) ? new Date(1767225600000 + below(7200000) - 3600000).toISOString() : null, httpOnly: true, path: '/' }
  if (chance(0.3)) { c.createdAt = 1767225600000 - below(10000000); c.lastSeen = 1767225600000 - below(4000000) }
  return c
}
function record () {
  const r = { cookie: cookiePart() }
  for (let i = 0; i < below(4); i++) r[pick(['user', 'n', 'cart', 'ké', text(5)])] = value(0)
  return r
}
/** Record text, sometimes broken or 10,000 levels deep (text, so the JSONL line stays shallow). */
function recordText () {
  if (chance(0.01)) return '{"cookie":{},"d":' + '['.repeat(10000) + ']'.repeat(10000) + '}'
  let t = JSON.stringify(record())
  if (chance(0.05)) t = t.replace('"cookie"', '"\\ud800x":"\\udfff","cookie"') // lone surrogate escapes
  return chance(0.15) ? mutate(t) : t
}
const NOW = 1767225600000

const kinds = {
  parse () {
    const c = { header: header() }
    c.expected = { ...sc.parseCookie(c.header) }
    return c
  },
  serialize () {
    const o = {}
    if (chance(0.5)) o.maxAge = pick([3600, 0, -1, 1.5, 1e21, NaN])
    if (chance(0.5)) o.expires = NOW + below(1e9)
    if (chance(0.3)) o.domain = pick(['example.com', '.a.b', str(8)])
    if (chance(0.5)) o.path = pick(['/', '/p', str(6)])
    for (const k of ['httpOnly', 'secure', 'partitioned']) if (chance(0.3)) o[k] = true
    if (chance(0.2)) o.priority = pick(['low', 'High', str(4)])
    if (chance(0.2)) o.sameSite = pick(['lax', 'Strict', 'none', true, str(3)])
    const c = { cookie: chance(0.8) ? pick(NAMES) : str(6), value: str(30), options: o }
    const js = { ...o }
    if (js.expires !== undefined) js.expires = new Date(js.expires)
    try {
      c.expected = sc.serializeCookie(c.cookie, c.value, js)
    } catch (e) {
      if (!e.field) throw e
      c.expected = { error: e.field }
    }
    if (Number.isNaN(o.maxAge)) o.maxAge = 'NaN' // the vectors' spelling of NaN
    return c
  },
  sign () {
    const c = { value: str(40), secret: chance(0.8) ? pick(SECRETS) : str(10) || 'k' }
    c.expected = sc.sign(c.value, c.secret)
    return c
  },
  unsign () {
    const secrets = chance(0.5) ? SECRETS : [pick(SECRETS)]
    const good = sc.sign(str(20), pick(SECRETS))
    const c = { input: chance(0.6) ? mutate(good) : chance(0.5) ? good : str(60), secrets }
    const hit = sc.verify(c.input, c.secrets)
    c.expected = hit ? { value: hit.value, index: hit.secretIndex } : false
    return c
  },
  decide () {
    const id = ID()
    const options = { name: 'connect.sid', secrets: SECRETS, resave: chance(0.5), saveUninitialized: chance(0.5), rolling: chance(0.3) }
    if (chance(0.3)) options.idleTimeout = 1800000
    if (chance(0.2)) options.absoluteTimeout = 28800000
    const original = chance(0.7) ? record() : null
    const session = chance(0.9) ? (chance(0.5) && original ? { ...original, n: below(100) } : record()) : null
    const input = {
      phase: pick(['headers', 'end', 'both']),
      now: NOW + below(4000000),
      secure: chance(0.5),
      cookieId: chance(0.6) ? (chance(0.8) ? id : ID()) : null,
      cookieSecretIndex: chance(0.8) ? 0 : 1,
      sessionId: chance(0.95) ? id : null,
      id: chance(0.9) ? id : ID(),
      originalId: id,
      original,
      saved: chance(0.5) ? original : (chance(0.5) ? session : null),
      session,
      destroyed: chance(0.05),
      touched: chance(0.2),
      storeTouch: chance(0.5),
      wantRecord: chance(0.8)
    }
    const c = { options, input }
    c.expected = translate.decision(native, new (native.client().SessionCore)(JSON.stringify(options), options.secrets), input)
    return c
  },
  delta () {
    const r = below(3)
    const c = {}
    try {
      if (r === 0) {
        c.op = 'apply'
        c.stored = recordText()
        c.delta = chance(0.7) ? native.delta(JSON.stringify(record()), JSON.stringify(record())) : str(30)
        c.expected = native.applyDelta(c.stored, c.delta)
      } else if (r === 1) {
        c.op = 'delta'
        c.base = recordText()
        c.now = recordText()
        if (chance(0.3)) c.inc = JSON.stringify({ n: below(10) - 5 })
        if (chance(0.3)) c.push = JSON.stringify({ cart: [value(2)] })
        c.expected = native.delta(c.base, c.now, c.inc ?? null, c.push ?? null)
      } else {
        c.op = 'tag'
        c.id = chance(0.8) ? ID() : str(40)
        c.expected = native.tag(c.id)
      }
    } catch (e) {
      if (!e.code) throw e
      c.expected = { error: e.code }
    }
    return c
  },
  ended () {
    const options = { name: 'connect.sid', secrets: SECRETS, idleTimeout: 1800000, absoluteTimeout: 28800000 }
    const c = { options, record: record(), now: NOW + below(30000000) - 10000000 }
    c.expected = native.ended(new (native.client().SessionCore)(JSON.stringify(options), options.secrets), JSON.stringify(c.record), c.now) || null
    return c
  },
  // the hashIds, regenerateGrace and header rules (the client build answers them, as for the Express middleware)
  hashids () {
    const c = { hashIds: chance(0.7) }
    if (chance(0.2)) {
      c.op = 'index'
      c.value = chance(0.3) ? str(8) : chance(0.5) ? ID() : str(40)
      c.expected = native.indexArg(c.value, c.hashIds)
    } else {
      c.op = 'keys'
      c.id = chance(0.6) ? ID() : chance(0.3) ? native.storeKeys(ID(), true).key : str(60)
      const k = native.storeKeys(c.id, c.hashIds)
      c.expected = { key: k.key, legacy: k.legacy, grace: k.grace, hashable: k.hashable }
    }
    return c
  },
  grace () {
    const c = { now: NOW + below(30000) - 5000, grace: pick([10000, 1, 60000, 0.5]) }
    if (chance(0.3)) {
      c.op = 'tombstone'
      c.record = recordText()
      try {
        c.expected = native.tombstone(c.record, c.now, c.grace)
      } catch (e) {
        if (!e.code) throw e
        c.expected = { error: e.code }
      }
    } else {
      c.op = 'grace'
      const base = JSON.stringify(record())
      c.record = chance(0.7) ? base.replace('"cookie":{', `"cookie":{"regenerated":${chance(0.8) ? NOW : str(4)},`) : recordText()
      c.method = chance(0.8) ? pick(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'TRACE', 'get']) : str(6)
      c.expected = native.grace(c.record, c.method, c.now, c.grace)
    }
    return c
  },
  transport () {
    const c = { cookieName: pick(NAMES) }
    const r = below(3)
    if (r === 0) {
      c.op = 'carrier'
      c.cookie = chance(0.6) ? header() : null
      c.header = chance(0.7) ? (chance(0.5) ? 's:' + str(30) : str(40)) : null
      const got = native.carrier(c.cookie ?? undefined, c.cookieName, c.header ?? undefined)
      c.expected = { header: got.header, id: got.id }
    } else if (r === 1) {
      c.op = 'respond'
      c.headerRequest = chance(0.6)
      c.setCookie = chance(0.7) ? `${chance(0.8) ? c.cookieName : pick(NAMES)}=${str(40)}; Path=/` : null
      c.cacheHeaders = chance(0.5)
      c.expected = native.respond(c.headerRequest, c.setCookie, c.cookieName, c.cacheHeaders)
    } else {
      c.op = 'csrf'
      c.cookieSent = chance(0.5)
      c.headerSent = chance(0.5)
      c.expected = native.csrfExempt(c.cookieSent, c.headerSent)
    }
    return c
  },
  client () {
    const options = pick([{ name: 'session' }, { name: 'session', encrypt: true }, { name: 'session', signed: false }, { name: 'session', algorithm: 'sha256' },
      { name: 'session', notBefore: true, compress: true, chunk: true }, { name: 'session', encrypt: true, compress: true, chunk: true }])
    const keys = SECRETS
    let h = header()
    if (chance(0.3)) h = 'session=' + Buffer.from(JSON.stringify(value(0))).toString('base64') + (chance(0.5) ? '; session.sig=' + str(27) : '')
    else if (chance(0.2)) h = 'session.0=sv1.' + Buffer.from(JSON.stringify({ i: below(1e6), d: value(0) })).toString('base64url') + '; session.1=' + str(10) + (chance(0.5) ? '; session=' + str(5) : '')
    const c = { options, keys, op: 'load', input: { header: h, now: NOW } }
    const core = new (native.client().ClientSessionCore)(JSON.stringify(options), keys, undefined)
    c.expected = translate.clientLoadObject(native, core, h, NOW)
    return c
  },
  // the request flow's steps (src/flow/server.rs), through the crossing's flow calls and decoded
  // as the vector runners decode them (tests/node/flow-answers.js)
  flow () {
    const options = { name: 'connect.sid', secrets: SECRETS }
    if (chance(0.4)) options.hashIds = true
    if (chance(0.4)) options.regenerateGrace = pick([10000, 1, 60000])
    if (chance(0.3)) options.idleTimeout = 1800000
    if (chance(0.2)) options.absoluteTimeout = 28800000
    if (chance(0.2)) options.cacheHeaders = false
    if (chance(0.3)) options.resave = false
    if (chance(0.2)) options.saveUninitialized = false
    if (chance(0.2)) options.rolling = true
    if (chance(0.1)) options.unset = 'destroy'
    const core = new (native.lean().SessionCore)(JSON.stringify(options), options.secrets)
    const maybe = (p, f) => (chance(p) ? f() : null)
    const id = () => (chance(0.8) ? ID() : pick([str(40), '', 'a'.repeat(4037), native.storeKeys(ID(), true).key, 'regenerated:' + ID()]))
    const now = () => (chance(0.9) ? NOW + below(4000000) - 2000000 : pick([0, -1, 8.64e15, -8.64e15]))
    const signedId = (v) => 's:' + sc.sign(v, chance(0.8) ? SECRETS[0] : pick(SECRETS))
    const tomb = (successor) => JSON.stringify(record()).replace('"cookie":{', `"cookie":{"regenerated":${NOW + below(20000) - 10000},${successor === null ? '' : `"successor":${JSON.stringify(successor)},`}`)
    const found = (i) => pick([null, recordText, () => tomb(chance(0.8) ? i : str(10)), () => str(30), () => tomb(null)].map((f) => (typeof f === 'function' ? f : () => f)))()
    const step = pick(['begin', 'loaded', 'signedOut', 'generated', 'respond', 'save', 'regenerate', 'keyOf'])
    let input
    if (step === 'begin') {
      const paths = ['/', '/foo', '/foo/', '/foobar', '/foo/bar', '/foo%2Fbar']
      input = {
        cookie: maybe(0.8, header),
        idHeader: maybe(0.3, () => pick([signedId(ID()), encodeURIComponent(signedId(ID())), '', str(20)])),
        parsedSigned: maybe(0.1, () => pick([ID(), '', str(10)])),
        parsedRaw: maybe(0.1, () => pick([signedId(ID()), str(20)])),
        path: chance(0.9) ? pick(paths) : str(8),
        cookiePath: chance(0.9) ? pick(paths) : str(8)
      }
    } else if (step === 'loaded') {
      const i = id()
      const stage = below(4)
      const next = ID()
      input = {
        stage,
        id: i,
        key: chance(0.8) ? native.storeKeys(i, Boolean(options.hashIds)).key : str(20),
        tombstone: stage === 3 ? maybe(0.9, () => tomb(next)) : null,
        found: stage === 3 && chance(0.7) ? recordText() : found(next),
        method: chance(0.9) ? pick(['GET', 'HEAD', 'POST', 'PUT', 'get']) : str(5),
        now: now()
      }
    } else if (step === 'signedOut') {
      input = { id: id(), since: maybe(0.7, now), before: maybe(0.5, now), kept: chance(0.2) }
    } else if (step === 'generated') {
      input = { id: chance(0.5) ? id() : pick(['user-42', 'a'.repeat(21), 'a'.repeat(22), 'é'.repeat(11), 'a'.repeat(4036), 'é'.repeat(673), str(30)]) }
    } else if (step === 'respond') {
      const sid = maybe(0.95, id)
      const original = maybe(0.8, recordText)
      const saved = chance(0.4) ? original : maybe(0.3, recordText)
      input = {
        phase: pick(['headers', 'end', 'both']),
        now: now(),
        secure: chance(0.5),
        cookiePresent: chance(0.6),
        cookieMatches: chance(0.5),
        cookieOldSecret: chance(0.1),
        sessionId: sid,
        sameOriginalId: chance(0.8),
        original,
        saved,
        savedIsOriginal: saved !== null && saved === original && chance(0.8),
        session: maybe(0.9, () => (chance(0.5) && original !== null ? original : recordText())),
        destroyed: chance(0.05),
        touched: chance(0.2),
        storeTouch: chance(0.5),
        wantRecord: chance(0.8),
        inc: maybe(0.1, () => JSON.stringify({ n: below(10) - 5 })),
        push: maybe(0.1, () => JSON.stringify({ cart: [value(2)] })),
        signed: sid !== null && chance(0.3) ? signedId(chance(0.8) ? sid : sid + '.x') : null,
        fromStore: chance(0.6),
        byHeader: chance(0.2),
        idHeaderName: maybe(0.3, () => 'x-session-id'),
        readOnly: chance(0.05),
        storeFailed: chance(0.05),
        merges: chance(0.3),
        vary: maybe(0.3, () => pick(['Accept-Encoding', 'cookie', '*', 'Accept, Cookie', str(10)])),
        cacheControl: maybe(0.3, () => pick(['public, max-age=60', 'private', 'no-store', 'no-cache', 'no-cache="set-cookie"', str(10)]))
      }
    } else if (step === 'save') {
      input = {
        id: id(),
        session: chance(0.9) ? recordText() : str(20),
        base: maybe(0.5, recordText),
        inc: maybe(0.2, () => JSON.stringify({ n: below(10) - 5 })),
        push: maybe(0.1, () => JSON.stringify({ cart: [value(2)] })),
        existing: chance(0.6),
        merges: chance(0.5),
        readOnly: chance(0.05)
      }
    } else if (step === 'regenerate') {
      input = { id: id(), stored: maybe(0.7, recordText), newId: id(), readOnly: chance(0.1), now: now() }
    } else {
      input = { id: id() }
    }
    const c = { options, step, input }
    c.expected = flowAnswer(native, core, step, input)
    return c
  },
  inspect () {
    const c = { header: header(), options: pick([{ now: NOW }, { now: NOW, secrets: SECRETS, keys: SECRETS }, { as: 'set-cookie', now: NOW, url: 'http://localhost/' }]) }
    c.expected = native.tools().inspectJson(c.header, JSON.stringify(c.options))
    return c
  },
  audit () {
    const lines = Array.from({ length: 1 + below(3) }, () => `${pick(NAMES)}=${str(20)}; ${pick(['Path=/', 'HttpOnly', 'Secure', 'SameSite=None', 'Max-Age=' + below(1e6), 'Expires=' + str(10), str(8)])}`)
    const c = { header: lines.join('\n'), options: { now: NOW, url: pick(['https://example.com/', 'http://localhost/']) } }
    c.expected = native.tools().auditJson(c.header, JSON.stringify(c.options))
    return c
  }
}
const names = Object.keys(kinds)

// What the native side reads: lone surrogates as U+FFFD (see the header).
const wellFormed = (k, v) => (typeof v === 'string' ? v.toWellFormed() : v)

function main () {
  if (process.env.DIFF_DUMP) { // the cases themselves, one JSON line each, for replaying one
    for (let i = 0; i < N; i++) {
      const kind = names[i % names.length]
      process.stdout.write(JSON.stringify({ kind, case: kinds[kind]() }, wellFormed) + '\n')
    }
    return
  }
  const debug = process.env.DIFF_PROFILE === 'debug'
  execFileSync('cargo', ['build', '--quiet', ...(debug ? [] : ['--release']), '--example', 'differential'], { cwd: root, stdio: 'inherit' })
  const bin = path.join(root, 'target', debug ? 'debug' : 'release', 'examples', 'differential')
  const child = spawn(bin, [], { stdio: ['pipe', 'pipe', 'inherit'] })
  let out = ''
  child.stdout.on('data', (d) => { out += d })
  const started = process.hrtime.bigint()
  const startSeed = seed
  let i = 0
  function pump () {
    let ok = true
    while (i < N && ok) {
      const kind = names[i % names.length]
      const line = JSON.stringify({ kind, case: kinds[kind]() }, wellFormed) + '\n'
      ok = child.stdin.write(line)
      i++
    }
    if (i < N) child.stdin.once('drain', pump)
    else child.stdin.end()
  }
  child.on('exit', (code) => {
    const secs = Number(process.hrtime.bigint() - started) / 1e9
    let summary = {}
    try { summary = JSON.parse(out) } catch (e) {}
    console.log(`differential (native = wasm): ${summary.cases} cases, ${summary.mismatches} mismatches, seed ${startSeed}, ${secs.toFixed(1)} s (${Math.round(summary.cases / secs)} cases/s)`)
    console.log('  by kind: ' + Object.entries(summary.kinds || {}).map(([k, n]) => `${k}=${n}`).join(' '))
    process.exitCode = code === 0 && summary.cases === N ? 0 : 1
  })
  pump()
}
main()
