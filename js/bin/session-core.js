#!/usr/bin/env node
'use strict'
// `session-core` in the npm package: the core's command line (src/cli/) running in wasm, so it
// prints the same bytes as the native binary. This file is only its host: it reads what the core
// asks for (standard input, secret files, environment variables, the clock) and writes what it answers.

const fs = require('node:fs')
const core = require('../native').tools()

const READ_ERRORS = { ENOENT: 'not-found', ENOTDIR: 'not-found', EACCES: 'permission-denied', EPERM: 'permission-denied', EISDIR: 'is-a-directory' }
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/** Bytes as the core takes them: `{ text }`, or `{ error }` when they are not UTF-8. */
function decode (bytes) {
  try {
    return { text: utf8.decode(bytes) }
  } catch (e) {
    return { error: 'not-utf8' }
  }
}

const readError = (e) => ({ error: READ_ERRORS[e && e.code] || 'unreadable' })

function readFile (path) {
  try {
    return decode(fs.readFileSync(path))
  } catch (e) {
    return readError(e)
  }
}

/** All of standard input, synchronously (a non-blocking pipe or terminal answers EAGAIN: wait and retry). */
function readStdin () {
  const chunks = []
  const buf = Buffer.allocUnsafe(1 << 16)
  for (;;) {
    let n
    try {
      n = fs.readSync(0, buf, 0, buf.length, null)
    } catch (e) {
      if (e.code === 'EAGAIN') {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5)
        continue
      }
      if (e.code === 'EOF') break
      return readError(e)
    }
    if (n === 0) break
    chunks.push(Buffer.from(buf.subarray(0, n)))
  }
  return decode(Buffer.concat(chunks))
}

/** `doctor --url` (a plain-http loopback address the core checked): the Set-Cookie lines. */
function fetchSetCookie (url) {
  return new Promise((resolve) => {
    const req = require('node:http').get(url, { timeout: 5000 }, (res) => {
      res.resume()
      const lines = res.headers['set-cookie'] || []
      resolve({ setCookie: lines.join('\n') })
    })
    req.on('timeout', () => req.destroy(new Error('timed out')))
    req.on('error', (e) => resolve({ error: 'cannot fetch: ' + (e.code || e.message) }))
  })
}

/** doctor on a JS module: its exported options, described as the middleware describes them. */
function readOptionsModule (file) {
  try {
    const mod = require(require('node:path').resolve(file))
    const options = mod && mod.__esModule && mod.default ? mod.default : mod
    return { text: require('../options').describeOptions(options) }
  } catch (e) {
    // the module's own error, so the user sees why (its first line: the module is theirs)
    process.stderr.write(`session-core doctor: ${file} threw: ${String(e && e.message).split('\n')[0]}\n`)
    return { error: 'unreadable' }
  }
}

async function main (argv) {
  const args = JSON.stringify(argv)
  const needs = JSON.parse(core.cliNeeds(args))
  const inputs = { now: Date.now(), files: {}, env: {} }
  if (needs.stdin) inputs.stdin = readStdin()
  if (needs.fetch) inputs.fetched = await fetchSetCookie(needs.fetch)
  const doctor = argv[0] === 'doctor'
  for (const path of needs.files) inputs.files[path] = doctor && /\.c?js$/.test(path) ? readOptionsModule(path) : readFile(path)
  for (const name of needs.env) inputs.env[name] = Object.prototype.hasOwnProperty.call(process.env, name) ? process.env[name] : null
  return JSON.parse(core.cliRun(args, JSON.stringify(inputs)))
}

// A closed pipe (`| head`) ends the output quietly, as in the native binary.
for (const stream of [process.stdout, process.stderr]) stream.on('error', (e) => { if (e.code !== 'EPIPE') throw e })

main(process.argv.slice(2)).catch((e) => ({ stdout: '', stderr: `session-core: internal error: ${e && e.message}\n`, code: 70 })).then((out) => {
  if (out.stdout) process.stdout.write(out.stdout)
  if (out.stderr) process.stderr.write(out.stderr)
  process.exitCode = out.code
})
