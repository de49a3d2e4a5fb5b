'use strict'
// The package's TypeScript types: an app compiles with them alone, and alongside
// @types/express-session (as connect-redis users have it); wrong options do not compile.
const test = require('node:test')
const assert = require('node:assert')
const path = require('node:path')
const { spawnSync } = require('node:child_process')

const dir = path.join(__dirname, '..', 'types')
const tsc = require.resolve('typescript/bin/tsc')
const run = (config) => spawnSync(process.execPath, [tsc, '-p', path.join(dir, config)], { encoding: 'utf8' })

test('an app using session-core/express types compiles (strict)', () => {
  const r = run('tsconfig.json')
  assert.strictEqual(r.status, 0, r.stdout + r.stderr)
})

test('it still compiles with @types/express-session in scope', () => {
  const r = run('tsconfig.both.json')
  assert.strictEqual(r.status, 0, r.stdout + r.stderr)
})

test('the cookie-session and cookie-parser drop-ins have types', () => {
  const r = run('tsconfig.client.json')
  assert.strictEqual(r.status, 0, r.stdout + r.stderr)
})

test('wrong options are type errors', () => {
  const r = run('tsconfig.bad.json')
  assert.notStrictEqual(r.status, 0)
  for (const line of ['bad.ts(3,', 'bad.ts(4,', 'bad.ts(5,']) assert.ok(r.stdout.includes(line), r.stdout)
})
