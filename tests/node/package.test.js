'use strict'
// Packaging: `npm pack ./pkg` gives the tarball a user installs; it installs into a scratch project
// and works through its name from CommonJS and from ESM. The package has no run-time dependency on
// the peers, and js/ never signs or verifies with node:crypto.
const test = require('node:test')
const assert = require('node:assert')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { execFileSync, spawnSync } = require('node:child_process')
const { dir } = require('./pkg')

const root = path.join(__dirname, '..', '..')
const PEERS = ['express-session', 'cookie', 'cookie-signature', 'uid-safe', 'cookie-session', 'cookies', 'keygrip', 'cookie-parser']

test('the tarball installs into a scratch project and loads from require and import', () => {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'session-core-pack-'))
  try {
    const out = execFileSync('npm', ['pack', dir, '--json', '--pack-destination', scratch], { encoding: 'utf8' })
    const [info] = JSON.parse(out)
    const files = info.files.map((f) => f.path)
    for (const f of ['package.json', 'index.js', 'index.mjs', 'index.d.ts', 'request.d.ts', 'native.js', 'options.js',
      'wasm/session_core.js', 'wasm/session_core_bg.wasm', 'wasm-client/session_core.js', 'wasm-client/session_core_bg.wasm', 'wasm-tools/session_core.js', 'wasm-tools/session_core_bg.wasm',
      'express/index.js', 'express/index.d.ts', 'cookie-session/index.js', 'cookie-session/index.d.ts', 'cookie-parser/index.js', 'README.md', 'LICENSE',
      'bin/session-core.js']) {
      assert.ok(files.includes(f), `tarball holds ${f} (has: ${files.join(', ')})`)
    }
    fs.writeFileSync(path.join(scratch, 'package.json'), JSON.stringify({ name: 'scratch', private: true }))
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', path.join(scratch, info.filename)], { cwd: scratch })
    const cjs = execFileSync('node', ['-e', `
      const sc = require('session-core')
      const s = sc.sign('hello', 'tobiiscool')
      const subs = ['express', 'cookie-session', 'cookie-parser'].map((m) => typeof require('session-core/' + m))
      console.log(JSON.stringify([s, sc.unsign(s, ['x', 'tobiiscool']), sc.parseCookie('a=1'), sc.generateSessionId().length, subs]))`], { cwd: scratch, encoding: 'utf8' })
    assert.deepStrictEqual(JSON.parse(cjs), ['hello.DGDUkGlIkCzPz+C0B064FNgHdEjox7ch8tOBGslZ5QI', 'hello', { a: '1' }, 32, ['function', 'function', 'function']])
    fs.writeFileSync(path.join(scratch, 'esm.mjs'), `
      import { sign, unsign, serializeCookie } from 'session-core'
      import sc from 'session-core'
      import session, { MemoryStore } from 'session-core/express'
      import cookieSession from 'session-core/cookie-session'
      import cookieParser from 'session-core/cookie-parser'
      const subs = [typeof session, typeof MemoryStore, typeof cookieSession, typeof cookieParser]
      console.log(JSON.stringify([sign('hello', 'tobiiscool'), unsign('x.y', 'k'), serializeCookie('n', 'v', { httpOnly: true }), typeof sc.parseCookie, subs]))`)
    const esm = execFileSync('node', ['esm.mjs'], { cwd: scratch, encoding: 'utf8' })
    assert.deepStrictEqual(JSON.parse(esm), ['hello.DGDUkGlIkCzPz+C0B064FNgHdEjox7ch8tOBGslZ5QI', false, 'n=v; HttpOnly', 'function', ['function', 'function', 'function', 'function']])

    // the CLI ships in the package: `npx session-core` without Rust or a clone
    const bin = path.join(scratch, 'node_modules', '.bin', 'session-core')
    assert.strictEqual(execFileSync(bin, ['--version'], { encoding: 'utf8' }), `session-core ${info.version}\n`)
    assert.strictEqual(execFileSync(bin, ['sign', 'hello', '--secret-env', 'SC_SECRET'], { encoding: 'utf8', env: { ...process.env, SC_SECRET: 'tobiiscool' } }),
      'hello.DGDUkGlIkCzPz+C0B064FNgHdEjox7ch8tOBGslZ5QI\n')
    assert.match(execFileSync(bin, ['inspect', '--now', '0', 'a=b'], { encoding: 'utf8' }), /^a {2}plain\n/)

    // session-core/browser in Node: a clear message, not "fetch failed"
    const browser = spawnSync('node', ['--input-type=module', '-e', "import 'session-core/browser'"], { cwd: scratch, encoding: 'utf8' })
    assert.notStrictEqual(browser.status, 0)
    assert.match(browser.stderr, /session-core\/browser is for browsers: in Node, use require\('session-core'\)/)
    assert.doesNotMatch(browser.stderr, /^Error: fetch failed/m)

    // the README's install line is one that works today: the tarball `npm pack ./pkg` makes
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8')
    const install = readme.slice(readme.indexOf('## Install'), readme.indexOf('\n## ', readme.indexOf('## Install') + 1))
    const first = install.split('\n').find((l) => /^\s*npm (install|i) /.test(l))
    assert.ok(first && !/^\s*npm (install|i) session-core\b/.test(first), `first install line: ${first}`)
    assert.ok(install.includes('npm pack ./pkg') && install.includes(info.filename.replace(info.version, '<version>')), 'the Install section names the tarball npm pack makes')
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true })
  }
})

test('no run-time dependency on the peer packages', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'))
  const deps = Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies, ...pkg.optionalDependencies })
  for (const peer of PEERS) assert.ok(!deps.includes(peer), `${peer} is a dependency`)
  for (const file of walk(path.join(root, 'js'))) {
    const src = fs.readFileSync(file, 'utf8')
    for (const peer of PEERS) {
      assert.ok(!new RegExp(`require\\(['"]${peer}['"]\\)|from ['"]${peer}['"]`).test(src), `${file} loads ${peer}`)
    }
  }
})

test('js/ makes no signing or verifying call to node:crypto', () => {
  for (const file of walk(path.join(root, 'js'))) {
    const src = fs.readFileSync(file, 'utf8')
    assert.ok(!/createHmac|timingSafeEqual|createSign|createVerify|subtle\.(sign|verify)/.test(src), `${file} signs in JS`)
    assert.ok(!/require\(['"](node:)?crypto['"]\)|from ['"](node:)?crypto['"]/.test(src), `${file} loads node:crypto`)
  }
})

function * walk (d) {
  for (const e of fs.readdirSync(d, { withFileTypes: true })) {
    const p = path.join(d, e.name)
    if (e.isDirectory()) yield * walk(p)
    else if (/\.(c|m)?js$/.test(e.name)) yield p
  }
}
