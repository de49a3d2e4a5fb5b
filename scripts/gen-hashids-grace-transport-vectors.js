'use strict'
// tests/vectors/{hashids,grace,transport}.json: the server-side rules of hashIds, regenerateGrace and header. Store keys are
// computed here with Node's own crypto (base64url(SHA-256(id))), an oracle apart from the core;
// the grace and transport cases are the rules as docs/what-no-peer-has.md states them, written out by hand.
const fs = require('node:fs')
const path = require('node:path')
const crypto = require('node:crypto')

const dir = path.join(__dirname, '..', 'tests', 'vectors')
const sha = (s) => crypto.createHash('sha256').update(s, 'utf8').digest('base64url')
const write = (file, description, cases) =>
  fs.writeFileSync(path.join(dir, file), JSON.stringify({ description, count: cases.length, cases }, null, 2) + '\n')

const NODE = "Node's crypto: createHash('sha256').digest('base64url')"
const RULE = 'session-core rule (docs), hand-written'

// ---- hashids.json ----
const hashids = []
const KEYISH = (id) => /^[A-Za-z0-9_-]{43}$/.test(id) || id.startsWith('regenerated:')
const IDS = [sha('AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'), 'regenerated:' + sha('x'), 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'kZ8x1yVd0-_qP3rS2tU4vW5xY6zA7bC8', '', 'short', '0123456789abcdefghijkl', '0123456789abcdefghijk', 'ünïcødé-id-with-more-than-22-chars', 'a'.repeat(300)]
for (const id of IDS) {
  for (const hash of [true, false]) {
    const key = hash ? sha(id) : id
    hashids.push({
      name: `keys of ${JSON.stringify(id.length > 40 ? id.slice(0, 12) + '…' : id)}, hashIds ${hash}`,
      source: hash ? NODE : RULE,
      op: 'keys',
      id,
      hashIds: hash,
      expected: { key, legacy: hash && !KEYISH(id) ? id : null, grace: 'regenerated:' + key, hashable: Buffer.byteLength(id) >= 22 }
    })
  }
}
for (const [value, hash, expected, why] of [
  ['AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', true, sha('AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'), 'an id becomes its key'],
  ['47DEQpj8', true, '47DEQpj8', 'a tag (8 characters) stays'],
  ['AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', false, 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'without hashIds an id stays'],
  ['1234567', true, sha('1234567'), '7 characters: not a tag'],
  ['123456789', true, sha('123456789'), '9 characters: not a tag']
]) {
  hashids.push({ name: `index argument: ${why}`, source: hash && expected !== value ? NODE : RULE, op: 'index', value, hashIds: hash, expected })
}
write('hashids.json', 'Session ids hashed at rest (hashIds): the store key is base64url(SHA-256(id)), the legacy key the plain id (migration), the tombstone key "regenerated:" + key; index arguments (current, except) hashed unless a tag.', hashids)

// ---- grace.json ----
const grace = []
const REC = '{"cookie":{"originalMaxAge":3600000,"expires":"2026-01-01T01:00:00.000Z","httpOnly":true,"path":"/"},"user":"anon","cart":[1,2]}'
const T0 = 1767225600000
grace.push({
  name: 'tombstone of a record',
  source: RULE,
  op: 'tombstone',
  record: REC,
  now: T0,
  grace: 10000,
  expected: '{"cookie":{"originalMaxAge":3600000,"expires":"2026-01-01T00:00:10.000Z","httpOnly":true,"path":"/","regenerated":1767225600000},"user":"anon","cart":[1,2]}'
})
grace.push({
  name: 'tombstone of a record without expires',
  source: RULE,
  op: 'tombstone',
  record: '{"cookie":{"path":"/"},"n":1}',
  now: 1000,
  grace: 10000,
  expected: '{"cookie":{"expires":"1970-01-01T00:00:11.000Z","path":"/","regenerated":1000},"n":1}'
})
grace.push({ name: 'tombstone of a text that is no record', source: RULE, op: 'tombstone', record: '[1,2]', now: 1000, grace: 10000, expected: { error: 'ERR_SESSION_CORE_BAD_RECORD' } })
// the regenerate's new session (its store key): the window ends when that session does
grace.push({
  name: 'tombstone leading to the new session',
  source: RULE,
  op: 'tombstone',
  record: REC,
  now: T0,
  grace: 10000,
  successor: 'new-session-key',
  expected: '{"cookie":{"originalMaxAge":3600000,"expires":"2026-01-01T00:00:10.000Z","httpOnly":true,"path":"/","regenerated":1767225600000,"successor":"new-session-key"},"user":"anon","cart":[1,2]}'
})
grace.push({
  name: 'tombstone leading to a hashed key with JSON escapes kept',
  source: RULE,
  op: 'tombstone',
  record: '{"cookie":{"path":"/"},"n":1}',
  now: 1000,
  grace: 10000,
  successor: 'a"b\\c',
  expected: '{"cookie":{"expires":"1970-01-01T00:00:11.000Z","path":"/","regenerated":1000,"successor":"a\\"b\\\\c"},"n":1}'
})
const TOMB = '{"cookie":{"expires":"2026-01-01T00:00:10.000Z","path":"/","regenerated":1767225600000},"user":"anon"}'
for (const [method, at, window, expected, why] of [
  ['GET', 0, 10000, 'read-only', 'GET at the regenerate'],
  ['HEAD', 5000, 10000, 'read-only', 'HEAD inside the window'],
  ['OPTIONS', 5000, 10000, 'read-only', 'OPTIONS is safe'],
  ['TRACE', 5000, 10000, 'read-only', 'TRACE is safe'],
  ['GET', 9999, 10000, 'read-only', 'GET 1 ms before the end'],
  ['GET', 10000, 10000, 'over', 'GET at the end of the window'],
  ['GET', 60000, 10000, 'over', 'GET long after'],
  ['POST', 1, 10000, 'conflict', 'POST inside the window'],
  ['PUT', 1, 10000, 'conflict', 'PUT inside the window'],
  ['DELETE', 1, 10000, 'conflict', 'DELETE inside the window'],
  ['PATCH', 1, 10000, 'conflict', 'PATCH inside the window'],
  ['get', 1, 10000, 'conflict', 'a lower-case method is not a safe one'],
  ['POST', 10000, 10000, 'over', 'POST after the window: a fresh session'],
  ['GET', 5000, 3000, 'over', 'the option shortened since: the window as it is now'],
  ['GET', -5000, 10000, 'read-only', 'a regenerate stamped in the future counts from now'],
  ['GET', 5000, 0, 'over', 'no window']
]) {
  grace.push({ name: `grace: ${why}`, source: RULE, op: 'grace', record: TOMB, method, now: T0 + at, grace: window, expected })
}
for (const [record, why] of [
  ['{"cookie":{"path":"/"},"user":"anon"}', 'a record with no regenerated stamp is no tombstone'],
  ['{"cookie":{"regenerated":"1767225600000"},"user":"anon"}', 'a stamp that is a string is no stamp'],
  ['not json', 'a text that is no record'],
  ['{"cookie":null}', 'a null cookie']
]) {
  grace.push({ name: `grace: ${why}`, source: RULE, op: 'grace', record, method: 'GET', now: T0, grace: 10000, expected: 'over' })
}
write('grace.json', 'The grace window after a regenerate (regenerateGrace): the tombstone the regenerate keeps (expires at the end of the window, cookie.regenerated the time), and what a request with the old id gets from it: read-only (safe methods inside the window), conflict (409 ESESSIONREGENERATED) or over.', grace)

// ---- transport.json ----
const transport = []
const N = 'connect.sid'
for (const [cookie, header, expected, why] of [
  [null, 's:abc.sig', { header: true, id: 's:abc.sig' }, 'no cookie, the header: a header request'],
  [null, '', { header: true, id: null }, 'no cookie, an empty header: a header request asking for an id'],
  [null, 's%3Aabc.sig', { header: true, id: 's:abc.sig' }, 'an encoded header value is decoded'],
  [null, '  s:abc.sig\t', { header: true, id: 's:abc.sig' }, 'white space around the value'],
  ['connect.sid=s%3Ax.y', 's:abc.sig', { header: false, id: null }, 'a session cookie wins over the header'],
  ['connect.sid=junk', 's:abc.sig', { header: false, id: null }, 'a session cookie that does not verify still wins'],
  ['connect.sid=', 's:abc.sig', { header: false, id: null }, 'an empty session cookie still wins'],
  ['a=1; b=2', 's:abc.sig', { header: true, id: 's:abc.sig' }, 'other cookies do not count'],
  ['connect.sidx=1', 's:abc.sig', { header: true, id: 's:abc.sig' }, 'a cookie whose name only starts alike does not count'],
  ['a=1', null, { header: false, id: null }, 'neither: a cookie request (it gets a cookie)'],
  [null, null, { header: false, id: null }, 'nothing at all: a cookie request'],
  [null, '%E0%A4%A', { header: true, id: null }, 'a malformed encoding gives no id']
]) {
  transport.push({ name: `carrier: ${why}`, source: RULE, op: 'carrier', cookie, cookieName: N, header, expected })
}
const SC = 'connect.sid=s%3Aabc.sig; Path=/; HttpOnly'
for (const [header, setCookie, cacheHeaders, expected, why] of [
  [true, SC, true, { setCookie: false, idHeader: 's:abc.sig', noStore: true, vary: true }, 'a header request gets the id in the header, no Set-Cookie'],
  [true, SC, false, { setCookie: false, idHeader: 's:abc.sig', noStore: true, vary: true }, 'cacheHeaders off: a response carrying the id is still private'],
  [true, null, true, { setCookie: false, idHeader: null, noStore: false, vary: true }, 'a header request, no new id: only Vary'],
  [true, null, false, { setCookie: false, idHeader: null, noStore: false, vary: false }, 'a header request, no new id, cacheHeaders off'],
  [false, SC, true, { setCookie: true, idHeader: null, noStore: false, vary: false }, 'a cookie request gets the cookie, never the header'],
  [false, null, true, { setCookie: false, idHeader: null, noStore: false, vary: false }, 'a cookie request, nothing to set'],
  [true, 'other=s%3Aabc.sig; Path=/', true, { setCookie: false, idHeader: null, noStore: false, vary: true }, 'a Set-Cookie of another name carries no id']
]) {
  transport.push({ name: `respond: ${why}`, source: RULE, op: 'respond', headerRequest: header, setCookie, cookieName: N, cacheHeaders, expected })
}
for (const [cookieSent, headerSent, expected, why] of [
  [false, true, true, 'the id header and no session cookie: exempt'],
  [true, true, false, 'the id header and a session cookie: checked'],
  [true, false, false, 'a session cookie: checked'],
  [false, false, false, 'neither: checked']
]) {
  transport.push({ name: `csrf: ${why}`, source: RULE, op: 'csrf', cookieSent, headerSent, expected })
}
write('transport.json', 'The session id in a header (the header option): which carrier a request uses (cookie first), what the response sends (the id back the way it came; Cache-Control private, no-store and Vary on the header), and the CSRF exemption (only without a session cookie).', transport)
console.log(`hashids=${hashids.length} grace=${grace.length} transport=${transport.length}`)
