'use strict'
// Nothing secret in any output: a run through every store fault (no-ids-in-output-run.js: an
// Express app on session-core/redis and a real redis-server, hashIds off and on) prints no session
// id and no store key in any error message, stack, 'gone' event, diagnostics_channel event, warning
// or debug line (DEBUG=session-core:*). Sessions are named by their tag, a short one-way hash.
const test = require('node:test')
const assert = require('node:assert')
const path = require('node:path')
const { spawnSync } = require('node:child_process')

test('no id and no store key in any message, event, warning or debug line of a run through every store fault', () => {
  const r = spawnSync(process.execPath, [path.join(__dirname, 'no-ids-in-output-run.js')], {
    env: { ...process.env, DEBUG: 'session-core:*' },
    encoding: 'utf8',
    timeout: 120000,
    maxBuffer: 64 * 1024 * 1024
  })
  assert.strictEqual(r.status, 0, r.stderr.slice(-4000))
  const out = JSON.parse(r.stdout.trim().split('\n').pop())
  const debug = r.stderr.split('\n').filter((l) => l.includes('session-core:'))
  // the run met what it was meant to meet (each fault's message reached the app or the log)
  const all = [...out.messages, ...out.events, ...out.warnings, ...debug].join('\n')
  for (const code of ['ESESSIONSTORE_TIMEOUT', 'ESESSIONSTORE_CONFLICT', 'ESESSIONSTORE_UNAVAILABLE', 'ESESSIONREGENERATED', 'ERR_SESSION_CORE_BAD_RECORD']) {
    assert.ok(all.includes(code), `the run saw no ${code}`)
  }
  for (const text of ['lost a race', 'destroyed or expired', 'after its deadline', 'replicas acknowledged', 'did not answer within']) {
    assert.ok(all.includes(text), `the run saw no "${text}"`)
  }
  assert.ok(out.ids.length >= 10 && out.keys.length > out.ids.length, 'ids and keys collected')
  assert.ok(debug.length > 50, 'debug lines collected')
  for (const secret of out.keys) {
    for (const line of [...out.messages, ...out.events, ...out.warnings, ...debug]) {
      assert.ok(!line.includes(secret), `an id or store key in: ${line}`)
    }
  }
})
