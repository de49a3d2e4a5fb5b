'use strict'
// A MongoDB wire-protocol server for the tests: NX-27017 (PyPI `nx-27017`, backed by SQLite), not
// mongod, which cannot be installed on these machines. It is installed on first use into a Python
// venv under the git-ignored .tools/nx-27017 (about a minute on a fresh machine, nothing when warm),
// at the exact versions below, and started on a free loopback port with an in-memory database.
// Python 3.10 or later with its venv module is needed; a missing one is a failure, never a skip.
const { spawn, spawnSync } = require('node:child_process')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const net = require('node:net')
const { freePort } = require('./redis-servers')

/** What is installed, exactly: the server and its dependencies, as pip resolved them. */
const PACKAGES = ['nx-27017==0.8.1', 'neosqlite==1.17.2', 'pymongo==4.20.1', 'dnspython==2.9.2']
const VENV = path.join(__dirname, '..', '..', '.tools', 'nx-27017')
const BIN = path.join(VENV, 'bin', 'nx-27017')
const STAMP = path.join(VENV, 'installed.txt') // the packages of the last complete install

/** The venv with PACKAGES, made or brought up to date (a no-op when warm). */
function install () {
  if (fs.existsSync(STAMP) && fs.readFileSync(STAMP, 'utf8') === PACKAGES.join('\n')) return
  const python = process.env.PYTHON || 'python3'
  const run = (cmd, args) => {
    const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 300000 })
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.error ? r.error.message : 'exit ' + r.status}): ${(r.stderr || '').slice(-2000)}`)
  }
  if (!fs.existsSync(path.join(VENV, 'bin', 'pip'))) run(python, ['-m', 'venv', VENV])
  run(path.join(VENV, 'bin', 'pip'), ['install', '--disable-pip-version-check', '--quiet', ...PACKAGES])
  fs.writeFileSync(STAMP, PACKAGES.join('\n'))
}

function connects (port) {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1')
    s.once('connect', () => { s.destroy(); resolve(true) })
    s.once('error', () => resolve(false))
  })
}

/** NX-27017 on a free loopback port: `{ url, port, stop() }`. */
async function start () {
  install()
  const port = await freePort()
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'session-core-nx-'))
  const child = spawn(BIN, ['--db', 'memory', '--host', '127.0.0.1', '-p', String(port), '--log-file', path.join(dir, 'log'), '--pid-file', path.join(dir, 'pid')], { stdio: ['ignore', 'ignore', 'pipe'] })
  let err = ''
  child.stderr.on('data', (d) => { err = (err + d).slice(-4000) })
  const exited = new Promise((resolve) => child.once('exit', resolve))
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
    await exited
    fs.rmSync(dir, { recursive: true, force: true })
  }
  for (let i = 0; i < 200 && !(await connects(port)); i++) {
    if (child.exitCode !== null) throw new Error(`nx-27017 exited with ${child.exitCode}: ${err}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  if (!(await connects(port))) {
    await stop()
    throw new Error(`nx-27017 did not listen on ${port}: ${err}`)
  }
  return { url: `mongodb://127.0.0.1:${port}`, port, stop }
}

module.exports = { start, PACKAGES }
