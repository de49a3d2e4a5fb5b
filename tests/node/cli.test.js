'use strict'
// The native CLI (`session-core`, src/bin/): its commands, and its JSON against the wasm build's,
// byte for byte, on every inspect/audit vector and on 10,000 random inputs. The npm package's CLI
// (bin/session-core.js, the same core in wasm) against the native one: stdout, stderr and exit
// status, byte for byte, on the vectors, sign/unsign, secrets from files and variables, help and errors.
const test = require('node:test')
const assert = require('node:assert')
const fs = require('node:fs')
const path = require('node:path')
const os = require('node:os')
const { execFileSync, spawnSync } = require('node:child_process')
const { dir } = require('./pkg')

const root = path.join(__dirname, '..', '..')
const CLI = process.env.SESSION_CORE_CLI || path.join(root, 'target', 'debug', 'session-core')
const wasm = require(path.join(dir, 'native')).tools() // the build with inspect and audit
const N = Number(process.env.CLI_DIFF_CASES || 10000)

const NPM_CLI = path.join(dir, 'bin', 'session-core.js')
const cli = (args, input) => spawnSync(CLI, args, { input, encoding: 'utf8', maxBuffer: 1 << 28 })
const npmCli = (args, input, env) => spawnSync(process.execPath, [NPM_CLI, ...args], { input, env, encoding: 'utf8', maxBuffer: 1 << 28 })
const VERSION = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).version

/** Runs both CLIs; they must print the same bytes and exit alike. Gives the native run. */
function same (args, input, env) {
  const shape = (r) => ({ stdout: r.stdout, stderr: r.stderr, status: r.status })
  const native = spawnSync(CLI, args, { input, env, encoding: 'utf8', maxBuffer: 1 << 28 })
  const npm = npmCli(args, input, env)
  assert.deepStrictEqual(shape(npm), shape(native), `session-core ${args.map((a) => JSON.stringify(a)).join(' ')}`)
  return native
}

/** A vector's options as command-line arguments. */
function argsOf (command, o) {
  const args = [command]
  if (o.as === 'set-cookie') args.push('--set-cookie')
  for (const s of o.secrets || []) args.push('--secret', s)
  for (const k of o.keys || []) args.push('--key', k)
  for (const [n, kind] of Object.entries(o.names || {})) args.push('--name', `${n}=${kind}`)
  if (o.url != null) args.push('--url', o.url)
  if (o.now != null) args.push('--now', String(o.now))
  return args
}
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

test('CLI inspect as text explains the library\'s own cookies: chunked, sealed, compressed, issued', () => {
  const cases = JSON.parse(fs.readFileSync(path.join(root, 'tests', 'vectors', 'inspect.json'), 'utf8')).cases
  const text = (name) => {
    const c = cases.find((v) => v.name === name)
    return same(argsOf('inspect', c.options).concat('-'), c.header)
  }
  const chunked = text('chunked and sealed, right key: opened as one')
  assert.strictEqual(chunked.status, 0)
  assert.match(chunked.stdout, /^session {2}session-core-sealed\n {2}body: \{"user":"carol",/)
  assert.match(chunked.stdout, /\n {2}verdict: valid \(key #0\)\n {2}key id: [A-Za-z0-9_-]{8}\n {2}chunks: session\.0, session\.1\n {2}size: \d+ bytes in 2 cookies, each within 4096\n/)
  assert.match(chunked.stdout, /\nsession\.0 {2}session-core-chunk\n {2}verdict: none\n {2}chunk of: session\n/)
  const lost = text('chunked, the last chunk lost: incomplete chunks')
  assert.strictEqual(lost.status, 1)
  assert.match(lost.stdout, /^session {2}cookie-session\n {2}verdict: invalid: incomplete chunks\n/)
  const framed = text('session-core signed frame, compressed, right key: inflated, its secret field merged in')
  assert.match(framed.stdout, /^session {2}session-core-signed\n {2}body: .*\n {2}verdict: valid \(key #0\)\n {2}issued: 2025-12-31T23:59:59\.000Z \(0h 0m 1s ago\)\n {2}compressed: deflated inside the value\n/)
})

for (const file of ['inspect', 'audit']) {
  test(`npm CLI = native CLI on every ${file} vector: text and --json, header as argument and on stdin, --batch`, () => {
    const { cases } = JSON.parse(fs.readFileSync(path.join(root, 'tests', 'vectors', file + '.json'), 'utf8'))
    for (const c of cases) {
      const args = argsOf(file, c.options)
      same([...args, c.header])
      const json = same([...args, '--json', '-'], c.header)
      assert.strictEqual(json.stdout, c.expected + '\n', c.name)
    }
    const lines = cases.map((c) => JSON.stringify({ header: c.header, options: c.options })).join('\n') + '\n'
    assert.strictEqual(same([file, '--batch'], lines).stdout, cases.map((c) => c.expected + '\n').join(''))
  })
}

test('npm CLI = native CLI: sign, unsign, help, version, and every kind of error', () => {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'session-core-cli-'))
  try {
    const file = (name, text) => { fs.writeFileSync(path.join(scratch, name), text); return path.join(scratch, name) }
    const secrets = file('secrets.txt', 'older\r\n\ntobiiscool\n')
    const empty = file('empty.txt', '\n\n')
    const binary = file('binary.txt', Buffer.from([0x74, 0xff, 0x0a]))
    const env = { ...process.env, SC_SECRET: 'tobiiscool', SC_SECRETS: 'x\ntobiiscool', SC_EMPTY: '' }
    delete env.SC_UNSET
    const signed = 'hello.DGDUkGlIkCzPz+C0B064FNgHdEjox7ch8tOBGslZ5QI'
    const runs = [
      [['sign', 'hello', '--secret', 'tobiiscool'], 0],
      [['sign', 'hello', '--secret=tobiiscool', '--secret', 'second'], 0],
      [['sign', 'hello', '--secret-env', 'SC_SECRET'], 0],
      [['sign', '--', '-v', '--secret', 's'], 2],
      [['sign', 'hello'], 2],
      [['sign', 'hello', 'S3CRET'], 2],
      [['unsign', signed, '--secret-file', secrets], 0],
      [['unsign', signed, '--secret-file', secrets, '--json'], 0],
      [['unsign', signed, '--secret-env', 'SC_SECRETS', '--json'], 0],
      [['unsign', signed, '--secret', 'nope'], 1],
      [['unsign', signed, '--secret', 'nope', '--json'], 0],
      [['unsign', signed, '--secret-file', path.join(scratch, 'missing.txt')], 2],
      [['unsign', signed, '--secret-file', scratch], 2],
      [['unsign', signed, '--secret-file', empty], 2],
      [['unsign', signed, '--secret-file', binary], 2],
      [['unsign', signed, '--secret-env', 'SC_UNSET'], 2],
      [['unsign', signed, '--secret-env', 'SC_EMPTY'], 2],
      [['unsign', signed, '--secret-env', 'A=B'], 2],
      [['inspect', '--key-file', secrets, '--key-env', 'SC_SECRET', '--now', '0', 'session=eyJhIjoxfQ==; session.sig=x'], 1],
      [['--help'], 0], [['-h'], 0], [['help'], 0], [['inspect', '--help'], 0], [['--version'], 0], [['-V'], 0],
      [[], 2], [['nope'], 2], [['inpsect'], 2], [['--secret', 'S3CRET', 'inspect'], 2],
      [['inspect', '--secert=S3CRET'], 2], [['inspect', '--secrets', 'S3CRET'], 2], [['audit', '--secret', 'S3CRET'], 2],
      [['inspect', '--now', 'soon', 'a=b'], 2], [['inspect', '--name', 'x', 'a=b'], 2], [['inspect', 'a=b', 'c=d'], 2],
      [['inspect', '--batch', 'a=b'], 2], [['id', 'x'], 2], [['sign', 'v', '--json=1', '--secret', 's'], 2]
    ]
    for (const [args, status] of runs) {
      const r = same(args, '', env)
      assert.strictEqual(r.status, status, args.join(' ') + ': ' + r.stderr)
      if (args.some((a) => a.includes('S3CRET'))) assert.ok(!r.stderr.includes('S3CRET'), r.stderr)
    }
    assert.strictEqual(same(['sign', 'hello', '--secret-env', 'SC_SECRET'], '', env).stdout, signed + '\n')
    assert.strictEqual(same(['unsign', signed, '--secret-file', secrets, '--json'], '', env).stdout, '{"value":"hello","secretIndex":1}\n')
    assert.match(same(['unsign', signed, '--secret-file', binary], '', env).stderr, /^session-core: --secret-file .*binary\.txt: is not UTF-8 text\n$/)
    // standard input that is not UTF-8, and a batch line that is not JSON
    assert.strictEqual(same(['inspect', '-'], Buffer.from([0xff])).stderr, 'session-core: standard input is not UTF-8 text\n')
    assert.strictEqual(same(['audit', '--batch'], 'nope\n').stdout, '{"version":1,"error":"input line 1: expected a JSON object {\\"header\\":…,\\"options\\":{…}}"}\n')
    // help on stdout, usage errors on stderr; the version is the package's
    const help = same(['--help'])
    assert.match(help.stdout, /^session-core \S+: .*\n\nusage:\n/)
    assert.match(help.stdout, /--secret-file PATH/)
    assert.strictEqual(help.stderr, '')
    assert.strictEqual(same(['--version']).stdout, `session-core ${VERSION}\n`)
    assert.match(same(['--secret', 'S3CRET', 'inspect']).stderr, /^session-core: a command comes first/)
    assert.match(same(['inspect', '--secrets', 'S3CRET']).stderr, /unknown option --secrets \(did you mean --secret\?\)/)
    const id = [cli(['id']), npmCli(['id'])]
    for (const r of id) assert.match(r.stdout, /^[A-Za-z0-9_-]{32}\n$/)
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true })
  }
})

test('CLI --batch: a secret in the wrong shape is never echoed; a single string is a list of one', () => {
  const header = 'connect.sid=s%3AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.RT5Cal5xFtX9GjJLGoiK%2BGzZ%2BcCRnZ5ZbIS8ml7E5Xo'
  const items = [
    { header, options: { secrets: 'keyboard cat', now: 0 } },
    { header, options: { secrets: { oops: 'S3CRET' } } },
    { header, options: { secrets: ['ok', 7] } },
    { header, options: { keys: true } },
    { header, options: { secret: 'S3CRET' } },
    { header, options: { now: 'S3CRET' } }
  ]
  const lines = same(['inspect', '--batch'], items.map((i) => JSON.stringify(i)).join('\n') + '\n').stdout.split('\n').slice(0, -1)
  assert.strictEqual(JSON.parse(lines[0]).cookies[0].verdict, 'valid')
  const errors = lines.slice(1).map((l) => JSON.parse(l))
  assert.deepStrictEqual(errors.map((e) => e.field), ['secrets', 'secrets', 'keys', 'secret', 'now'])
  for (const e of errors) {
    assert.ok(!JSON.stringify(e).includes('S3CRET'), JSON.stringify(e))
    assert.strictEqual(e.code, e.field === 'secret' ? 'ERR_SESSION_CORE_UNKNOWN_OPTION' : 'ERR_SESSION_CORE_INVALID_' + e.field.toUpperCase())
  }
  assert.strictEqual(errors[0].error, 'option secrets is invalid: expected a string, a Buffer (in JSON an array of bytes) or a list of them')
  assert.strictEqual(errors[3].error, 'unknown option secret: did you mean secrets?')
  // the command line's secrets apply to lines whose options give none
  const withFlag = same(['inspect', '--batch', '--secret', 'keyboard cat'], JSON.stringify({ header, options: { now: 0 } }) + '\n')
  assert.strictEqual(JSON.parse(withFlag.stdout).cookies[0].verdict, 'valid')
})
