'use strict'
// Where a server's time goes: reads the CPU profiles `BENCH_CPU_PROF=1 node bench/http.js` writes
// (node --cpu-prof, one per server) and prints, for each, the share of busy samples spent in
// session-core's JS, its wasm-bindgen glue, the wasm itself, each npm package, Node's internals and
// the garbage collector, then the heaviest functions of session-core (self time).
// Run: node bench/profile.js [a .cpuprofile file or a folder; default bench/results/profiles] [top N]
const fs = require('node:fs')
const path = require('node:path')

function category (frame) {
  const { url, functionName } = frame
  if (!url) {
    if (functionName === '(garbage collector)') return 'GC'
    if (functionName === '(idle)') return 'idle'
    if (functionName === '(program)') return 'V8/native (program)'
    return 'V8/native'
  }
  if (url.startsWith('wasm://')) return 'session-core wasm' // (a server without session-core may show a trace of Node's own)
  if (/\/pkg\/wasm(-web)?\//.test(url)) return 'session-core wasm-bindgen glue'
  if (url.includes('/pkg/')) return 'session-core JS'
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)
  if (m) return m[1]
  if (url.startsWith('node:')) return 'Node internals'
  return 'other: ' + path.basename(url)
}

/** Self time (µs) per profile node, from the samples and their time deltas. */
function selfTimes (profile) {
  const self = new Map()
  const { samples, timeDeltas } = profile
  for (let i = 0; i < samples.length; i++) {
    const dt = timeDeltas[i + 1] !== undefined ? timeDeltas[i + 1] : 0
    self.set(samples[i], (self.get(samples[i]) || 0) + Math.max(0, dt))
  }
  return self
}

function summarize (file, top) {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8'))
  const self = selfTimes(profile)
  const byCat = new Map()
  const byFn = new Map()
  let busy = 0
  for (const node of profile.nodes) {
    const t = self.get(node.id) || 0
    if (!t) continue
    const cat = category(node.callFrame)
    byCat.set(cat, (byCat.get(cat) || 0) + t)
    if (cat === 'idle') continue
    busy += t
    if (cat.startsWith('session-core')) {
      const f = node.callFrame
      const key = `${f.functionName || '(anonymous)'}  ${f.url.startsWith('wasm://') ? 'wasm' : path.relative(path.join(__dirname, '..'), f.url.replace(/^file:\/\//, ''))}:${f.lineNumber + 1}`
      byFn.set(key, (byFn.get(key) || 0) + t)
    }
  }
  console.log(`\n${path.basename(file)}: ${(busy / 1e6).toFixed(2)} s busy`)
  const cats = [...byCat].filter(([c]) => c !== 'idle').sort((a, b) => b[1] - a[1])
  for (const [c, t] of cats) if (t / busy >= 0.005) console.log(`  ${(100 * t / busy).toFixed(1).padStart(5)}%  ${c}`)
  const fns = [...byFn].sort((a, b) => b[1] - a[1]).slice(0, top)
  if (fns.length) console.log('  session-core, heaviest functions (self time):')
  for (const [f, t] of fns) console.log(`  ${(100 * t / busy).toFixed(1).padStart(5)}%    ${f}`)
}

function main () {
  const target = process.argv[2] || path.join(__dirname, 'results', 'profiles')
  const top = Number(process.argv[3] || 10)
  const files = fs.statSync(target).isDirectory()
    ? fs.readdirSync(target).filter((f) => f.endsWith('.cpuprofile')).sort().map((f) => path.join(target, f))
    : [target]
  if (!files.length) throw new Error(`no .cpuprofile in ${target}: run BENCH_CPU_PROF=1 node bench/http.js first`)
  for (const f of files) summarize(f, top)
}

main()
