'use strict'
// Writes tests/vectors/flow.json: the server-side request flow (src/flow/server.rs), step by step
// (begin, loaded, signedOut, generated, respond, save, regenerate, keyOf). Each case has the
// middleware's options (as decide.json's), the step, its inputs and its answer as a plain object.
// The answers are written by hand from the rules (express-session 1.19's, RFC 6265 §5.1.4's and
// session-core's own, as docs/ and the module docs state them); the byte-exact strings come
// from oracles apart from the core: every Set-Cookie from cookie@0.7 + cookie-signature, every
// store key with hashIds from Node's crypto (base64url(SHA-256(id))). Nothing here asks the core.
// Run: node scripts/gen-flow-vectors.js (no build needed).
//
// The answers' shapes (every runner decodes its call's answer into them):
//   begin      {kind:'skip'} | {kind:'new', byHeader, rejected}
//              | {kind:'load', id, key, signed (the verified cookie value, or null), secretIndex, byHeader}
//   loaded     {kind:'load', stage, key, tombstone (stage 3 only)} | {kind:'ready', moved: null | [to, from]}
//              | {kind:'readOnly', record} | {kind:'over', destroy, why} | {kind:'missing'}
//              | {kind:'refused', code, status} | {kind:'error', code, status}
//   signedOut  {kind:'ok'} | {kind:'over', destroy, why}
//   generated  {kind:'ok', key} | {kind:'error', code, status}
//   respond    {kind:'effects', setCookie?, idHeader?, vary?, cacheControl?, write: null | {kind, key,
//              record?, delta?, existing?}, index, touched, cookieSkipped, expires?, createdAt?,
//              lastSeen?, deadline?} | {kind:'error', code, status}
//   save       {kind:'save'|'merge', key, record, delta?, existing?, deadline?} | {kind:'error', code, status}
//   regenerate {kind:'ok', tombstone: null | {key, record, deadline}, destroy, newKey} | {kind:'error', code, status}
//   keyOf      {key}
// Stages (Lookup's): 0 the record, 1 the plain-id record (hashIds), 2 the tombstone, 3 its successor.

const fs = require('node:fs')
const path = require('node:path')
const crypto = require('node:crypto')
const cookie = require('cookie')
const signature = require('cookie-signature')

const file = path.join(__dirname, '..', 'tests', 'vectors', 'flow.json')

const ES = 'express-session 1.19 rules'
const SC = 'session-core rule (docs/rust.md: the request flow, src/flow/server.rs), hand-written'
const RFC = 'RFC 6265 §5.1.4 path-match'
const COOKIE = `Set-Cookie from cookie@${require('cookie/package.json').version} + cookie-signature@${require('cookie-signature/package.json').version}`
const HASH = "store key from Node's crypto: createHash('sha256').digest('base64url')"
const also = (...parts) => parts.join('; ')

const T0 = Date.UTC(2026, 0, 1)
const HOUR = 3600000
const SID = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'
const NEW = 'BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB'
const SECRET = 'keyboard cat'
const O = { name: 'connect.sid', secrets: [SECRET] }
const opts = (extra) => ({ ...O, ...extra })

const sha = (s) => crypto.createHash('sha256').update(s, 'utf8').digest('base64url')
const iso = (ms) => new Date(ms).toISOString()
/** The cookie's value for `id`: `s:` + cookie-signature's signature. */
const signed = (id, secret = SECRET) => 's:' + signature.sign(id, secret)
/** A Cookie header carrying the session cookie for `id` (and `rest`). */
const cookieOf = (id, secret = SECRET, rest = '') => `${rest}connect.sid=${encodeURIComponent(signed(id, secret))}`
/** The Set-Cookie express-session sends (cookie@0.7 serialize of the signed id). */
function setCookie (id, expires, extra = {}, secret = SECRET) {
  return cookie.serialize('connect.sid', signed(id, secret), { expires: expires === null ? undefined : new Date(expires), path: '/', httpOnly: true, ...extra })
}

/** A record's JSON text as `JSON.stringify(req.session)` writes it (Cookie#toJSON's key order). */
// `attrs` go where Cookie#toJSON puts them (before httpOnly), `stamps` (createdAt, lastSeen) at the
// end of `cookie`, where the core writes them.
function rec (expires, data = {}, attrs = {}, stamps = {}) {
  const c = { originalMaxAge: expires === null ? null : HOUR, expires: expires === null ? null : iso(expires), ...attrs, httpOnly: true, path: '/', ...stamps }
  return JSON.stringify({ cookie: c, ...data })
}
const LOADED = rec(T0 + HOUR - 60000, { n: 1 }) // a record as loaded, saved a minute ago
const FRESH = rec(T0 + HOUR) // a new session's record, as generated at T0

const cases = []
function add (name, source, options, step, input, expected) {
  cases.push({ name, source, options, step, input, expected })
}

// ---- begin: the path, the carrier, the id, its key ----
const req = (over) => ({ cookie: null, idHeader: null, parsedSigned: null, parsedRaw: null, path: '/', cookiePath: '/', ...over })
const load = (id, over = {}) => ({ kind: 'load', id, key: id, signed: signed(id), secretIndex: 0, byHeader: false, ...over })
const fresh = (byHeader, rejected) => ({ kind: 'new', byHeader, rejected })
for (const p of ['/foo', '/foo/', '/foo/bar']) {
  add(`begin: cookie Path=/foo, request ${p}: on the path`, RFC, O, 'begin', req({ cookie: cookieOf(SID), path: p, cookiePath: '/foo' }), load(SID))
}
for (const p of ['/foobar', '/foo.bar', '/foo%2Fbar', '/bar', '/', '/Foo']) {
  add(`begin: cookie Path=/foo, request ${p}: off the path, no session`, RFC, O, 'begin', req({ cookie: cookieOf(SID), path: p, cookiePath: '/foo' }), { kind: 'skip' })
}
add('begin: cookie Path=/ matches every path', RFC, O, 'begin', req({ cookie: cookieOf(SID), path: '/any/where', cookiePath: '/' }), load(SID))
add('begin: cookie Path=/foo/, request /foo/bar', RFC, O, 'begin', req({ cookie: cookieOf(SID), path: '/foo/bar', cookiePath: '/foo/' }), load(SID))
add('begin: cookie Path=/foo/, request /foo: off the path', RFC, O, 'begin', req({ cookie: cookieOf(SID), path: '/foo', cookiePath: '/foo/' }), { kind: 'skip' })
add('begin: off the path without any cookie: skip before anything', RFC, O, 'begin', req({ path: '/bar', cookiePath: '/foo' }), { kind: 'skip' })
add('begin: no Cookie header: a new session', ES, O, 'begin', req({}), fresh(false, false))
add('begin: other cookies only: a new session, nothing rejected', ES, O, 'begin', req({ cookie: 'a=1; b=2' }), fresh(false, false))
const tampered = cookieOf(SID).slice(0, -1) + (cookieOf(SID).endsWith('A') ? 'B' : 'A')
add('begin: a session cookie whose signature fails: new, rejected', ES, O, 'begin', req({ cookie: tampered }), fresh(false, true))
add('begin: an unsigned session cookie: new, rejected', ES, O, 'begin', req({ cookie: `connect.sid=${SID}` }), fresh(false, true))
add('begin: an empty session cookie: new, rejected', ES, O, 'begin', req({ cookie: 'connect.sid=' }), fresh(false, true))
add('begin: a cookie signed by a secret not in the list: new, rejected', ES, O, 'begin', req({ cookie: cookieOf(SID, 'another secret') }), fresh(false, true))
add('begin: the session cookie verifies: load its id', also(ES, 'cookie-signature'), O, 'begin', req({ cookie: cookieOf(SID, SECRET, 'a=1; ') }), load(SID))
add('begin: two session cookies, the first verifies: the first wins', also(ES, 'cookie@0.7: the first of a name wins'), O, 'begin', req({ cookie: `${cookieOf(SID)}; connect.sid=junk` }), load(SID))
add('begin: two session cookies, the second verifies: the first wins, rejected', also(ES, 'cookie@0.7: the first of a name wins'), O, 'begin', req({ cookie: `connect.sid=junk; ${cookieOf(SID)}` }), fresh(false, true))
add('begin: hashIds: the key is the hash of the id', also(SC, HASH), opts({ hashIds: true }), 'begin', req({ cookie: cookieOf(SID) }), load(SID, { key: sha(SID) }))
add('begin: signed by an older secret: secret 1, to be re-signed (no reusable value)', also(ES, 'session-core re-signs'), opts({ secrets: ['new secret', SECRET] }), 'begin', req({ cookie: cookieOf(SID) }), load(SID, { signed: null, secretIndex: 1 }))
add('begin: a cookie name other than connect.sid', ES, opts({ name: 'sid' }), 'begin', req({ cookie: `connect.sid=${encodeURIComponent(signed(NEW))}; sid=${encodeURIComponent(signed(SID))}` }), load(SID))
// the id header (`header` option): only a request that sent no session cookie is a header request
add('begin: the id header carries the signed id', SC, O, 'begin', req({ idHeader: signed(SID) }), load(SID, { byHeader: true }))
add('begin: the id header percent-encoded as in a cookie', SC, O, 'begin', req({ idHeader: encodeURIComponent(signed(SID)) }), load(SID, { byHeader: true }))
add('begin: the id header with spaces and tabs around', SC, O, 'begin', req({ idHeader: ` \t${signed(SID)}\t ` }), load(SID, { byHeader: true }))
add('begin: an empty id header asks for a first id', SC, O, 'begin', req({ idHeader: '' }), fresh(true, false))
add('begin: an id header that fails to verify: a new session, by header, not a rejected cookie', SC, O, 'begin', req({ idHeader: signed(SID).slice(0, -2) }), fresh(true, false))
add('begin: cookie and id header: the cookie wins, the header is not read', SC, O, 'begin', req({ cookie: cookieOf(SID), idHeader: signed(NEW) }), load(SID))
add('begin: a failing cookie and a good id header: the cookie still wins', SC, O, 'begin', req({ cookie: tampered, idHeader: signed(NEW) }), fresh(false, true))
add('begin: other cookies and the id header: a header request', SC, O, 'begin', req({ cookie: 'a=1', idHeader: signed(SID) }), load(SID, { byHeader: true }))
add('begin: hashIds by id header', also(SC, HASH), opts({ hashIds: true }), 'begin', req({ idHeader: signed(SID) }), load(SID, { key: sha(SID), byHeader: true }))
// cookie-parser in front (Express): req.signedCookies / req.cookies, verified by its own secret
add('begin: cookie-parser verified it with its secret: that id, to be re-signed', also(ES, 'cookie-parser req.signedCookies'), O, 'begin',
  req({ cookie: cookieOf(SID, 'parser secret'), parsedSigned: SID }), load(SID, { signed: null, secretIndex: 1 }))
add('begin: cookie-parser gave an empty signed value: ignored', also(ES, 'cookie-parser req.signedCookies'), O, 'begin',
  req({ cookie: cookieOf(SID, 'parser secret'), parsedSigned: '' }), fresh(false, true))
add("begin: cookie-parser's raw value verifies by the session's secret", also(ES, 'cookie-parser req.cookies'), O, 'begin',
  req({ cookie: 'connect.sid=junk', parsedRaw: signed(SID) }), load(SID))
add("begin: cookie-parser's raw value does not verify: rejected", also(ES, 'cookie-parser req.cookies'), O, 'begin',
  req({ cookie: 'connect.sid=junk', parsedRaw: signed(SID, 'another secret') }), fresh(false, true))
add("begin: a header request never reads cookie-parser's values", SC, O, 'begin', req({ idHeader: 'junk', parsedSigned: SID, parsedRaw: signed(SID) }), fresh(true, false))

// ---- loaded: what the store answered ----
const look = (stage, over) => ({ stage, id: SID, key: SID, tombstone: null, found: null, method: 'GET', now: T0, ...over })
const IDLE = 1800000
const ABS = 8 * HOUR
add('loaded: a record: ready', ES, O, 'loaded', look(0, { found: LOADED }), { kind: 'ready', moved: null })
add('loaded: a record whose cookie is an empty object: ready', ES, O, 'loaded', look(0, { found: '{"cookie":{}}' }), { kind: 'ready', moved: null })
for (const [bad, why] of [['not json', 'not JSON'], ['[1,2]', 'an array'], ['{"a":1}', 'no cookie'], ['{"cookie":null}', 'cookie null'],
  ['{"cookie":5}', 'cookie a number'], ['{"cookie":"x"}', 'cookie a string'], ['"text"', 'a JSON string'], ['', 'empty'], ['{"cookie":{}', 'cut short']]) {
  add(`loaded: ${why}: not a session record, 500`, also(ES, 'session-core: ERR_SESSION_CORE_BAD_RECORD in every door'), O, 'loaded',
    look(0, { found: bad }), { kind: 'error', code: 'ERR_SESSION_CORE_BAD_RECORD', status: 500 })
}
add('loaded: nothing found: a new session', ES, O, 'loaded', look(0), { kind: 'missing' })
const TOMB_OLD = '{"cookie":{"originalMaxAge":3600000,"expires":"2026-01-01T00:00:10.000Z","httpOnly":true,"path":"/","regenerated":1767225600000},"n":1}'
add("loaded: a regenerate's tombstone under the session's key is no session", SC, O, 'loaded', look(0, { found: TOMB_OLD }), { kind: 'missing' })
add('loaded: expired by its cookie, no timeouts: the store decides expiry, ready', also(ES, 'a store forgets expired records (MemoryStore checks them itself)'), O, 'loaded',
  look(0, { found: rec(T0 - 1000, { n: 1 }) }), { kind: 'ready', moved: null })
// hashIds: the hashed key first, then the plain id of a record from before the option
const H = opts({ hashIds: true })
add('loaded: hashIds, a record under the hashed key: ready, nothing moved', also(SC, HASH), H, 'loaded', look(0, { key: sha(SID), found: LOADED }), { kind: 'ready', moved: null })
add('loaded: hashIds, nothing under the hashed key: read the plain id', SC, H, 'loaded', look(0, { key: sha(SID) }), { kind: 'load', stage: 1, key: SID })
add('loaded: hashIds, an id shaped as a store key: no plain-id lookup', also(SC, HASH), H, 'loaded', look(0, { id: sha(SID), key: sha(sha(SID)) }), { kind: 'missing' })
add("loaded: hashIds, an id shaped as a tombstone's key: no plain-id lookup", also(SC, HASH), H, 'loaded', look(0, { id: 'regenerated:' + SID, key: sha('regenerated:' + SID) }), { kind: 'missing' })
add('loaded: hashIds, the plain-id record: ready, moved to the hashed key', also(SC, HASH), H, 'loaded', look(1, { found: LOADED }), { kind: 'ready', moved: [sha(SID), SID] })
add('loaded: hashIds, nothing under the plain id either: a new session', SC, H, 'loaded', look(1), { kind: 'missing' })
add('loaded: hashIds, the plain-id value is not a record: 500', SC, H, 'loaded', look(1, { found: '[]' }), { kind: 'error', code: 'ERR_SESSION_CORE_BAD_RECORD', status: 500 })
// the timeouts: over, and the key it is under destroyed
const stamped = (expires, createdAt, lastSeen) => rec(expires, { n: 1 }, {}, { createdAt, lastSeen })
const I = opts({ idleTimeout: IDLE, absoluteTimeout: ABS })
add('loaded: idle and absolute timeouts, a live record: ready', SC, I, 'loaded', look(0, { found: stamped(T0 + HOUR, T0 - HOUR, T0 - 60000) }), { kind: 'ready', moved: null })
add('loaded: timeouts on, expired by its cookie: over, its key destroyed', SC, I, 'loaded', look(0, { found: stamped(T0, T0 - HOUR, T0 - 60000) }), { kind: 'over', destroy: SID, why: 'expired' })
add('loaded: idle past the idle timeout: over', SC, I, 'loaded', look(0, { found: stamped(T0 + HOUR, T0 - HOUR, T0 - IDLE) }), { kind: 'over', destroy: SID, why: 'idle' })
add('loaded: idle 1 ms short of the idle timeout: ready', SC, I, 'loaded', look(0, { found: stamped(T0 + HOUR, T0 - HOUR, T0 - IDLE + 1) }), { kind: 'ready', moved: null })
add('loaded: older than the absolute timeout: over', SC, I, 'loaded', look(0, { found: stamped(T0 + HOUR, T0 - ABS, T0 - 60000) }), { kind: 'over', destroy: SID, why: 'absolute' })
add('loaded: hashIds, idle: the hashed key is destroyed', also(SC, HASH), opts({ hashIds: true, idleTimeout: IDLE }), 'loaded',
  look(0, { key: sha(SID), found: stamped(T0 + HOUR, T0 - HOUR, T0 - IDLE) }), { kind: 'over', destroy: sha(SID), why: 'idle' })
add('loaded: hashIds, an idle plain-id record: the plain id is destroyed (where it is)', SC, opts({ hashIds: true, idleTimeout: IDLE }), 'loaded',
  look(1, { found: stamped(T0 + HOUR, T0 - HOUR, T0 - IDLE) }), { kind: 'over', destroy: SID, why: 'idle' })
// regenerateGrace: the tombstone, then the session it leads to
const G = opts({ regenerateGrace: 10000 })
const GH = opts({ regenerateGrace: 10000, hashIds: true })
const TOMB = (succ, at = T0) => `{"cookie":{"originalMaxAge":3600000,"expires":"${iso(at + 10000)}","httpOnly":true,"path":"/","regenerated":${at},"successor":${JSON.stringify(succ)}},"n":1}`
const READ_ONLY = (at = T0) => `{"cookie":{"originalMaxAge":3600000,"expires":"${iso(at + 10000)}","httpOnly":true,"path":"/"},"n":1}`
const REFUSED = { kind: 'refused', code: 'ESESSIONREGENERATED', status: 409 }
add('loaded: grace, nothing under the key: read the tombstone', SC, G, 'loaded', look(0), { kind: 'load', stage: 2, key: 'regenerated:' + SID })
add('loaded: grace and hashIds, nothing under either key: read the tombstone of the hashed key', also(SC, HASH), GH, 'loaded', look(1), { kind: 'load', stage: 2, key: 'regenerated:' + sha(SID) })
add('loaded: grace, no tombstone: a new session', SC, G, 'loaded', look(2, { key: 'regenerated:' + SID }), { kind: 'missing' })
add('loaded: grace, a tombstone inside its window: read its successor', SC, G, 'loaded', look(2, { key: 'regenerated:' + SID, found: TOMB(NEW), now: T0 + 5000 }),
  { kind: 'load', stage: 3, key: NEW, tombstone: TOMB(NEW) })
add('loaded: grace, a POST with a tombstone inside its window: its successor first', SC, G, 'loaded', look(2, { key: 'regenerated:' + SID, found: TOMB(NEW), method: 'POST', now: T0 + 5000 }),
  { kind: 'load', stage: 3, key: NEW, tombstone: TOMB(NEW) })
add('loaded: grace, a tombstone after its window: a new session', SC, G, 'loaded', look(2, { key: 'regenerated:' + SID, found: TOMB(NEW), now: T0 + 10000 }), { kind: 'missing' })
add('loaded: grace, a record that is no tombstone under the tombstone key: a new session', SC, G, 'loaded', look(2, { key: 'regenerated:' + SID, found: LOADED }), { kind: 'missing' })
add('loaded: grace, a tombstone key holding no JSON: a new session', SC, G, 'loaded', look(2, { key: 'regenerated:' + SID, found: 'not json' }), { kind: 'missing' })
add('loaded: grace, a tombstone without a successor (older): GET read-only', SC, G, 'loaded', look(2, { key: 'regenerated:' + SID, found: TOMB_OLD, now: T0 + 5000 }), { kind: 'readOnly', record: READ_ONLY() })
add('loaded: grace, a tombstone without a successor: POST refused', SC, G, 'loaded', look(2, { key: 'regenerated:' + SID, found: TOMB_OLD, method: 'POST', now: T0 + 5000 }), REFUSED)
const LIVE = rec(T0 + HOUR, { n: 2 })
const succ = (found, over) => look(3, { key: NEW, tombstone: TOMB(NEW), found, now: T0 + 5000, ...over })
add('loaded: grace, the successor lives: GET gets the old data, read-only', SC, G, 'loaded', succ(LIVE), { kind: 'readOnly', record: READ_ONLY() })
add('loaded: grace, the successor lives: HEAD read-only', SC, G, 'loaded', succ(LIVE, { method: 'HEAD' }), { kind: 'readOnly', record: READ_ONLY() })
add('loaded: grace, the successor lives: POST refused, 409', SC, G, 'loaded', succ(LIVE, { method: 'POST' }), REFUSED)
add('loaded: grace, the successor lives: a lower-case get is no safe method', SC, G, 'loaded', succ(LIVE, { method: 'get' }), REFUSED)
add('loaded: grace, the successor is gone (a logout): a new session', SC, G, 'loaded', succ(null), { kind: 'missing' })
add('loaded: grace, the successor expired: a new session', SC, G, 'loaded', succ(rec(T0, { n: 2 })), { kind: 'missing' })
add('loaded: grace, the successor is no record: a new session', SC, G, 'loaded', succ('[1]'), { kind: 'missing' })
add('loaded: grace, the successor is idle: a new session', SC, opts({ regenerateGrace: 10000, idleTimeout: IDLE }), 'loaded',
  succ(stamped(T0 + HOUR, T0 - HOUR, T0 - IDLE)), { kind: 'missing' })
add('loaded: grace, the window closed before the successor was read: a new session', SC, G, 'loaded', succ(LIVE, { now: T0 + 10000 }), { kind: 'missing' })
add('loaded: grace, the successor stage without its tombstone: a new session', SC, G, 'loaded', succ(LIVE, { tombstone: null }), { kind: 'missing' })
add('loaded: grace and hashIds: the successor under its hashed key, read-only', also(SC, HASH), GH, 'loaded',
  look(3, { key: sha(NEW), tombstone: TOMB(sha(NEW)), found: LIVE, now: T0 + 1 }), { kind: 'readOnly', record: READ_ONLY() })

// ---- signedOut: the per-user index's rule for a loaded session of a user ----
const SO = (since, before, kept) => ({ id: SID, since, before, kept })
const OUT = (key) => ({ kind: 'over', destroy: key, why: 'signed-out' })
add('signedOut: the user never signed out everywhere', SC, O, 'signedOut', SO(T0 - 5000, null, false), { kind: 'ok' })
add('signedOut: signed in before the sign-out: over', SC, O, 'signedOut', SO(T0 - 5000, T0 - 1000, false), OUT(SID))
add('signedOut: the session the sign-out kept', SC, O, 'signedOut', SO(T0 - 5000, T0 - 1000, true), { kind: 'ok' })
add('signedOut: signed in at the sign-out', SC, O, 'signedOut', SO(T0 - 1000, T0 - 1000, false), { kind: 'ok' })
add('signedOut: signed in after the sign-out', SC, O, 'signedOut', SO(T0, T0 - 1000, false), { kind: 'ok' })
add('signedOut: never indexed, the user signed out: over', SC, O, 'signedOut', SO(null, T0 - 1000, false), OUT(SID))
add('signedOut: nothing known', SC, O, 'signedOut', SO(null, null, false), { kind: 'ok' })
add('signedOut: hashIds: the hashed key is destroyed', also(SC, HASH), H, 'signedOut', SO(T0 - 5000, T0 - 1000, false), OUT(sha(SID)))

// ---- generated: a new session's id (genid's) ----
const SHORT = { kind: 'error', code: 'ERR_SESSION_CORE_SHORT_ID', status: 500 }
const LONG = { kind: 'error', code: 'ERR_SESSION_CORE_INVALID_GENID', status: 500 }
// a cookie is at most 4096 bytes of name and value: connect.sid=s%3A<id>.<43> is the id and 60
add('generated: an id: its key is the id', ES, O, 'generated', { id: SID }, { kind: 'ok', key: SID })
add('generated: hashIds: its key is the hash', also(SC, HASH), H, 'generated', { id: SID }, { kind: 'ok', key: sha(SID) })
add('generated: hashIds, an id of 7 characters: refused', SC, H, 'generated', { id: 'user-42' }, SHORT)
add('generated: hashIds, 21 characters: refused', SC, H, 'generated', { id: 'a'.repeat(21) }, SHORT)
add('generated: hashIds, 22 characters (128 bits): its hash', also(SC, HASH), H, 'generated', { id: 'a'.repeat(22) }, { kind: 'ok', key: sha('a'.repeat(22)) })
add('generated: hashIds counts bytes: 11 two-byte characters pass', also(SC, HASH), H, 'generated', { id: 'é'.repeat(11) }, { kind: 'ok', key: sha('é'.repeat(11)) })
add('generated: without hashIds a short id is fine', ES, O, 'generated', { id: 'x' }, { kind: 'ok', key: 'x' })
add('generated: an id whose cookie is 4096 bytes', SC, O, 'generated', { id: 'a'.repeat(4036) }, { kind: 'ok', key: 'a'.repeat(4036) })
add('generated: an id whose cookie is 4097 bytes: refused', SC, O, 'generated', { id: 'a'.repeat(4037) }, LONG)
add('generated: percent-encoding counts: 673 é are 4038 bytes encoded', SC, O, 'generated', { id: 'é'.repeat(673) }, LONG)
add('generated: 672 é are 4032 bytes encoded', SC, O, 'generated', { id: 'é'.repeat(672) }, { kind: 'ok', key: 'é'.repeat(672) })
add('generated: the cookie name counts: sid leaves room for 4044', SC, opts({ name: 'sid' }), 'generated', { id: 'a'.repeat(4044) }, { kind: 'ok', key: 'a'.repeat(4044) })
add('generated: hashIds and too long: refused as too long', SC, H, 'generated', { id: 'a'.repeat(5000) }, LONG)

// ---- respond: the response's effects ----
function facts (over) {
  return {
    phase: 'both',
    now: T0,
    secure: false,
    cookiePresent: false,
    cookieMatches: false,
    cookieOldSecret: false,
    sessionId: NEW,
    sameOriginalId: true,
    original: FRESH,
    saved: null,
    savedIsOriginal: false,
    session: FRESH,
    destroyed: false,
    touched: false,
    storeTouch: true,
    wantRecord: true,
    inc: null,
    push: null,
    signed: null,
    fromStore: false,
    byHeader: false,
    idHeaderName: null,
    readOnly: false,
    storeFailed: false,
    merges: false,
    vary: null,
    cacheControl: null,
    ...over
  }
}
/** A request that carried the session's cookie and loaded its record. */
const returning = (over) => facts({ cookiePresent: true, cookieMatches: true, sessionId: SID, original: LOADED, session: LOADED, fromStore: true, ...over })
const effects = (over) => ({ kind: 'effects', write: null, index: false, touched: false, cookieSkipped: false, ...over })
const NOCACHE = 'no-cache="Set-Cookie"'
const E1 = T0 + HOUR // a touch at T0: now + originalMaxAge
const saveNew = (id = NEW, record = rec(E1)) => ({ kind: 'save', key: id, record, existing: false })
add('respond: a new session (saveUninitialized): cookie, save, index', also(ES, COOKIE), O, 'respond', facts(),
  effects({ setCookie: setCookie(NEW, E1), vary: 'Cookie', cacheControl: NOCACHE, write: saveNew(), index: true, touched: true, expires: E1, deadline: E1 }))
add('respond: a new session left empty, saveUninitialized false: nothing but Vary', ES, opts({ saveUninitialized: false }), 'respond', facts(),
  effects({ vary: 'Cookie', touched: true, expires: E1 }))
add('respond: a new session with data, saveUninitialized false: cookie and save', also(ES, COOKIE), opts({ saveUninitialized: false }), 'respond', facts({ session: rec(T0 + HOUR, { n: 1 }) }),
  effects({ setCookie: setCookie(NEW, E1), vary: 'Cookie', cacheControl: NOCACHE, write: saveNew(NEW, rec(E1, { n: 1 })), index: true, touched: true, expires: E1, deadline: E1 }))
add('respond: loaded, unchanged, resave (default): saved while it is there, no cookie', ES, O, 'respond', returning(),
  effects({ vary: 'Cookie', write: { kind: 'save', key: SID, record: rec(E1, { n: 1 }), existing: true }, index: true, touched: true, expires: E1, deadline: E1 }))
add('respond: loaded, unchanged, resave false: touched in the store', ES, opts({ resave: false }), 'respond', returning({ saved: LOADED, savedIsOriginal: true }),
  effects({ vary: 'Cookie', write: { kind: 'touch', key: SID, record: rec(E1, { n: 1 }) }, index: true, touched: true, expires: E1, deadline: E1 }))
add('respond: loaded, unchanged, resave false, a store without touch: no write', ES, opts({ resave: false }), 'respond', returning({ saved: LOADED, savedIsOriginal: true, storeTouch: false }),
  effects({ vary: 'Cookie', touched: true, expires: E1 }))
add('respond: loaded and changed: cookie and save', also(ES, COOKIE), opts({ resave: false }), 'respond', returning({ saved: LOADED, savedIsOriginal: true, session: rec(T0 + HOUR - 60000, { n: 2 }) }),
  effects({ setCookie: setCookie(SID, E1), vary: 'Cookie', cacheControl: NOCACHE, write: { kind: 'save', key: SID, record: rec(E1, { n: 2 }), existing: true }, index: true, touched: true, expires: E1, deadline: E1 }))
add('respond: rolling, unchanged: cookie again, touched', also(ES, COOKIE), opts({ resave: false, rolling: true }), 'respond', returning({ saved: LOADED, savedIsOriginal: true }),
  effects({ setCookie: setCookie(SID, E1), vary: 'Cookie', cacheControl: NOCACHE, write: { kind: 'touch', key: SID, record: rec(E1, { n: 1 }) }, index: true, touched: true, expires: E1, deadline: E1 }))
add('respond: the cookie verified by an older secret: re-signed with the newest', also(SC, COOKIE), opts({ resave: false, secrets: ['new secret', SECRET] }), 'respond',
  returning({ saved: LOADED, savedIsOriginal: true, cookieOldSecret: true }),
  effects({ setCookie: setCookie(SID, E1, {}, 'new secret'), vary: 'Cookie', cacheControl: NOCACHE, write: { kind: 'touch', key: SID, record: rec(E1, { n: 1 }) }, index: true, touched: true, expires: E1, deadline: E1 }))
add("respond: the cookie's verified value is sent again as it came", also(ES, COOKIE), opts({ resave: false, rolling: true }), 'respond', returning({ saved: LOADED, savedIsOriginal: true, signed: signed(SID) }),
  effects({ setCookie: setCookie(SID, E1), vary: 'Cookie', cacheControl: NOCACHE, write: { kind: 'touch', key: SID, record: rec(E1, { n: 1 }) }, index: true, touched: true, expires: E1, deadline: E1 }))
add('respond: a verified value of another id that begins with this one and a dot: signed afresh, never sent for this id', also(SC, COOKIE), opts({ resave: false, rolling: true }), 'respond',
  returning({ saved: LOADED, savedIsOriginal: true, signed: signed(SID + '.x') }),
  effects({ setCookie: setCookie(SID, E1), vary: 'Cookie', cacheControl: NOCACHE, write: { kind: 'touch', key: SID, record: rec(E1, { n: 1 }) }, index: true, touched: true, expires: E1, deadline: E1 }))
add('respond: regenerated in the request: the new id gets a cookie and a new record', also(ES, COOKIE), O, 'respond',
  returning({ sessionId: NEW, cookieMatches: false, sameOriginalId: false, session: rec(T0 + HOUR, { n: 1 }) }),
  effects({ setCookie: setCookie(NEW, E1), vary: 'Cookie', cacheControl: NOCACHE, write: { kind: 'save', key: NEW, record: rec(E1, { n: 1 }), existing: false }, index: true, touched: true, expires: E1, deadline: E1 }))
// a store that merges: a loaded session is written as its delta
const M = opts({ resave: false })
const cookieJson = (ms) => `{"originalMaxAge":3600000,"expires":"${iso(ms)}","httpOnly":true,"path":"/"}`
add('respond: a merging store: the delta of what changed', also(SC, COOKIE, 'delta wire text: src/session/delta.rs'), M, 'respond',
  returning({ saved: LOADED, savedIsOriginal: true, session: rec(T0 + HOUR - 60000, { n: 1, cart: [1] }), merges: true }),
  effects({ setCookie: setCookie(SID, E1), vary: 'Cookie', cacheControl: NOCACHE, write: { kind: 'merge', key: SID, record: rec(E1, { n: 1, cart: [1] }), delta: `{"set":{"cart":[1]},"cookie":${cookieJson(E1)}}` }, index: true, touched: true, expires: E1, deadline: E1 }))
add('respond: a merging store, increments and pushes: relative to the stored record', also(SC, COOKIE, 'delta wire text: src/session/delta.rs'), M, 'respond',
  returning({ saved: LOADED, savedIsOriginal: true, session: rec(T0 + HOUR - 60000, { n: 2, cart: [7] }), merges: true, inc: '{"n":1}', push: '{"cart":[7]}' }),
  effects({ setCookie: setCookie(SID, E1), vary: 'Cookie', cacheControl: NOCACHE, write: { kind: 'merge', key: SID, record: rec(E1, { n: 2, cart: [7] }), delta: `{"inc":{"n":1},"push":{"cart":[7]},"cookie":${cookieJson(E1)}}` }, index: true, touched: true, expires: E1, deadline: E1 }))
add('respond: a merging store, a new session: saved whole', also(ES, COOKIE), opts({ resave: false }), 'respond', facts({ merges: true }),
  effects({ setCookie: setCookie(NEW, E1), vary: 'Cookie', cacheControl: NOCACHE, write: saveNew(), index: true, touched: true, expires: E1, deadline: E1 }))
add('respond: a merging store, regenerated in the request: the new id saved whole', also(ES, COOKIE), M, 'respond',
  returning({ sessionId: NEW, cookieMatches: false, sameOriginalId: false, session: rec(T0 + HOUR, { n: 1 }), merges: true }),
  effects({ setCookie: setCookie(NEW, E1), vary: 'Cookie', cacheControl: NOCACHE, write: { kind: 'save', key: NEW, record: rec(E1, { n: 1 }), existing: false }, index: true, touched: true, expires: E1, deadline: E1 }))
// destroy and unset
const expired = cookie.serialize('connect.sid', '', { expires: new Date(0), path: '/', httpOnly: true })
add('respond: unset destroy, req.session = null: the record destroyed, the cookie expired', also(ES, 'session-core expires the cookie', 'Set-Cookie from cookie@0.7'), opts({ unset: 'destroy' }), 'respond',
  returning({ session: null }), effects({ setCookie: expired, vary: 'Cookie', cacheControl: NOCACHE, write: { kind: 'destroy', key: SID } }))
add('respond: unset keep, req.session = null: nothing written', ES, O, 'respond', returning({ session: null }), effects({ vary: 'Cookie' }))
add('respond: destroyed in the request: no write here, the cookie expired', also(SC, 'Set-Cookie from cookie@0.7'), O, 'respond', returning({ session: null, destroyed: true }),
  effects({ setCookie: expired, vary: 'Cookie', cacheControl: NOCACHE }))
add('respond: hashIds: the record under the hashed key', also(ES, COOKIE, HASH), opts({ hashIds: true }), 'respond', returning({ session: rec(T0 + HOUR - 60000, { n: 2 }) }),
  effects({ setCookie: setCookie(SID, E1), vary: 'Cookie', cacheControl: NOCACHE, write: { kind: 'save', key: sha(SID), record: rec(E1, { n: 2 }), existing: true }, index: true, touched: true, expires: E1, deadline: E1 }))
add('respond: hashIds, unset destroy: the hashed key destroyed', also(SC, HASH, 'Set-Cookie from cookie@0.7'), opts({ hashIds: true, unset: 'destroy' }), 'respond',
  returning({ session: null }), effects({ setCookie: expired, vary: 'Cookie', cacheControl: NOCACHE, write: { kind: 'destroy', key: sha(SID) } }))
// the id header: back the way the id came, never cached
const X = 'x-session-id'
const byHeader = (f) => ({ ...f, byHeader: true, idHeaderName: X })
add('respond: a header request, new session: the signed id in the header, no Set-Cookie, no-store', also(SC, 'cookie-signature'), O, 'respond', byHeader(facts()),
  effects({ idHeader: signed(NEW), vary: X, cacheControl: 'private, no-store', write: saveNew(), index: true, touched: true, expires: E1, deadline: E1 }))
add('respond: a header request, the app set Cache-Control public: private, no-store all the same', also(SC, 'cookie-signature'), O, 'respond', byHeader(facts({ cacheControl: 'public, max-age=60', vary: 'Accept' })),
  effects({ idHeader: signed(NEW), vary: `Accept, ${X}`, cacheControl: 'private, no-store', write: saveNew(), index: true, touched: true, expires: E1, deadline: E1 }))
add('respond: a header request, loaded, unchanged: no header, Vary still', SC, O, 'respond', byHeader(returning({ cookiePresent: true })),
  effects({ vary: X, write: { kind: 'save', key: SID, record: rec(E1, { n: 1 }), existing: true }, index: true, touched: true, expires: E1, deadline: E1 }))
add('respond: a header request, cacheHeaders false: the id still never cached', also(SC, 'cookie-signature'), opts({ cacheHeaders: false }), 'respond', byHeader(facts()),
  effects({ idHeader: signed(NEW), vary: X, cacheControl: 'private, no-store', write: saveNew(), index: true, touched: true, expires: E1, deadline: E1 }))
add('respond: a header request, cacheHeaders false, no id sent: no Vary', SC, opts({ cacheHeaders: false }), 'respond', byHeader(returning()),
  effects({ write: { kind: 'save', key: SID, record: rec(E1, { n: 1 }), existing: true }, index: true, touched: true, expires: E1, deadline: E1 }))
// Vary and Cache-Control merged with the app's
const newWith = (vary, cacheControl) => facts({ vary, cacheControl })
const newFx = (over) => effects({ setCookie: setCookie(NEW, E1), write: saveNew(), index: true, touched: true, expires: E1, deadline: E1, ...over })
add('respond: Vary: Accept-Encoding gains Cookie', also(SC, COOKIE), O, 'respond', newWith('Accept-Encoding', null), newFx({ vary: 'Accept-Encoding, Cookie', cacheControl: NOCACHE }))
add('respond: Vary already names cookie (any case): left as it is', also(SC, COOKIE), O, 'respond', newWith('Accept, cookie', null), newFx({ cacheControl: NOCACHE }))
add('respond: Vary: * is left as it is', also(SC, COOKIE), O, 'respond', newWith('*', null), newFx({ cacheControl: NOCACHE }))
add('respond: Cache-Control public gains no-cache="Set-Cookie"', also(SC, COOKIE), O, 'respond', newWith(null, 'public, max-age=60'), newFx({ vary: 'Cookie', cacheControl: `public, max-age=60, ${NOCACHE}` }))
add('respond: Cache-Control private already keeps it from shared caches', also(SC, COOKIE), O, 'respond', newWith(null, 'private'), newFx({ vary: 'Cookie' }))
add('respond: Cache-Control no-store: left as it is', also(SC, COOKIE), O, 'respond', newWith(null, 'max-age=0, No-Store'), newFx({ vary: 'Cookie' }))
add('respond: Cache-Control already says no-cache="set-cookie"', also(SC, COOKIE), O, 'respond', newWith(null, 'no-cache="set-cookie"'), newFx({ vary: 'Cookie' }))
add('respond: Cache-Control no-cache without a field name still gains it', also(SC, COOKIE), O, 'respond', newWith(null, 'no-cache'), newFx({ vary: 'Cookie', cacheControl: `no-cache, ${NOCACHE}` }))
add('respond: Cache-Control with a non-ASCII character across its 8th byte: kept, never cut inside it', also(SC, COOKIE), O, 'respond', newWith(null, 'no-caché'), newFx({ vary: 'Cookie', cacheControl: `no-caché, ${NOCACHE}` }))
add('respond: Vary and Cache-Control with latin1 characters (obs-text) keep them', also(SC, COOKIE), O, 'respond', newWith('X-Ünï', 'public, x-note="é"'), newFx({ vary: 'X-Ünï, Cookie', cacheControl: `public, x-note="é", ${NOCACHE}` }))
add('respond: cacheHeaders false: neither header', also(SC, COOKIE), opts({ cacheHeaders: false }), 'respond', facts(), newFx({}))
add('respond: no cookie to set: Cache-Control untouched', SC, O, 'respond', returning({ cacheControl: 'public' }),
  effects({ vary: 'Cookie', write: { kind: 'save', key: SID, record: rec(E1, { n: 1 }), existing: true }, index: true, touched: true, expires: E1, deadline: E1 }))
// read-only (grace window) and a failed store: no cookie, no write
add('respond: read-only (grace window): Vary only', SC, G, 'respond', returning({ readOnly: true }), effects({ vary: 'Cookie' }))
add('respond: read-only, cacheHeaders false: nothing', SC, opts({ regenerateGrace: 10000, cacheHeaders: false }), 'respond', returning({ readOnly: true }), effects({}))
add('respond: read-only at the end (Express): nothing', SC, G, 'respond', returning({ readOnly: true, phase: 'end' }), effects({}))
add('respond: a store call failed: Vary only', SC, O, 'respond', facts({ storeFailed: true }), effects({ vary: 'Cookie' }))
add('respond: a store call failed, a header request: Vary names the header', SC, O, 'respond', byHeader(facts({ storeFailed: true })), effects({ vary: X }))
// Express's two phases
add('respond: the headers phase: the cookie, no write', also(ES, COOKIE), O, 'respond', facts({ phase: 'headers' }),
  effects({ setCookie: setCookie(NEW, E1), vary: 'Cookie', cacheControl: NOCACHE, touched: true, expires: E1 }))
add('respond: the end phase after the headers (touched): the write, no headers', ES, O, 'respond', facts({ phase: 'end', touched: true, session: rec(E1) }),
  effects({ write: saveNew(), index: true, touched: true, deadline: E1 }))
// the cookie's attributes and the timeouts
add('respond: a Secure cookie over http: not set, still saved', ES, O, 'respond', facts({ session: rec(T0 + HOUR, {}, { secure: true }), original: rec(T0 + HOUR, {}, { secure: true }) }),
  effects({ vary: 'Cookie', write: saveNew(NEW, rec(E1, {}, { secure: true })), index: true, touched: true, cookieSkipped: true, expires: E1, deadline: E1 }))
add('respond: a Secure cookie over https: set', also(ES, COOKIE), O, 'respond', facts({ secure: true, session: rec(T0 + HOUR, {}, { secure: true }), original: rec(T0 + HOUR, {}, { secure: true }) }),
  effects({ setCookie: setCookie(NEW, E1, { secure: true }), vary: 'Cookie', cacheControl: NOCACHE, write: saveNew(NEW, rec(E1, {}, { secure: true })), index: true, touched: true, expires: E1, deadline: E1 }))
add('respond: a browser-session cookie (no maxAge): no Expires, no deadline', also(ES, COOKIE), O, 'respond', facts({ session: rec(null), original: rec(null) }),
  effects({ setCookie: setCookie(NEW, null), vary: 'Cookie', cacheControl: NOCACHE, write: saveNew(NEW, rec(null)), index: true, touched: true, expires: null }))
const IDLE_ONLY = opts({ idleTimeout: IDLE })
add('respond: idle timeout, a new session: stamped, the deadline the idle one', also(SC, COOKIE), IDLE_ONLY, 'respond', facts(),
  effects({ setCookie: setCookie(NEW, E1), vary: 'Cookie', cacheControl: NOCACHE, write: saveNew(NEW, rec(E1, {}, {}, { createdAt: T0, lastSeen: T0 })), index: true, touched: true, expires: E1, createdAt: T0, lastSeen: T0, deadline: T0 + IDLE }))
add('respond: bogus req.sessionID: nothing but Vary', ES, O, 'respond', facts({ sessionId: null }), effects({ vary: 'Cookie' }))
add('respond: req.session is no record: 500', SC, O, 'respond', returning({ session: '[1]' }), { kind: 'error', code: 'ERR_SESSION_CORE_BAD_RECORD', status: 500 })
add("respond: genid's id too long for a cookie: refused before any write", SC, O, 'respond', facts({ sessionId: 'a'.repeat(4037) }), { kind: 'error', code: 'ERR_SESSION_CORE_INVALID_GENID', status: 500 })

// ---- save: req.session.save() ----
const sv = (over) => ({ id: SID, session: LOADED, base: null, inc: null, push: null, existing: true, merges: false, readOnly: false, ...over })
add('save: a loaded session: saved while it is there', ES, O, 'save', sv({}), { kind: 'save', key: SID, record: LOADED, existing: true, deadline: T0 + HOUR - 60000 })
add('save: a new session: created', ES, O, 'save', sv({ id: NEW, session: FRESH, existing: false }), { kind: 'save', key: NEW, record: FRESH, existing: false, deadline: T0 + HOUR })
add('save: a browser-session record: no deadline', ES, O, 'save', sv({ session: rec(null, { n: 1 }) }), { kind: 'save', key: SID, record: rec(null, { n: 1 }), existing: true })
add('save: hashIds: under the hashed key', also(ES, HASH), H, 'save', sv({}), { kind: 'save', key: sha(SID), record: LOADED, existing: true, deadline: T0 + HOUR - 60000 })
add('save: a merging store: the delta against the base', also(SC, 'delta wire text: src/session/delta.rs'), O, 'save', sv({ merges: true, base: LOADED, session: rec(T0 + HOUR - 60000, { n: 3 }) }),
  { kind: 'merge', key: SID, record: rec(T0 + HOUR - 60000, { n: 3 }), delta: `{"set":{"n":3},"cookie":${cookieJson(T0 + HOUR - 60000)}}`, deadline: T0 + HOUR - 60000 })
add('save: a merging store, with an increment', also(SC, 'delta wire text: src/session/delta.rs'), O, 'save', sv({ merges: true, base: LOADED, session: rec(T0 + HOUR - 60000, { n: 2 }), inc: '{"n":1}' }),
  { kind: 'merge', key: SID, record: rec(T0 + HOUR - 60000, { n: 2 }), delta: `{"inc":{"n":1},"cookie":${cookieJson(T0 + HOUR - 60000)}}`, deadline: T0 + HOUR - 60000 })
add('save: a merging store, no base: saved whole', SC, O, 'save', sv({ merges: true }), { kind: 'save', key: SID, record: LOADED, existing: true, deadline: T0 + HOUR - 60000 })
add('save: a merging store, a new session: created whole', SC, O, 'save', sv({ merges: true, existing: false, base: LOADED }), { kind: 'save', key: SID, record: LOADED, existing: false, deadline: T0 + HOUR - 60000 })
add('save: a merging store, a base that is no record: 500', SC, O, 'save', sv({ merges: true, base: '[]' }), { kind: 'error', code: 'ERR_SESSION_CORE_BAD_RECORD', status: 500 })
add('save: read-only (grace window): refused, 409', SC, G, 'save', sv({ readOnly: true }), { kind: 'error', code: 'ESESSIONREGENERATED', status: 409 })
add('save: idle timeout: the deadline is the earliest of expiry and idle end', also(SC, 'the deadline rule: src/expiry.rs deadline'), IDLE_ONLY, 'save',
  sv({ session: stamped(T0 + HOUR, T0 - HOUR, T0 - 1000) }), { kind: 'save', key: SID, record: stamped(T0 + HOUR, T0 - HOUR, T0 - 1000), existing: true, deadline: T0 - 1000 + IDLE })
add('save: absolute timeout: the deadline is the absolute end when sooner', also(SC, 'the deadline rule: src/expiry.rs deadline'), opts({ absoluteTimeout: ABS }), 'save',
  sv({ session: stamped(T0 + HOUR, T0 - ABS + 1000, T0 - 1000) }), { kind: 'save', key: SID, record: stamped(T0 + HOUR, T0 - ABS + 1000, T0 - 1000), existing: true, deadline: T0 + 1000 })

// ---- regenerate: the tombstone (regenerateGrace) and the old record destroyed ----
const rg = (over) => ({ id: SID, stored: LOADED, newId: NEW, readOnly: false, now: T0, ...over })
const tombOf = (key, successor) => ({ key: 'regenerated:' + key, record: `{"cookie":{"originalMaxAge":3600000,"expires":"${iso(T0 + 10000)}","httpOnly":true,"path":"/","regenerated":${T0},"successor":${JSON.stringify(successor)}},"n":1}`, deadline: T0 + 10000 })
add('regenerate: grace: a tombstone leading to the new session, then the old record destroyed', also(SC, 'tombstone rule: grace.json'), G, 'regenerate', rg({}),
  { kind: 'ok', tombstone: tombOf(SID, NEW), destroy: SID, newKey: NEW })
add('regenerate: no grace: the old record destroyed', ES, O, 'regenerate', rg({}), { kind: 'ok', tombstone: null, destroy: SID, newKey: NEW })
add('regenerate: grace, a session never stored: no tombstone', SC, G, 'regenerate', rg({ stored: null }), { kind: 'ok', tombstone: null, destroy: SID, newKey: NEW })
add('regenerate: grace, a stored text that is no record: no tombstone', SC, G, 'regenerate', rg({ stored: 'not json' }), { kind: 'ok', tombstone: null, destroy: SID, newKey: NEW })
add('regenerate: grace and hashIds: every key hashed, the successor too', also(SC, HASH), GH, 'regenerate', rg({}),
  { kind: 'ok', tombstone: tombOf(sha(SID), sha(NEW)), destroy: sha(SID), newKey: sha(NEW) })
add('regenerate: hashIds, no grace', also(SC, HASH), H, 'regenerate', rg({}), { kind: 'ok', tombstone: null, destroy: sha(SID), newKey: sha(NEW) })
add('regenerate: read-only (grace window): refused, 409', SC, G, 'regenerate', rg({ readOnly: true }), { kind: 'error', code: 'ESESSIONREGENERATED', status: 409 })
add('regenerate: hashIds, a new id too short: refused', SC, H, 'regenerate', rg({ newId: 'user-42' }), SHORT)
add('regenerate: a new id too long for a cookie: refused', SC, O, 'regenerate', rg({ newId: 'a'.repeat(4037) }), LONG)

// ---- keyOf ----
add('keyOf: the id itself', ES, O, 'keyOf', { id: SID }, { key: SID })
add('keyOf: hashIds: the hash', also(SC, HASH), H, 'keyOf', { id: SID }, { key: sha(SID) })
add('keyOf: hashIds, the empty id', also(SC, HASH), H, 'keyOf', { id: '' }, { key: sha('') })
add('keyOf: hashIds, an id shaped as a key is hashed again', also(SC, HASH), H, 'keyOf', { id: sha(SID) }, { key: sha(sha(SID)) })
add('keyOf: hashIds, non-ASCII hashed as UTF-8', also(SC, HASH), H, 'keyOf', { id: 'ünïcødé-id-with-more-than-22-chars' }, { key: sha('ünïcødé-id-with-more-than-22-chars') })
add('keyOf: without hashIds a non-ASCII id stays', ES, O, 'keyOf', { id: 'ünïcødé' }, { key: 'ünïcødé' })

fs.writeFileSync(file, JSON.stringify({ source: 'The request flow of a server-side session, step by step (src/flow/server.rs): the answers written from the rules, each case saying which', count: cases.length, cases }, null, 1) + '\n')
console.log(`flow: ${cases.length} cases -> ${path.relative(process.cwd(), file)}`)
