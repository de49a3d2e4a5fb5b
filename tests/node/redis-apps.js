'use strict'
// Two-process helpers for the Redis tests: start tests/node/redis-app.js as a child process and
// talk to it over HTTP.
const { spawn } = require('node:child_process')
const path = require('node:path')

/** Starts the app; resolves with { port, get(path, cookie), stop() } once it listens. */
function startApp (env) {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [path.join(__dirname, 'redis-app.js')], {
      env: { ...process.env, ...env, SC_TARGET: JSON.stringify(env.SC_TARGET), SC_OPTIONS: JSON.stringify(env.SC_OPTIONS || {}) },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let err = ''
    proc.stderr.on('data', (d) => { err += d })
    proc.stdout.on('data', (d) => {
      const m = /listening (\d+)/.exec(String(d))
      if (m) resolve(app(proc, Number(m[1]), () => err))
    })
    proc.once('exit', (code) => reject(new Error(`app exited (${code}): ${err}`)))
  })
}

function app (proc, port, stderr) {
  return {
    port,
    proc,
    stderr,
    /** GET; { status, body, ms, cookie } (cookie: the name=value pair it set, if any). */
    async get (p, cookie) {
      const t0 = Date.now()
      const res = await fetch(`http://127.0.0.1:${port}${p}`, { headers: cookie ? { cookie } : {} })
      const body = await res.text()
      const set = res.headers.get('set-cookie')
      return { status: res.status, body, ms: Date.now() - t0, cookie: set ? set.split(';')[0] : undefined }
    },
    stop () {
      return new Promise((resolve) => {
        if (proc.exitCode !== null) return resolve()
        proc.removeAllListeners('exit')
        proc.once('exit', () => resolve())
        proc.kill('SIGKILL')
      })
    }
  }
}

module.exports = { startApp }
