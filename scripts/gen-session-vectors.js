'use strict'
// Writes tests/vectors/decide.json and tests/vectors/ended.json: the per-request decision and the
// expiry rules of the Express middleware. For each case the save/touch/destroy/cookie flags are
// written by hand from express-session 1.19's rules (shouldSave, shouldTouch, shouldSetCookie,
// shouldDestroy) or session-core's documented additions; every expected Set-Cookie value is
// computed by the real cookie@0.7 and cookie-signature; the remaining fields (the record to store,
// the new expiry) are recorded from the core and reviewed. Run with `make vectors` after `make pkg`.

const fs = require('node:fs')
const path = require('node:path')
const assert = require('node:assert')
const cookie = require('cookie')
const signature = require('cookie-signature')
const native = require('../pkg/native')
const translate = require('../tests/node/vector-translate')
const { SessionCore } = native.client() // decide and ended are the client build's (the Express build drives the flow)

const out = path.join(__dirname, '..', 'tests', 'vectors')
const NOW = Date.UTC(2026, 0, 1)
const SID = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'
const NEW = 'BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB'
const SECRET = 'keyboard cat'
const HOUR = 3600000

function record (cookieFields, data) {
  return { cookie: { originalMaxAge: null, expires: null, httpOnly: true, path: '/', ...cookieFields }, ...data }
}
const withAge = (extra) => ({ originalMaxAge: HOUR, expires: new Date(NOW + HOUR - 60000).toISOString(), httpOnly: true, path: '/', ...extra })

/** The Set-Cookie express-session would send for `rec` touched at NOW (oracle: cookie + cookie-signature). */
function oracleSetCookie (name, sid, rec, secret, touch = true) {
  const c = rec.cookie
  let expires = c.expires ? new Date(c.expires) : undefined
  if (touch) expires = typeof c.originalMaxAge === 'number' ? new Date(NOW + c.originalMaxAge) : undefined
  return cookie.serialize(name, 's:' + signature.sign(sid, secret), {
    expires,
    domain: c.domain,
    path: c.path,
    httpOnly: c.httpOnly,
    secure: c.secure,
    partitioned: c.partitioned,
    priority: c.priority,
    sameSite: c.sameSite
  })
}
function oracleExpireCookie (name, rec) {
  const c = rec.cookie
  return cookie.serialize(name, '', { expires: new Date(0), domain: c.domain, path: c.path, httpOnly: c.httpOnly, secure: c.secure, partitioned: c.partitioned, priority: c.priority, sameSite: c.sameSite })
}

const cases = []
function decide (name, source, options, input, want) {
  const opts = { name: 'connect.sid', secrets: [SECRET], ...options }
  const core = new SessionCore(JSON.stringify(opts), opts.secrets)
  const full = { phase: 'both', now: NOW, secure: false, cookieId: null, cookieSecretIndex: null, sessionId: SID, id: SID, originalId: SID, original: {}, saved: null, session: null, destroyed: false, touched: false, storeTouch: true, ...input }
  const got = translate.decision(native, core, full)
  for (const flag of ['save', 'touch', 'destroy']) assert.strictEqual(got[flag], Boolean(want[flag]), `${name}: ${flag}`)
  assert.strictEqual(got.setCookie, want.setCookie, `${name}: setCookie`)
  if (want.cookieSkipped) assert.strictEqual(got.cookieSkipped, want.cookieSkipped, `${name}: cookieSkipped`)
  cases.push({ name, source, options: opts, input: full, expected: got })
}

const ES = 'express-session 1.19 rules; Set-Cookie from cookie@0.7 + cookie-signature'
const SC = 'session-core addition (docs/express.md: deviations); Set-Cookie from cookie@0.7 + cookie-signature'
const fresh = record({ originalMaxAge: HOUR, expires: new Date(NOW).toISOString() })
const loaded = record(withAge(), { user: 'alice' })

decide('new session, untouched, saveUninitialized (default)', ES, {}, { original: {}, session: fresh, originalId: SID }, { save: true, setCookie: oracleSetCookie('connect.sid', SID, fresh, SECRET) })
decide('new session, untouched, saveUninitialized false', ES, { saveUninitialized: false }, { session: fresh }, {})
decide('new session, modified, saveUninitialized false', ES, { saveUninitialized: false }, { session: { ...fresh, n: 1 } }, { save: true, setCookie: oracleSetCookie('connect.sid', SID, fresh, SECRET) })
decide('loaded, unmodified, resave true (default)', ES, {}, { cookieId: SID, cookieSecretIndex: 0, original: loaded, session: loaded }, { save: true })
decide('loaded, unmodified, resave false: store touch', ES, { resave: false }, { cookieId: SID, cookieSecretIndex: 0, original: loaded, saved: loaded, session: loaded }, { touch: true })
decide('loaded, unmodified, resave false, store without touch', ES, { resave: false }, { cookieId: SID, cookieSecretIndex: 0, original: loaded, saved: loaded, session: loaded, storeTouch: false }, {})
const changed = { ...loaded, user: 'bob' }
decide('loaded, modified, resave false: cookie and save', ES, { resave: false }, { cookieId: SID, cookieSecretIndex: 0, original: loaded, saved: loaded, session: changed }, { save: true, setCookie: oracleSetCookie('connect.sid', SID, changed, SECRET) })
const browserSession = record({}, { user: 'alice' })
decide('loaded, modified, browser-session cookie: save, no cookie', ES, { resave: false }, { cookieId: SID, cookieSecretIndex: 0, original: browserSession, saved: browserSession, session: { ...browserSession, user: 'bob' } }, { save: true })
decide('rolling: unmodified session gets the cookie again', ES, { rolling: true, resave: false }, { cookieId: SID, cookieSecretIndex: 0, original: loaded, saved: loaded, session: loaded }, { touch: true, setCookie: oracleSetCookie('connect.sid', SID, loaded, SECRET) })
decide('only the cookie changed: not a modification', ES, { resave: false }, { cookieId: SID, cookieSecretIndex: 0, original: loaded, saved: loaded, session: { ...loaded, cookie: { ...loaded.cookie, domain: 'example.com' } } }, { touch: true })
decide('cookie signed by an older secret: re-signed with the newest, attributes kept', SC, { resave: false, secrets: ['new secret', SECRET] }, { cookieId: SID, cookieSecretIndex: 1, original: loaded, saved: loaded, session: loaded }, { touch: true, setCookie: oracleSetCookie('connect.sid', SID, loaded, 'new secret') })
const secureRec = record({ originalMaxAge: HOUR, expires: new Date(NOW).toISOString(), secure: true })
decide('secure cookie over http: not set, still saved', ES, {}, { session: secureRec }, { save: true, setCookie: undefined, cookieSkipped: 'insecure' })
decide('secure cookie over https: set', ES, {}, { session: secureRec, secure: true }, { save: true, setCookie: oracleSetCookie('connect.sid', SID, secureRec, SECRET) })
const attrs = record({ originalMaxAge: HOUR, expires: new Date(NOW).toISOString(), partitioned: true, priority: 'high', secure: true, domain: 'example.com', sameSite: 'none' })
decide('every attribute', ES, {}, { session: attrs, secure: true }, { save: true, setCookie: oracleSetCookie('connect.sid', SID, attrs, SECRET) })
decide('bogus req.sessionID: nothing', ES, {}, { sessionId: null, session: fresh }, {})
decide('unset destroy: req.session = null destroys the record and expires the cookie', SC, { unset: 'destroy' }, { cookieId: SID, cookieSecretIndex: 0, original: loaded, session: null }, { destroy: true, setCookie: oracleExpireCookie('connect.sid', loaded) })
decide('unset keep: req.session = null keeps everything', ES, {}, { cookieId: SID, cookieSecretIndex: 0, original: loaded, session: null }, {})
decide('destroy(): the cookie is expired with the same attributes', SC, {}, { cookieId: SID, cookieSecretIndex: 0, original: attrs, session: null, destroyed: true, secure: true }, { setCookie: oracleExpireCookie('connect.sid', attrs) })
decide('destroy() of a session the request had no cookie for: no cookie', ES, {}, { original: fresh, session: null, destroyed: true }, {})
decide('save() earlier in the request: no second save, touch instead', ES, {}, { cookieId: SID, cookieSecretIndex: 0, original: loaded, saved: changed, session: changed }, { touch: true, setCookie: oracleSetCookie('connect.sid', SID, changed, SECRET) })
decide('regenerated: new id is a modification', ES, { resave: false, saveUninitialized: false }, { cookieId: SID, cookieSecretIndex: 0, sessionId: NEW, id: NEW, originalId: SID, original: loaded, saved: loaded, session: fresh }, { save: true, setCookie: oracleSetCookie('connect.sid', NEW, fresh, SECRET) })
decide('headers phase only: cookie, no store decision', ES, { saveUninitialized: true }, { phase: 'headers', session: fresh }, { setCookie: oracleSetCookie('connect.sid', SID, fresh, SECRET) })
decide('end phase after headers (already touched): save only', ES, {}, { phase: 'end', touched: true, session: fresh }, { save: true })
decide('custom cookie name', ES, { name: 'sid' }, { session: fresh }, { save: true, setCookie: oracleSetCookie('sid', SID, fresh, SECRET) })
const stamped = record(withAge({ createdAt: NOW - 10 * 60000, lastSeen: NOW - 30000 }), { user: 'alice' })
decide('idle timeout: lastSeen fresh enough, no write', SC, { resave: false, idleTimeout: 30 * 60000 }, { cookieId: SID, cookieSecretIndex: 0, original: stamped, saved: stamped, session: stamped }, { touch: true })
const stale = record(withAge({ createdAt: NOW - 10 * 60000, lastSeen: NOW - 120000 }), { user: 'alice' })
decide('idle timeout: lastSeen older than touchAfter, refreshed by a save', SC, { resave: false, idleTimeout: 30 * 60000 }, { cookieId: SID, cookieSecretIndex: 0, original: stale, saved: stale, session: stale }, { save: true })
decide('absolute timeout: a record without createdAt gets one', SC, { resave: false, absoluteTimeout: 8 * HOUR }, { cookieId: SID, cookieSecretIndex: 0, original: loaded, saved: loaded, session: loaded }, { save: true })
decide('absolute timeout, new session: stamped when saved', SC, { absoluteTimeout: 8 * HOUR, idleTimeout: HOUR }, { session: fresh }, { save: true, setCookie: oracleSetCookie('connect.sid', SID, fresh, SECRET) })

// Records in any shape JSON.parse reads: keys sorted by a store, deep data.
const sortKeys = (v) => Array.isArray(v) ? v.map(sortKeys) : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys(v[k])])) : v
const sorted = sortKeys({ ...loaded, zeta: 1, alpha: [1, { b: 2, a: 1 }] })
let deep = 'bottom'
for (let i = 0; i < 100; i++) deep = [deep] // deeper ones (20,000) in tests/record.rs: the runners' own JSON readers stop at 128
const deepRecord = { ...loaded, deep }
decide('loaded from a store that sorts keys (cookie not first), unmodified, resave false', SC, { resave: false }, { cookieId: SID, cookieSecretIndex: 0, original: sorted, saved: sorted, session: sorted }, { touch: true })
decide('loaded from a store that sorts keys, modified', SC, {}, { cookieId: SID, cookieSecretIndex: 0, original: sorted, session: { ...sorted, zeta: 2 } }, { save: true, setCookie: oracleSetCookie('connect.sid', SID, sorted, SECRET) })
decide('data nested 100 deep, unmodified, resave false', SC, { resave: false }, { cookieId: SID, cookieSecretIndex: 0, original: deepRecord, saved: deepRecord, session: deepRecord }, { touch: true })

// ---- ended: the expiry rules ----
const ended = []
function endedCase (name, options, rec, now, expected) {
  const opts = { name: 'connect.sid', secrets: [SECRET], ...options }
  const core = new SessionCore(JSON.stringify(opts), opts.secrets)
  const got = native.ended(core, JSON.stringify(rec), now) || null
  assert.strictEqual(got, expected, name)
  ended.push({ name, source: 'session-core expiry rules (src/session/expiry.rs), hand-written', options: opts, record: rec, now, expected })
}
const r = record(withAge({ createdAt: NOW - HOUR, lastSeen: NOW - 60000 }))
endedCase('alive', { idleTimeout: HOUR, absoluteTimeout: 8 * HOUR }, r, NOW, null)
endedCase('cookie expired', {}, r, NOW + HOUR, 'expired')
endedCase('expires exactly now is expired', {}, record({ expires: new Date(NOW).toISOString() }), NOW, 'expired')
endedCase('idle', { idleTimeout: 30000 }, r, NOW, 'idle')
endedCase('idle falls back to createdAt', { idleTimeout: 30000 }, record({ createdAt: NOW - 40000 }), NOW, 'idle')
endedCase('absolute though active', { absoluteTimeout: HOUR }, r, NOW, 'absolute')
endedCase('no stamps: clocks start now', { idleTimeout: 1000, absoluteTimeout: 1000 }, record({}), NOW, null)
endedCase('browser-session cookie never expires by cookie', {}, record({}), NOW + 1e12, null)
endedCase('unreadable record counts as expired', {}, 'not json', NOW, 'expired')

fs.writeFileSync(path.join(out, 'decide.json'), JSON.stringify({ source: 'The middleware per-request decision (src/session/decision.rs)', count: cases.length, cases }, null, 1) + '\n')
fs.writeFileSync(path.join(out, 'ended.json'), JSON.stringify({ source: 'The expiry rules (src/session/expiry.rs)', count: ended.length, cases: ended }, null, 1) + '\n')
console.log(`decide: ${cases.length} cases, ended: ${ended.length} cases`)
