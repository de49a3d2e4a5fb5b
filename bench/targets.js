'use strict'
// The performance targets, the floors' among them, each read from the parts' results: what is
// measured, in which unit, which way it must go. `evaluate(parts)` gives one row per target; a part
// that did not run gives `value: null`.

const HTTP = [
  ['expressToBare', 'session-core/express, cookie: x bare', '>=', 0.8, 'session-core/express', 'bare'],
  ['expressToPeer', 'session-core/express, cookie: x express-session', '>=', 1.4, 'session-core/express', 'express-session'],
  ['expressNewToBare', 'session-core/express, no cookie: x bare', '>=', 0.7, 'session-core/express, no cookie', 'bare'],
  ['cookieToBare', 'session-core/cookie-session signed: x bare', '>=', 0.75, 'session-core/cookie-session', 'bare'],
  ['cookieToPeer', 'session-core/cookie-session signed: x cookie-session', '>=', 1.3, 'session-core/cookie-session', 'cookie-session'],
  ['encryptedToBare', 'session-core/cookie-session encrypt: x bare', '>=', 0.7, 'session-core/cookie-session encrypted', 'bare']
]

/**
 * The floors (bench/floor-*.js, hand-written plain-JS middlewares with the peer's semantics):
 * session-core's throughput at least `ratio` times the floor's (the median of the per-round ratios),
 * and its server CPU per request over bare at most the floor's + `cpuUs` µs.
 */
const FLOOR = { ratio: 1.0, cpuUs: 3 }

/** [key in the part's `floors`, label]: session-core beside the floor doing the same work. */
const HTTP_FLOORS = [
  ['express', 'session-core/express, no maxAge'],
  ['expressMaxAge', 'session-core/express, maxAge'],
  ['cookie', 'session-core/cookie-session signed']
]
const HONO_FLOORS = [
  ['server', 'session-core/hono store'],
  ['client', 'session-core/hono signed']
]

/** The two rows of one floor comparison: throughput, and CPU over bare beside the floor's. */
function floorRows (id, group, label, get) {
  const us = (x) => `${x >= 0 ? '+' : ''}${f1(x)} µs`
  return [
    [`${id}ToFloor`, group, `${label}: x the floor`, 'x', '>=', FLOOR.ratio,
      (p) => get(p).ratio, (p) => `rounds ${get(p).rounds.map((x) => x.toFixed(2)).join(', ')}`],
    [`${id}CpuOverFloor`, group, `${label}: server CPU/request over bare, minus the floor's`, 'µs', '<=', FLOOR.cpuUs,
      (p) => get(p).cpuOverFloorUs, (p) => `${us(get(p).cpuOverBareUs)} vs ${us(get(p).floorCpuOverBareUs)} over bare`]
  ]
}

const f0 = (x) => (Number.isFinite(x) ? x.toFixed(0) : '?')
const f1 = (x) => (Number.isFinite(x) ? x.toFixed(1) : '?')

/**
 * [id, group, label, unit, op, target, (parts) => value, (parts) => the figures beside it]. Every
 * getter may throw on a part that did not run: the row is then "not measured".
 */
function all () {
  const rows = []
  for (const v of ['4', '5']) {
    for (const [key, label, op, target, a, b] of HTTP) {
      const c = (p, n) => p.http.express[v].configs[n].reqPerSec
      rows.push([`http.express${v}.${key}`, `HTTP, Express ${v} (req/s, median of rounds)`, label, 'x', op, target,
        (p) => p.http.express[v].ratios[key], (p) => `${f0(c(p, a))} vs ${f0(c(p, b))} req/s`])
    }
    for (const [key, label] of HTTP_FLOORS) {
      rows.push(...floorRows(`http.express${v}.${key}`, `HTTP, Express ${v}, beside the floors`, label, (p) => p.http.express[v].floors[key]))
    }
  }
  for (const m of ['signed', 'encrypted']) {
    const c = (p, n) => p.hono.configs[n].reqPerSec
    rows.push([`hono.${m}ToFasterPeer`, 'Hono on Node (req/s, median of rounds)', `session-core/hono ${m}: x the faster of hono-sessions and iron-session`, 'x', '>=', 1.5,
      (p) => p.hono.toFasterPeer[m],
      (p) => `${f0(c(p, `session-core/hono ${m}`))} vs ${f0(Math.max(c(p, 'hono-sessions cookie'), c(p, 'iron-session')))} req/s`])
  }
  for (const [key, label] of HONO_FLOORS) {
    rows.push(...floorRows(`hono.${key}`, 'Hono on Node, beside the floors', label, (p) => p.hono.floors[key]))
  }
  const micro = (name, label, op, target, asTime) => [`micro.${name}`, 'Node micro (ns per call)', label, 'x', op, target,
    (p) => (asTime ? 1 / p.micro[name].speedup : p.micro[name].speedup),
    (p) => `${f0(p.micro[name].ns)} vs ${f0(p.micro[name].peerNs)} ns`]
  const mw = (p) => p.middleware.us
  rows.push(
    ['memory.rssRatio', 'Memory', 'RSS after 200,000 new sessions / after 20,000', 'x', '<=', 1.1,
      (p) => p.memory['session-core/express'].rssRatio,
      (p) => { const pts = p.memory['session-core/express'].points; return `${f1(pts.at(-1).rssMB)} vs ${f1(pts[0].rssMB)} MB` }],
    ['seal.speedup', 'Seal (µs per operation)', 'iron-session seal+unseal time / session-core encrypt request', 'x', '>=', 50,
      (p) => p.middleware.sealSpeedup,
      (p) => `${f1(mw(p)['iron-session sealData+unsealData'])} vs ${f1(mw(p)['session-core/cookie-session encrypted'])} µs`],
    ['middleware.expressTimeRatio', 'Middleware alone (µs per request)', 'session-core/express time / express-session time', 'x', '<=', 0.4,
      (p) => p.middleware.expressTimeRatio,
      (p) => `${f1(mw(p)['session-core/express'])} vs ${f1(mw(p)['express-session'])} µs`],
    micro('sign', 'sign: speed x cookie-signature', '>=', 2),
    micro('unsign', 'unsign: speed x express-session\'s cookie-signature', '>=', 3),
    micro('parseCookie', 'parseCookie: time x cookie@0.7 parse', '<=', 1.5, true),
    micro('serializeCookie', 'serializeCookie: time x cookie@0.7 serialize', '<=', 1.5, true),
    micro('generateSessionId', 'generateSessionId: time x uid-safe uid.sync(24)', '<=', 1, true),
    ['native.sign', 'Native (release build)', 'sign: time x raw HMAC-SHA256, cached key', 'x', '<=', 1.5,
      (p) => p.native.ns.sign / p.native.ns.hmac, (p) => `${f0(p.native.ns.sign)} vs ${f0(p.native.ns.hmac)} ns`],
    ['native.express', 'Native (release build)', 'express decision (cookie verified + decide)', 'µs', '<=', 3,
      (p) => p.native.ns.express_cookie / 1000, (p) => `raw HMAC ${f0(p.native.ns.hmac)} ns`],
    ['native.client', 'Native (release build)', 'cookie-session load+commit, signed', 'µs', '<=', 3,
      (p) => p.native.ns.client_signed / 1000, (p) => `raw HMAC ${f0(p.native.ns.hmac)} ns`],
    // the budget, restated for the request flow (the whole request's logic in this build: the id
    // header, hashed keys, grace windows and their successors, path-match, the cache headers and
    // the store writes' keys, which the client build held before): 120 KB before it, 136 KB with it
    ['package.gzip', 'Package', 'the .wasm session-core/express loads, gzip -9', 'KB', '<=', 136,
      (p) => p.package.expressWasmGzipBytes / 1000,
      (p) => `${f0(p.package.wasm.filter((w) => w.loadedByExpress).reduce((s, w) => s + w.bytes, 0) / 1000)} KB raw`],
    ['package.require', 'Package', 'require(\'session-core/express\'), fresh process', 'ms', '<=', 15,
      (p) => p.package.require['session-core/express'].medianMs,
      (p) => `express-session ${f1(p.package.require['express-session'].medianMs)} ms`],
    ['redis.toConnectRedis', 'HTTP on Redis (req/s, median of rounds)', 'session-core/redis x express-session + connect-redis, Express 5', 'x', '>=', 1.3,
      (p) => p.redis.ratio,
      (p) => `${f0(p.redis.configs['session-core/redis'].reqPerSec)} vs ${f0(p.redis.configs['connect-redis'].reqPerSec)} req/s`]
  )
  return rows
}

function evaluate (parts) {
  return all().map(([id, group, label, unit, op, target, get, beside]) => {
    let value = null
    let detail = ''
    try { value = get(parts) } catch (e) { value = null }
    try { detail = beside(parts) } catch (e) { detail = '' }
    value = Number.isFinite(value) ? Number(value.toFixed(3)) : null
    const met = value === null ? null : op === '>=' ? value >= target : value <= target
    return { id, group, label, unit, op, target, value, met, detail: value === null ? '' : detail }
  })
}

module.exports = { evaluate, FLOOR }
