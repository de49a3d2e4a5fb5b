'use strict'
// Writes the fuzz targets' seed corpus (fuzz/corpus/<target>/), from the shared vectors
// (tests/vectors) and the real-world headers of shared/data/real-cookies (from the `cookie` npm
// package's repository, MIT: anonymised shapes of popular sites' cookies). Seeds are named by the
// SHA-1 of their bytes, so re-running adds nothing twice. Run: node scripts/fuzz-seeds.js [real-cookies dir]
const fs = require('node:fs')
const path = require('node:path')
const crypto = require('node:crypto')

const root = path.join(__dirname, '..')
const vectors = (name) => require(path.join(root, 'tests', 'vectors', name + '.json')).cases
const real = process.argv[2] || path.join(root, '..', 'shared', 'data', 'real-cookies')

const seeds = {
  cookie_header: [],
  set_cookie: [],
  unsign: [],
  record: [],
  decision: [],
  client_load: [],
  seal_open: [],
  inspect: [],
  delta: [],
  csrf: []
}
for (const c of vectors('parse')) seeds.cookie_header.push(c.header)
for (const c of vectors('unsign')) seeds.unsign.push(c.input)
for (const c of vectors('sign')) seeds.unsign.push(c.expected)
for (const c of vectors('ended')) seeds.record.push(JSON.stringify(c.record))
for (const c of vectors('decide')) {
  for (const k of ['original', 'saved', 'session']) if (c.input[k]) seeds.record.push(JSON.stringify(c.input[k]))
  seeds.decision.push(JSON.stringify(c.input))
}
for (const c of vectors('client')) if (c.input && c.input.header) seeds.client_load.push(c.input.header)
for (const c of vectors('seal')) if (c.expected && typeof c.expected === 'string') seeds.seal_open.push(c.expected)
for (const c of vectors('seal')) if (c.value) seeds.seal_open.push(c.value)
for (const c of vectors('inspect')) seeds.inspect.push(c.header)
for (const c of vectors('delta')) seeds.delta.push(JSON.stringify(c))
for (const c of vectors('csrf')) if (c.token) seeds.csrf.push(c.token)
for (const c of vectors('audit')) seeds.set_cookie.push(c.header)
if (fs.existsSync(real)) {
  for (const h of Object.values(require(path.join(real, 'top-cookie.json')))) {
    seeds.cookie_header.push(h)
    seeds.inspect.push(h)
  }
  for (const list of Object.values(require(path.join(real, 'top-set-cookie.json')))) seeds.set_cookie.push(list.join('\n'))
}

let written = 0
for (const [target, list] of Object.entries(seeds)) {
  const dir = path.join(root, 'fuzz', 'corpus', target)
  fs.mkdirSync(dir, { recursive: true })
  for (const s of list) {
    const bytes = Buffer.from(s, 'utf8')
    const file = path.join(dir, crypto.createHash('sha1').update(bytes).digest('hex').slice(0, 16))
    if (!fs.existsSync(file)) {
      fs.writeFileSync(file, bytes)
      written++
    }
  }
  console.log(`${target}: ${fs.readdirSync(dir).length} seeds`)
}
console.log(`${written} written`)
