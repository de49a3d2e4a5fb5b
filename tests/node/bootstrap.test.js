'use strict'
// scripts/bootstrap.sh writes .tools/env with no absolute path: a copied or moved checkout finds its
// own tools. Run on a scratch copy whose tools are links to this checkout's, so
// every install step is skipped and the real .tools/env is never written.
const test = require('node:test')
const assert = require('node:assert')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { spawnSync } = require('node:child_process')

const root = path.join(__dirname, '..', '..')
const TOOLS = ['wasm-bindgen', 'wasm-pack']

test('a moved checkout sources its own .tools/env', (t) => {
  const real = TOOLS.map((b) => path.join(root, '.tools', 'bin', b))
  if (!real.every((f) => fs.existsSync(f))) return t.skip('no .tools/bin here (make tools installs them)')
  // bootstrap's first step would install the wasm32 target when this probe fails: skip rather than install
  const probeOut = path.join(os.tmpdir(), `session-core-probe-${process.pid}`)
  const probe = spawnSync('bash', ['-c', "echo '' | rustc --target wasm32-unknown-unknown --crate-type lib --emit metadata -o \"$1\" -", 'probe', probeOut])
  fs.rmSync(probeOut, { force: true })
  if (probe.status !== 0) return t.skip('the wasm32 target is not on PATH here')
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'session-core-bootstrap-'))
  try {
    const first = path.join(scratch, 'first')
    fs.mkdirSync(path.join(first, 'scripts'), { recursive: true })
    fs.mkdirSync(path.join(first, '.tools', 'bin'), { recursive: true })
    fs.copyFileSync(path.join(root, 'scripts', 'bootstrap.sh'), path.join(first, 'scripts', 'bootstrap.sh'))
    for (const f of ['Cargo.toml', 'Cargo.lock']) fs.copyFileSync(path.join(root, f), path.join(first, f))
    TOOLS.forEach((b, i) => fs.symlinkSync(fs.realpathSync(real[i]), path.join(first, '.tools', 'bin', b)))
    const boot = spawnSync('bash', [path.join(first, 'scripts', 'bootstrap.sh')], { encoding: 'utf8' })
    assert.strictEqual(boot.status, 0, boot.stderr)
    const env = fs.readFileSync(path.join(first, '.tools', 'env'), 'utf8')
    assert.ok(!env.includes(scratch), `.tools/env names the folder it was written in:\n${env}`)

    const moved = path.join(scratch, 'moved')
    fs.renameSync(first, moved)
    const where = (shell, cwd, source) =>
      spawnSync(shell, ['-c', `. ${source} && command -v wasm-bindgen`], { cwd, encoding: 'utf8' }).stdout.trim()
    const want = path.join(moved, '.tools', 'bin', 'wasm-bindgen')
    assert.strictEqual(where('bash', moved, '.tools/env'), want, 'bash, from the root (as the Makefile)')
    assert.strictEqual(where('sh', moved, '.tools/env'), want, 'sh, from the root')
    assert.strictEqual(where('bash', os.tmpdir(), path.join(moved, '.tools', 'env')), want, 'bash, from elsewhere by full path')
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true })
  }
})
