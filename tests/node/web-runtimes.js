'use strict'
// The runtimes of session-core/web's tests, each a real binary from the npm registry (devDependencies
// bun, deno, workerd): started on a loopback port with the app of ./web/app.mjs, waited for,
// stopped. The app imports 'session-core/web' by its package name from a fixture folder whose
// node_modules/session-core is the built pkg/, so each runtime resolves the package's exports by its
// own condition. A runtime that is missing or does not start is a failure, never a skip.
const { spawn } = require('node:child_process')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const net = require('node:net')
const { dir: pkgDir } = require('./pkg')

const root = path.join(__dirname, '..', '..')
const bin = (name) => path.join(root, 'node_modules', '.bin', name)

/** A folder holding the app and node_modules/session-core (the built pkg/). */
function fixture () {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-web-'))
  fs.mkdirSync(path.join(dir, 'node_modules'))
  // a copy, as npm installs it (a symlink would put the package outside node_modules, where Deno
  // reads its CommonJS files as ES modules)
  fs.cpSync(path.resolve(pkgDir), path.join(dir, 'node_modules', 'session-core'), { recursive: true })
  for (const f of fs.readdirSync(path.join(__dirname, 'web'))) fs.copyFileSync(path.join(__dirname, 'web', f), path.join(dir, f))
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ private: true, type: 'module', dependencies: { 'session-core': '*' } }))
  return dir
}

function freePort () {
  return new Promise((resolve, reject) => {
    const s = net.createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => resolve(port))
    })
  })
}

/** Starts `cmd args` in `cwd`; resolves with the port when `ready(output)` finds it. */
function start (name, cmd, args, cwd, ready, port, env) {
  if (!fs.existsSync(cmd)) throw new Error(`${name} is not installed (${cmd}): run npm ci (make deps)`)
  return new Promise((resolve, reject) => {
    const proc = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1', ...env } })
    let output = ''
    let done = false
    const timer = setTimeout(() => fail(new Error(`${name} did not start in 30 s:\n${output}`)), 30000)
    const fail = (err) => {
      if (done) return
      done = true
      clearTimeout(timer)
      proc.kill('SIGKILL')
      reject(err)
    }
    const onData = (d) => {
      output += d
      const port = ready(output)
      if (port && !done) {
        done = true
        clearTimeout(timer)
        resolve({ name, url: `http://127.0.0.1:${port}`, proc, output: () => output, stop: () => stop(proc).then(() => fs.rmSync(cwd, { recursive: true, force: true })) })
      }
    }
    proc.stdout.on('data', onData)
    proc.stderr.on('data', onData)
    if (port) {
      // no line says it listens: poll until the app answers
      const poll = async () => {
        while (!done) { // eslint-disable-line no-unmodified-loop-condition -- set by the child's exit handler
          try {
            const r = await fetch(`http://127.0.0.1:${port}/runtime`)
            if (r.status === 200) return onData('listening ' + port + '\n')
          } catch (e) {}
          await new Promise((resolve) => setTimeout(resolve, 100))
        }
      }
      ready = (out) => { const m = /listening (\d+)\n$/.exec(out); return m && Number(m[1]) }
      poll()
    }
    proc.on('error', fail)
    proc.on('exit', (code) => fail(new Error(`${name} exited (${code}) before it listened:\n${output}`)))
  })
}

function stop (proc) {
  return new Promise((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) return resolve()
    proc.once('exit', () => resolve())
    proc.kill('SIGTERM')
    setTimeout(() => proc.kill('SIGKILL'), 3000).unref()
  })
}

const listening = (out) => {
  const m = /listening (\d+)/.exec(out)
  return m && Number(m[1])
}

async function bun () {
  return start('bun', bin('bun'), ['run', 'bun.mjs'], fixture(), listening)
}

/** Bun with session-core/redis on the redis-server at `redisUrl` (ioredis 5 from the devDependencies). */
async function bunRedis (redisUrl) {
  const dir = fixture()
  fs.symlinkSync(path.join(root, 'node_modules', 'ioredis5'), path.join(dir, 'node_modules', 'ioredis5'), 'dir')
  return start('bun', bin('bun'), ['run', 'bun-redis.mjs'], dir, listening, undefined, { REDIS_URL: redisUrl })
}

/** Deno with session-core/redis on the redis-server at `redisUrl`. */
async function denoRedis (redisUrl) {
  const dir = fixture()
  fs.symlinkSync(path.join(root, 'node_modules', 'ioredis5'), path.join(dir, 'node_modules', 'ioredis5'), 'dir')
  return start('deno', bin('deno'), ['run', '--quiet', '--no-prompt', '--no-lock', '--allow-net=127.0.0.1', '--allow-read', '--allow-env', '--allow-sys', 'deno-redis.mjs'], dir, listening, undefined, { REDIS_URL: redisUrl })
}

async function deno () {
  const dir = fixture()
  // no network but the loopback; reads only the fixture (the package's wasm file in its node_modules)
  return start('deno', bin('deno'), ['run', '--quiet', '--no-prompt', '--no-lock', '--allow-net=127.0.0.1', `--allow-read=${dir}`, '--allow-env', 'deno.mjs'], dir, listening)
}

/**
 * workerd serving ./web/worker.mjs; with `storeUrl`, ./web/worker-store.mjs, whose server-side
 * sessions live in the store served at that URL (the Worker may then reach the loopback).
 */
async function workerd (storeUrl) {
  const dir = fixture()
  const port = await freePort()
  const main = storeUrl ? 'worker-store.mjs' : 'worker.mjs'
  // the package's own example config (web/workerd.capnp, its module list made by the build from
  // the package's files), with this test's Worker, port, binding and outbound put in
  let config = fs.readFileSync(path.join(dir, 'node_modules', 'session-core', 'web', 'workerd.capnp'), 'utf8')
  const edits = [
    ['(name = "worker.mjs", esModule = embed "worker.mjs"),', `(name = "${main}", esModule = embed "${main}"),\n    (name = "app.mjs", esModule = embed "app.mjs"),`],
    ['address = "127.0.0.1:8080"', `address = "127.0.0.1:${port}"`],
    ['services = [ (name = "main", worker = .worker) ],', 'services = [ (name = "main", worker = .worker), (name = "loopback", network = (allow = ["private", "local"])) ],'],
    ['compatibilityDate = "2025-01-01",', `compatibilityDate = "2025-01-01",\n  bindings = [ (name = "STORE_URL", text = "${storeUrl || ''}") ],${storeUrl ? '\n  globalOutbound = "loopback",' : ''}`]
  ]
  for (const [from, to] of edits) {
    if (!config.includes(from)) throw new Error(`web/workerd.capnp no longer has ${from}: update tests/node/web-runtimes.js`)
    config = config.replace(from, to)
  }
  fs.writeFileSync(path.join(dir, 'config.capnp'), config)
  // workerd says nothing when it listens: ready when the Worker answers
  return start('workerd', bin('workerd'), ['serve', 'config.capnp', '--verbose'], dir, () => null, port)
}

module.exports = { bun, bunRedis, deno, denoRedis, workerd, fixture, freePort, start, stop, pkgDir }
