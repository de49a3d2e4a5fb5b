'use strict'
// The package's weight: every .wasm in pkg/ (raw and `gzip -9` bytes, bytes per section, and which
// one `session-core/express` loads), and the time `require()` takes in a fresh process, median of 11,
// session-core's entry points beside the JS originals. Run: node bench/package.js
const fs = require('node:fs')
const path = require('node:path')
const zlib = require('node:zlib')
const { execFileSync } = require('node:child_process')
const { PKG, ROOT, QUICK, median, round, report } = require('./lib')

const RUNS = QUICK ? 3 : 11

function wasmFiles (dir) {
  const out = []
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name)
    if (e.isDirectory()) out.push(...wasmFiles(p))
    else if (e.name.endsWith('.wasm')) out.push(p)
  }
  return out.sort()
}

/** `gzip -9` size; zlib's level 9 when there is no gzip on the PATH (a few header bytes apart). */
function gzipSize (file) {
  try {
    return execFileSync('gzip', ['-9', '-c', file], { maxBuffer: 64 << 20 }).length
  } catch (e) {
    return zlib.gzipSync(fs.readFileSync(file), { level: 9 }).length
  }
}

const SECTIONS = ['custom', 'type', 'import', 'function', 'table', 'memory', 'global', 'export', 'start', 'element', 'code', 'data', 'datacount']

/** Bytes per section of a .wasm (custom sections by name): where the size is, for trimming it. */
function sections (file) {
  const b = fs.readFileSync(file)
  const out = {}
  let i = 8
  const leb = () => {
    let r = 0
    let shift = 0
    let x
    do { x = b[i++]; r += (x & 127) * 2 ** shift; shift += 7 } while (x & 128)
    return r
  }
  while (i < b.length) {
    const id = b[i++]
    const len = leb()
    const start = i
    let name = SECTIONS[id] || `section ${id}`
    if (id === 0) {
      const n = leb()
      name = 'custom:' + b.subarray(i, i + n).toString('utf8')
    }
    out[name] = (out[name] || 0) + len
    i = start + len
  }
  return out
}

/** In a fresh process: which .wasm files requiring `spec` reads, and how long the require takes. */
function probe (spec) {
  const code = `
    const fs = require('node:fs'); const seen = new Set()
    for (const m of ['readFileSync', 'readFile', 'openSync', 'open']) {
      const orig = fs[m]
      fs[m] = function (p) { if (String(p).endsWith('.wasm')) seen.add(require('node:path').resolve(String(p))); return orig.apply(this, arguments) }
    }
    const orig = fs.promises.readFile
    fs.promises.readFile = function (p) { if (String(p).endsWith('.wasm')) seen.add(require('node:path').resolve(String(p))); return orig.apply(this, arguments) }
    const t = process.hrtime.bigint()
    require(${JSON.stringify(spec)})
    const ms = Number(process.hrtime.bigint() - t) / 1e6
    process.stdout.write(JSON.stringify({ ms, wasm: [...seen] }))`
  return JSON.parse(execFileSync(process.execPath, ['-e', code], { cwd: ROOT, encoding: 'utf8' }))
}

/** The time `require(spec)` takes in a fresh process (node startup excluded), median of RUNS. */
function requireTime (spec) {
  probe(spec) // warm the file cache
  const times = []
  for (let i = 0; i < RUNS; i++) {
    const code = `const t = process.hrtime.bigint(); require(${JSON.stringify(spec)}); process.stdout.write(String(Number(process.hrtime.bigint() - t) / 1e6))`
    times.push(Number(execFileSync(process.execPath, ['-e', code], { cwd: ROOT, encoding: 'utf8' })))
  }
  return { medianMs: round(median(times), 2), runsMs: times.map((t) => round(t, 2)) }
}

function main () {
  const express = probe(path.join(PKG, 'express'))
  const loads = new Set(express.wasm)
  const wasm = wasmFiles(PKG).map((file) => ({
    file: path.relative(PKG, file),
    bytes: fs.statSync(file).size,
    gzipBytes: gzipSize(file),
    loadedByExpress: loads.has(file),
    sections: sections(file)
  }))
  const loaded = wasm.filter((w) => w.loadedByExpress)

  const entries = [
    ['session-core/express', path.join(PKG, 'express')],
    ['express-session', 'express-session'],
    ['session-core/cookie-session', path.join(PKG, 'cookie-session')],
    ['cookie-session', 'cookie-session'],
    ['session-core', PKG]
  ]
  const require = {}
  for (const [name, spec] of entries) require[name] = requireTime(spec)

  console.log('package (pkg/): each .wasm, raw and gzip -9 (KB = 1000 bytes)')
  for (const w of wasm) {
    console.log(`  ${w.file.padEnd(34)} ${(w.bytes / 1000).toFixed(1).padStart(7)} KB  ${(w.gzipBytes / 1000).toFixed(1).padStart(7)} KB gzip${w.loadedByExpress ? '   <- loaded by session-core/express' : ''}`)
  }
  for (const w of loaded) {
    const big = Object.entries(w.sections).sort((a, b) => b[1] - a[1]).filter(([, n]) => n >= 1000)
    console.log(`  ${w.file} by section: ` + big.map(([k, n]) => `${k} ${(n / 1000).toFixed(1)} KB`).join(', '))
  }
  console.log(`require() in a fresh process, median of ${RUNS} (node startup excluded):`)
  for (const [name, r] of Object.entries(require)) console.log(`  ${name.padEnd(30)} ${r.medianMs.toFixed(1).padStart(6)} ms`)

  report({
    wasm,
    expressWasm: loaded.map((w) => w.file),
    expressWasmGzipBytes: loaded.reduce((s, w) => s + w.gzipBytes, 0),
    requireRuns: RUNS,
    require
  })
}

main()
