'use strict'
// make bench: every figure in one run, each beside the JS original it replaces and its
// target (met / missed), through the public APIs only (the package built in pkg/, and the crate's
// public items), so it keeps working while the internals change. Each part runs in a process of its
// own, one after the other (a part can be run alone: node bench/<part>.js):
//   package     bench/package.js     .wasm sizes (raw, gzip -9), require() time in a fresh process
//   native      bench/native.rs      cargo run --release --example native: HMAC floor, sign, decisions
//   micro       bench/micro.js       sign, unsign, parseCookie, serializeCookie, generateSessionId
//   middleware  bench/middleware.js  the middlewares without HTTP; iron-session seal+unseal
//   memory      bench/memory.js      RSS after 20,000 .. 200,000 new sessions
//   http        bench/http.js        autocannon, Express 4 and 5, every middleware and the hand-written floors, interleaved
//   hono        bench/hono.js        autocannon, Hono on Node: session-core/hono vs hono-sessions, iron-session and the floors
//   redis       bench/redis.js       autocannon, session-core/redis vs connect-redis on one redis-server
//   hostile     bench/hostile.js     worst time per request against Cookie header size (1 KB .. 1 MB)
// Environment: BENCH_QUICK=1 a one-round smoke run (its figures mean nothing; the chart is left
// alone); BENCH_PARTS=micro,native to run some parts only; the parts' own variables (BENCH_SECONDS,
// BENCH_ROUNDS, BENCH_EXPRESS, BENCH_CPU_PROF, BENCH_MEMORY_PEER, BENCH_FLOOR_CACHE_HEADERS) pass through.
//
// Writes bench/results/latest.json (git-ignored), and, after a full run, bench/chart.svg (committed)
// and bench/results/latest.md (the tables of docs/performance.md); `node bench/run.js --render` draws those two
// again from latest.json without running anything. The JSON, schema 1:
//   {
//     "schema": 1,
//     "date": ISO time the run started, "seconds": its length, "quick": bool,
//     "git": "<short commit>[-dirty]",
//     "machine": { "cpus", "cpuModel", "memGB", "platform", "node", "rustc", "loadavgStart", "loadavgEnd" },
//     "versions": { "<package>": "<version>" }   // session-core and every peer measured
//     "parts": {                                  // each part's own JSON; null when it failed
//       "package":    { wasm: [{ file, bytes, gzipBytes, loadedByExpress, sections: { "<section>": bytes } }],
//                       expressWasm, expressWasmGzipBytes,
//                       requireRuns, require: { "<entry>": { medianMs, runsMs } } },
//       "native":     { rounds, ns: { hmac, sign, express_cookie, express_new, client_signed, client_encrypted } },
//       "micro":      { rounds, "<function>": { ns, peer, peerNs, speedup } },
//       "middleware": { rounds, ironSession, us: { "<variant>": µs per request }, expressTimeRatio,
//                       expressNewTimeRatio, cookieSessionTimeRatio, sealSpeedup },
//       "memory":     { checkpoints, "session-core/express": { points: [{ requests, rssMB, heapUsedMB }], rssRatio, seconds } },
//       "http":       { seconds, rounds, connections, floorCacheHeaders, versions, express: { "4"|"5": {
//                         configs: { "<configuration>": { reqPerSec, toBare, cpuUsPerRequest, cpuOverBareUs, p99ms, rounds } },
//                         ratios: { expressToBare, expressToPeer, expressToFloor, ... },   // from req/s
//                         cpuRatios: { the same keys, from the server's CPU µs per request },
//                         floors: { express|expressMaxAge|cookie: FLOOR } } } },
//       "hono":       { seconds, rounds, connections, floorCacheHeaders, versions,
//                       configs: { "<configuration>": { reqPerSec, toBare, cpuUsPerRequest, cpuOverBareUs, rounds } },
//                       ratios, toFasterPeer: { signed, encrypted }, cpuRatios, floors: { server|client: FLOOR } }
//       where FLOOR = { config, floor, ratio, rounds: [per-round ratio], cpuOverBareUs, floorCpuOverBareUs,
//                       cpuOverFloorUs }   // session-core beside the hand-written floor (bench/floor-*.js)
//     },
//     "errors": { "<part>": "message" },
//     "targets": [ { id, group, label, unit, op: ">=" | "<=", target, value, met, detail } ]   // bench/targets.js
//   }
// Ratios "x bare" and "x peer" are medians over rounds of the same round's ratio; times are medians.
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { spawnSync, execFileSync } = require('node:child_process')
const { ROOT, QUICK, versionOf, dirOf } = require('./lib')
const { evaluate } = require('./targets')
const { chart } = require('./chart')
const { describeCacheHeaders } = require('./floor-parts')

const RESULTS = path.join(__dirname, 'results')
const PARTS = ['package', 'native', 'micro', 'middleware', 'memory', 'http', 'hono', 'redis', 'hostile']
const chosen = process.env.BENCH_PARTS ? process.env.BENCH_PARTS.split(',').map((s) => s.trim()) : PARTS
for (const p of chosen) if (!PARTS.includes(p)) throw new Error(`BENCH_PARTS: no part ${p} (${PARTS.join(', ')})`)

const text = (cmd, args) => {
  try { return execFileSync(cmd, args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() } catch (e) { return null }
}

function runPart (name) {
  const file = path.join(RESULTS, `${name}.json`)
  fs.rmSync(file, { force: true })
  const env = { ...process.env, BENCH_JSON_OUT: file }
  const [cmd, args] = name === 'native'
    ? ['cargo', ['run', '--quiet', '--release', '--example', 'native']]
    : [process.execPath, [path.join(__dirname, `${name}.js`)]]
  console.log(`\n== ${name} ==`)
  const t = Date.now()
  const r = spawnSync(cmd, args, { cwd: ROOT, env, stdio: ['ignore', 'inherit', 'inherit'] })
  const secs = ((Date.now() - t) / 1000).toFixed(0)
  if (r.status !== 0 || !fs.existsSync(file)) {
    const why = r.error ? r.error.message : `exited with ${r.status}${r.signal ? ' (' + r.signal + ')' : ''}`
    console.log(`(${name} failed: ${why})`)
    return { error: why }
  }
  console.log(`(${name}: ${secs} s)`)
  return { result: JSON.parse(fs.readFileSync(file, 'utf8')) }
}

function versions () {
  const v = { 'session-core': JSON.parse(fs.readFileSync(path.join(ROOT, 'pkg', 'package.json'), 'utf8')).version }
  for (const name of ['express4', 'express5', 'express-session', 'cookie-session', 'iron-session', 'cookie', 'autocannon']) v[name] = versionOf(name)
  const es = dirOf('express-session')
  v['cookie-signature (express-session\'s)'] = versionOf('cookie-signature', es)
  v['uid-safe (express-session\'s)'] = versionOf('uid-safe', es)
  return v
}

const unit = (t) => (t.unit === 'x' ? 'x' : ' ' + t.unit)
const fmt = (t) => (t.value === null ? 'not measured' : `${t.value.toFixed(t.value >= 100 ? 0 : 2)}${unit(t)}`)
const verdict = (t) => (t.met === null ? '-' : t.met ? 'met' : 'MISSED')

function summary (results) {
  const rows = results.targets
  const w = Math.max(...rows.map((t) => t.label.length))
  const d = Math.max(...rows.map((t) => t.detail.length))
  console.log(`\n== summary (${results.quick ? 'QUICK smoke run: the figures mean nothing' : 'medians'}) ==`)
  let group = ''
  for (const t of rows) {
    if (t.group !== group) console.log(`${(group = t.group)}`)
    const goal = `${t.op} ${t.target}${unit(t)}`
    console.log(`  ${t.label.padEnd(w)}  ${fmt(t).padStart(12)}  ${t.detail.padEnd(d)}  target ${goal.padEnd(9)} ${verdict(t)}`)
  }
  const measured = rows.filter((t) => t.met !== null)
  console.log(`targets met: ${measured.filter((t) => t.met).length} of ${measured.length} measured (${rows.length} in all)`)
  const m = results.machine
  if (m.loadavgStart[0] > m.cpus || m.loadavgEnd[0] > m.cpus) {
    console.log(`note: the machine was busy (load average ${m.loadavgStart[0].toFixed(1)} at the start, ${m.loadavgEnd[0].toFixed(1)} at the end, ` +
      `${m.cpus} CPUs): ratios from interleaved rounds hold up better than absolute figures, but expect noise`)
  }
}

const RATIO_LABELS = [
  ['expressToBare', 'session-core/express / bare'],
  ['expressToPeer', 'session-core/express / express-session'],
  ['expressNewToBare', 'session-core/express, no cookie / bare'],
  ['expressNewToPeer', 'session-core/express, no cookie / express-session, no cookie'],
  ['cookieToBare', 'session-core/cookie-session / bare'],
  ['cookieToPeer', 'session-core/cookie-session / cookie-session'],
  ['expressNoMaxAgeToPeer', 'session-core/express, no maxAge / express-session, no maxAge'],
  ['expressToFloor', 'session-core/express, no maxAge / its floor'],
  ['expressMaxAgeToFloor', 'session-core/express (maxAge) / its floor'],
  ['cookieToFloor', 'session-core/cookie-session / its floor'],
  ['encryptedToBare', 'session-core/cookie-session encrypted / bare'],
  ['encryptedToIron', 'session-core/cookie-session encrypted / iron-session']
]

/** docs/performance.md's tables, in Markdown, from the results. */
function markdown (r) {
  const m = r.machine
  const lines = []
  lines.push(`Measured ${r.date.slice(0, 10)} by \`make bench\` (${r.git || 'unknown commit'}, ${r.seconds} s): ${m.cpus} × ${m.cpuModel}, ${m.memGB} GB, ` +
    `${m.platform}, Node ${m.node}, ${m.rustc}; load average ${m.loadavgStart[0].toFixed(1)} at the start, ${m.loadavgEnd[0].toFixed(1)} at the end.`)
  lines.push('Versions: ' + Object.entries(r.versions).map(([k, v]) => `${k} ${v}`).join(', ') + '.')
  const http = r.parts.http
  if (http) {
    lines.push('', `HTTP (autocannon, ${http.connections} connections on loopback, the client on the same 2 cores; median of ${http.rounds} interleaved rounds of ${http.seconds} s):`, '')
    const vs = Object.keys(http.express)
    lines.push('| configuration | ' + vs.map((v) => `Express ${v} req/s | × bare | server CPU µs/req | over bare`).join(' | ') + ' |')
    lines.push('|---|' + vs.map(() => '---:|---:|---:|---:').join('|') + '|')
    for (const name of Object.keys(http.express[vs[0]].configs)) {
      lines.push(`| ${name} | ` + vs.map((v) => {
        const c = http.express[v].configs[name]
        return `${c.reqPerSec} | ${name === 'bare' ? '1' : c.toBare.toFixed(2)} | ${c.cpuUsPerRequest.toFixed(0)} | ${name === 'bare' ? '' : signed(c.cpuOverBareUs)}`
      }).join(' | ') + ' |')
    }
    if (http.express[vs[0]].floors) {
      lines.push('', `Beside the floors (hand-written plain-JS middlewares with the peer's semantics, bench/floor-*.js; ${describeCacheHeaders(http.floorCacheHeaders)}): ` +
        'throughput as the median of the per-round ratios (every round\'s in brackets), server CPU per request over bare Express\'s:', '')
      lines.push(...floorTable(vs.map((v) => [`Express ${v}`, http.express[v].floors])))
    }
    lines.push('', 'The ratios from throughput, and (a cross-check a busy machine shakes less) from the server\'s CPU time per request:', '')
    lines.push('| ratio | ' + vs.map((v) => `Express ${v}, req/s | Express ${v}, CPU`).join(' | ') + ' |')
    lines.push('|---|' + vs.map(() => '---:|---:').join('|') + '|')
    for (const [key, label] of RATIO_LABELS) {
      lines.push(`| ${label} | ` + vs.map((v) => `${http.express[v].ratios[key].toFixed(2)}× | ${http.express[v].cpuRatios[key].toFixed(2)}×`).join(' | ') + ' |')
    }
  }
  const hono = r.parts.hono
  if (hono && hono.floors) {
    lines.push('', `Hono on Node (bench/hono.js, median of ${hono.rounds} interleaved rounds of ${hono.seconds} s):`, '')
    lines.push('| configuration | req/s | × bare | server CPU µs/req | over bare |', '|---|---:|---:|---:|---:|')
    for (const [name, c] of Object.entries(hono.configs)) {
      lines.push(`| ${name} | ${c.reqPerSec} | ${name === 'bare' ? '1' : c.toBare.toFixed(2)} | ${c.cpuUsPerRequest.toFixed(0)} | ${name === 'bare' ? '' : signed(c.cpuOverBareUs)} |`)
    }
    lines.push('', `Beside the Hono floors (${describeCacheHeaders(hono.floorCacheHeaders)}):`, '')
    lines.push(...floorTable([['Hono', hono.floors]]))
  }
  const hostile = r.parts.hostile
  if (hostile) {
    const big = hostile.sizesKB[hostile.sizesKB.length - 1]
    lines.push('', `Hostile Cookie headers (bench/hostile.js, no HTTP, worst of ${hostile.reps} requests, µs at ${hostile.sizesKB.join(', ')} KB):`, '')
    lines.push('| middleware | shape | ' + hostile.sizesKB.map((kb) => `${kb} KB`).join(' | ') + ` | µs/KB growth, 16 → ${big} KB |`)
    lines.push('|---|---|' + hostile.sizesKB.map(() => '---:').join('|') + '|---:|')
    for (const [name, shapes] of Object.entries(hostile.middlewares)) {
      for (const [shape, s] of Object.entries(shapes)) lines.push(`| ${name} | ${shape} | ` + s.points.map((p) => p.worstUs).join(' | ') + ` | ${s.perKbGrowth}× |`)
    }
  }
  lines.push('', '| target | measured | beside | goal | |', '|---|---:|---|---:|---|')
  for (const t of r.targets) {
    lines.push(`| ${t.group.replace(/ \(.*\)$/, '')}: ${t.label} | ${fmt(t)} | ${t.detail} | ${t.op} ${t.target}${unit(t)} | ${t.met === null ? '' : t.met ? 'met' : '**missed**'} |`)
  }
  return lines.join('\n') + '\n'
}

const signed = (x) => `${x >= 0 ? '+' : ''}${x.toFixed(1)}`

/** A Markdown table of floor comparisons: `columns` is [[heading, { key: FLOOR }]], one row a key. */
function floorTable (columns) {
  const out = ['| session-core / its floor | ' + columns.map(([h]) => `${h}: × floor | CPU over bare, µs: session-core, floor`).join(' | ') + ' |']
  out.push('|---|' + columns.map(() => '---:|---:').join('|') + '|')
  for (const key of Object.keys(columns[0][1])) {
    const f = columns[0][1][key]
    out.push(`| ${f.config} / ${f.floor} | ` + columns.map(([, floors]) => {
      const g = floors[key]
      return `${g.ratio.toFixed(2)}× (${g.rounds.map((x) => x.toFixed(2)).join(', ')}) | ${signed(g.cpuOverBareUs)}, ${signed(g.floorCpuOverBareUs)}`
    }).join(' | ') + ' |')
  }
  return out
}

/** `node bench/run.js --render`: the chart and the Markdown again from latest.json, nothing run. */
function render () {
  const results = JSON.parse(fs.readFileSync(path.join(RESULTS, 'latest.json'), 'utf8'))
  results.targets = evaluate(results.parts)
  fs.writeFileSync(path.join(__dirname, 'chart.svg'), chart(results))
  fs.writeFileSync(path.join(RESULTS, 'latest.md'), markdown(results))
  summary(results)
  console.log('\nwrote bench/chart.svg and bench/results/latest.md from bench/results/latest.json')
}

function main () {
  if (process.argv[2] === '--render') return render()
  fs.mkdirSync(RESULTS, { recursive: true })
  const start = Date.now()
  const results = {
    schema: 1,
    date: new Date(start).toISOString(),
    seconds: 0,
    quick: QUICK,
    git: (() => {
      const c = text('git', ['rev-parse', '--short', 'HEAD'])
      return c && c + (text('git', ['status', '--porcelain', '--untracked-files=no']) ? '-dirty' : '')
    })(),
    machine: {
      cpus: os.cpus().length,
      cpuModel: (os.cpus()[0] || {}).model || 'unknown',
      memGB: Math.round(os.totalmem() / 1e9),
      platform: `${os.type()} ${os.release()} ${os.arch()}`,
      node: process.versions.node,
      rustc: text('rustc', ['--version']),
      loadavgStart: os.loadavg(),
      loadavgEnd: null
    },
    versions: versions(),
    parts: {},
    errors: {},
    targets: []
  }
  console.log(`make bench${QUICK ? ' (QUICK: a smoke run)' : ''}: ${chosen.join(', ')}; ${results.machine.cpus} × ${results.machine.cpuModel}, ` +
    `Node ${results.machine.node}, load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`)
  for (const name of PARTS) {
    if (!chosen.includes(name)) continue
    const r = runPart(name)
    results.parts[name] = r.result || null
    if (r.error) results.errors[name] = r.error
  }
  results.machine.loadavgEnd = os.loadavg()
  results.seconds = Math.round((Date.now() - start) / 1000)
  results.targets = evaluate(results.parts)
  fs.writeFileSync(path.join(RESULTS, 'latest.json'), JSON.stringify(results, null, 2) + '\n')
  summary(results)
  const full = !QUICK && PARTS.every((p) => results.parts[p])
  if (full) {
    fs.writeFileSync(path.join(__dirname, 'chart.svg'), chart(results))
    fs.writeFileSync(path.join(RESULTS, 'latest.md'), markdown(results))
  }
  console.log(`\nwrote bench/results/latest.json${full ? ', bench/results/latest.md and bench/chart.svg' : ' (the chart is drawn only after a full, non-quick run)'}; ${results.seconds} s in all`)
  if (Object.keys(results.errors).length) {
    console.log('failed parts: ' + Object.entries(results.errors).map(([k, v]) => `${k} (${v})`).join(', '))
    process.exitCode = 1
  }
}

main()
