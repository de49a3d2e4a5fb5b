'use strict'
// docs/performance.md's chart: HTTP throughput of each middleware as a ratio to bare Express, Express 4 and
// 5 side by side, with the targets of bench/targets.js marked — an SVG drawn from a results file of bench/run.js.
// Run: node bench/chart.js [bench/results/latest.json] [bench/chart.svg]
const fs = require('node:fs')
const path = require('node:path')

const ROWS = [
  ['express-session', 'express-session', null],
  ['session-core/express', 'session-core/express', 0.8],
  ['express-session, no cookie', 'express-session, no cookie', null],
  ['session-core/express, no cookie', 'session-core/express, no cookie', 0.7],
  ['cookie-session', 'cookie-session (signed)', null],
  ['session-core/cookie-session', 'session-core/cookie-session (signed)', 0.75],
  ['iron-session', 'iron-session 8', null],
  ['session-core/cookie-session encrypted', 'session-core/cookie-session encrypt', 0.7]
]
const SERIES = [['4', '#4e79a7'], ['5', '#f28e2b']]

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

function chart (results) {
  const http = results.parts.http
  const left = 300
  const plot = 460
  const barH = 11
  const rowH = 2 * barH + 12
  const top = 74
  const height = top + ROWS.length * rowH + 52
  const width = left + plot + 90
  const values = ROWS.flatMap(([key]) => SERIES.map(([v]) => http.express[v] ? http.express[v].configs[key].toBare : 0))
  const max = Math.max(1.1, Math.ceil(Math.max(...values) * 10 + 0.5) / 10)
  const x = (r) => left + (r / max) * plot
  const m = results.machine
  const out = []
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif" font-size="12">`)
  out.push(`<rect width="${width}" height="${height}" fill="#fff"/>`)
  out.push('<text x="12" y="20" font-size="14" font-weight="bold">Throughput with a session middleware, as a ratio to bare Express (1.0 = bare)</text>')
  out.push(`<text x="12" y="38" fill="#555">${esc(`make bench, ${results.date.slice(0, 10)} (${results.git || 'unknown commit'}): ${m.cpus} × ${m.cpuModel}, Node ${m.node}, load average ${m.loadavgStart[0].toFixed(1)}`)}</text>`)
  out.push(`<text x="12" y="54" fill="#555">${esc(`autocannon, ${http.connections} connections, loopback, client on the same CPUs; session read and changed per request; median of ${http.rounds} rounds of ${http.seconds} s`)}</text>`)
  // grid
  for (let r = 0; r <= max + 1e-9; r += 0.2) {
    const gx = x(r).toFixed(1)
    out.push(`<line x1="${gx}" y1="${top - 6}" x2="${gx}" y2="${top + ROWS.length * rowH}" stroke="${Math.abs(r - 1) < 1e-9 ? '#333' : '#e3e3e3'}" stroke-width="${Math.abs(r - 1) < 1e-9 ? 1.5 : 1}"/>`)
    out.push(`<text x="${gx}" y="${top + ROWS.length * rowH + 16}" text-anchor="middle" fill="#555">${r.toFixed(1)}×</text>`)
  }
  out.push(`<text x="${(x(1) + 6).toFixed(1)}" y="${top + 10}" fill="#333">bare</text><text x="${(x(1) + 6).toFixed(1)}" y="${top + 24}" fill="#333">Express</text>`)
  ROWS.forEach(([key, label, target], i) => {
    const y0 = top + i * rowH
    out.push(`<text x="${left - 8}" y="${y0 + barH + 5}" text-anchor="end" font-weight="${key.startsWith('session-core') ? 'bold' : 'normal'}">${esc(label)}</text>`)
    SERIES.forEach(([v, color], j) => {
      const c = http.express[v] && http.express[v].configs[key]
      if (!c) return
      const y = y0 + j * barH
      out.push(`<rect x="${left}" y="${y}" width="${(x(c.toBare) - left).toFixed(1)}" height="${barH - 2}" fill="${color}"><title>Express ${v}: ${c.toBare}× bare (${c.reqPerSec} req/s)</title></rect>`)
      out.push(`<text x="${(x(c.toBare) + 4).toFixed(1)}" y="${y + barH - 3}" font-size="10" fill="#333">${c.toBare.toFixed(2)}</text>`)
    })
    if (target) {
      const tx = x(target).toFixed(1)
      out.push(`<line x1="${tx}" y1="${y0 - 2}" x2="${tx}" y2="${y0 + 2 * barH}" stroke="#d62728" stroke-width="2" stroke-dasharray="3,2"><title>target ≥ ${target}× bare</title></line>`)
    }
  })
  const ly = height - 16
  SERIES.forEach(([v, color], j) => {
    const lx = left + j * 110
    out.push(`<rect x="${lx}" y="${ly - 9}" width="12" height="10" fill="${color}"/><text x="${lx + 16}" y="${ly}">Express ${v}</text>`)
  })
  out.push(`<line x1="${left + 230}" y1="${ly - 9}" x2="${left + 230}" y2="${ly + 1}" stroke="#d62728" stroke-width="2" stroke-dasharray="3,2"/><text x="${left + 236}" y="${ly}">target</text>`)
  out.push('</svg>')
  return out.join('\n') + '\n'
}

if (require.main === module) {
  const input = process.argv[2] || path.join(__dirname, 'results', 'latest.json')
  const output = process.argv[3] || path.join(__dirname, 'chart.svg')
  fs.writeFileSync(output, chart(JSON.parse(fs.readFileSync(input, 'utf8'))))
  console.log(`wrote ${path.relative(process.cwd(), output)}`)
}

module.exports = { chart }
