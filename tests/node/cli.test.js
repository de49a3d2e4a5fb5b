'use strict'
// The native CLI (`session-core`, src/bin/): its commands, and its JSON against the wasm build's,
// byte for byte, on every inspect/audit vector and on 10,000 random inputs.
const test = require('node:test')
const assert = require('node:assert')
const fs = require('node:fs')
const path = require('node:path')
const { execFileSync, spawnSync } = require('node:child_process')
const { dir } = require('./pkg')

const root = path.join(__dirname, '..', '..')
const CLI = process.env.SESSION_CORE_CLI || path.join(root, 'target', 'debug', 'session-core')
const wasm = require(path.join(dir, 'wasm', 'session_core.js'))
const N = Number(process.env.CLI_DIFF_CASES || 10000)

const cli = (args, input) => spawnSync(CLI, args, { input, encoding: 'utf8', maxBuffer: 1 << 28 })
const batch = (command, items) => {
  const r = cli([command, '--batch'], items.map((i) => JSON.stringify(i)).join('\n') + '\n')
  assert.strictEqual(r.status, 0, r.stderr)
  return r.stdout.split('\n').slice(0, -1)
}

test('the CLI is built', () => assert.ok(fs.existsSync(CLI), `${CLI} (make test builds it)`))

for (const file of ['inspect', 'audit']) {
  test(`CLI ${file} --batch prints every ${file} vector's report byte for byte`, () => {
    const { cases } = JSON.parse(fs.readFileSync(path.join(root, 'tests', 'vectors', file + '.json'), 'utf8'))
    const lines = batch(file, cases.map((c) => ({ header: c.header, options: c.options })))
    assert.deepStrictEqual(lines, cases.map((c) => c.expected))
  })
}

test(`CLI and wasm give the same JSON on ${N} random inputs`, () => {
  let seed = 97
  const rnd = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648 }
  const pieces = ['connect.sid=', 'session=', 'session.sig=', 's%3A', 's:', 'j:', 'sc1.', '{"a":1}', 'eyJhIjoxfQ==', '.RT5Cal5xFtX9GjJLGoiK%2BGzZ%2BcCRnZ5ZbIS8ml7E5Xo',
    '; ', ';', '=', ' ', '"', '%zz', '%41', 'é', '😀', 'Path=/', 'Secure', 'HttpOnly', 'SameSite=None', 'Domain=example.com', 'Expires=Thu, 01 Jan 2026 00:00:00 GMT',
    'Max-Age=-1', '__Host-', '__Secure-', '\n', 'x', 'Partitioned', '.', 'A', '0']
  const optionSets = [{ now: 0 }, { now: 1767225600000, secrets: ['keyboard cat'], keys: ['k'] }, { as: 'set-cookie', now: 5 }, { names: { 'connect.sid': 'express-session' }, secrets: ['a', 'b'], now: -1 }]
  const items = []
  for (let i = 0; i < N; i++) {
    let header = ''
    const n = Math.floor(rnd() * 12)
    for (let j = 0; j < n; j++) header += pieces[Math.floor(rnd() * pieces.length)]
    items.push({ header, options: optionSets[i % optionSets.length], url: rnd() < 0.5 ? 'https://www.example.com/' : 'http://localhost/' })
  }
  const inspectLines = batch('inspect', items)
  const auditLines = batch('audit', items.map((i) => ({ header: i.header, options: { url: i.url, now: i.options.now } })))
  for (let i = 0; i < N; i++) {
    assert.strictEqual(inspectLines[i], wasm.inspectJson(items[i].header, JSON.stringify(items[i].options)), JSON.stringify(items[i]))
    assert.strictEqual(auditLines[i], wasm.auditJson(items[i].header, JSON.stringify({ url: items[i].url, now: items[i].options.now })), JSON.stringify(items[i]))
  }
})

test('CLI commands: sign, unsign, id, inspect and audit as text', () => {
  assert.strictEqual(execFileSync(CLI, ['sign', 'hello', '--secret', 'tobiiscool'], { encoding: 'utf8' }), 'hello.DGDUkGlIkCzPz+C0B064FNgHdEjox7ch8tOBGslZ5QI\n')
  assert.strictEqual(execFileSync(CLI, ['unsign', 'hello.DGDUkGlIkCzPz+C0B064FNgHdEjox7ch8tOBGslZ5QI', '--secret', 'x', '--secret', 'tobiiscool', '--json'], { encoding: 'utf8' }), '{"value":"hello","secretIndex":1}\n')
  const bad = cli(['unsign', 'hello.AAAA', '--secret', 'tobiiscool'])
  assert.strictEqual(bad.status, 1)
  assert.match(bad.stderr, /does not verify/)
  assert.match(execFileSync(CLI, ['id'], { encoding: 'utf8' }), /^[A-Za-z0-9_-]{32}\n$/)
  const text = cli(['inspect', '--secret', 'keyboard cat', '--now', '0', '-'], 'connect.sid=s%3AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.RT5Cal5xFtX9GjJLGoiK%2BGzZ%2BcCRnZ5ZbIS8ml7E5Xo')
  assert.strictEqual(text.status, 0)
  assert.match(text.stdout, /connect\.sid {2}express-session \| cookie-parser-signed\n {2}id: A{32}\n {2}verdict: valid \(key #0\)/)
  const tampered = cli(['inspect', '--secret', 'other', '--now', '0', 'connect.sid=s%3Aabc.RT5Cal5xFtX9GjJLGoiK%2BGzZ%2BcCRnZ5ZbIS8ml7E5Xo'])
  assert.strictEqual(tampered.status, 1)
  const audit = cli(['audit', '--url', 'http://example.com/', '--now', '0', 'sid=1; SameSite=None; Secure'])
  assert.match(audit.stdout, /error SECURE_OVER_HTTP/)
  const usage = cli(['nope'])
  assert.strictEqual(usage.status, 2)
  assert.match(usage.stderr, /usage:/)
})
