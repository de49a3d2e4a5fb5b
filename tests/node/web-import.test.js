'use strict'
// What workerd forbids at global scope, and what session-core/web promises: importing it (and
// making its MemoryStore) draws no random value and starts no timer; its files use no Buffer and no
// process; the Express drop-in never loads its wasm build.
const test = require('node:test')
const assert = require('node:assert')
const fs = require('node:fs')
const path = require('node:path')
const { execFileSync } = require('node:child_process')
const { pathToFileURL } = require('node:url')
const { dir } = require('./pkg')

test('importing session-core/web draws no random value and starts no timer', () => {
  const script = `
    const poison = (name) => () => { throw new Error(name + ' at import') }
    globalThis.crypto.getRandomValues = poison('crypto.getRandomValues')
    globalThis.crypto.randomUUID = poison('crypto.randomUUID')
    globalThis.setTimeout = poison('setTimeout')
    globalThis.setInterval = poison('setInterval')
    globalThis.setImmediate = poison('setImmediate')
    Math.random = poison('Math.random')
    const web = await import(${JSON.stringify(pathToFileURL(path.join(dir, 'web', 'index.node.js')).href)})
    await import(${JSON.stringify(pathToFileURL(path.join(dir, 'hono', 'index.mjs')).href)})
    new web.MemoryStore()
    console.log('ok')`
  assert.strictEqual(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }).trim(), 'ok')
})

test("session-core/web's files use no Buffer and no process", () => {
  for (const d of ['web', 'hono']) {
    for (const f of fs.readdirSync(path.join(dir, d)).filter((f) => /\.m?js$/.test(f))) {
      const code = fs.readFileSync(path.join(dir, d, f), 'utf8').replace(/\/\/.*$|\/\*[\s\S]*?\*\//gm, '')
      assert.doesNotMatch(code, /\bBuffer\b|\bprocess\b/, `${d}/${f}`)
    }
  }
})

test('session-core/express does not load the web build', () => {
  const script = `require(${JSON.stringify(path.join(dir, 'express'))}); console.log(Object.keys(require.cache).filter((f) => f.includes('wasm-web') || f.includes('/web/')).length)`
  assert.strictEqual(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }).trim(), '0')
})
