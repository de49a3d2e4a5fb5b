'use strict'
// The recorded scenarios (tests/recordings/express.json) run again through session-core/express:
// the same Set-Cookie headers, cache headers, bodies and store records. The Rust tower layer replays
// the same file (tests/server_recordings.rs): both sides are held to one recording.
const { it } = require('node:test')
const assert = require('node:assert')
const recorded = require('../recordings/express.json')
const { recordAll } = require('./recordings')

it('the Express middleware still gives the recorded exchanges', async () => {
  const now = await recordAll()
  assert.strictEqual(now.scenarios.length, recorded.scenarios.length)
  for (const [i, s] of now.scenarios.entries()) assert.deepStrictEqual(s, recorded.scenarios[i], s.name)
})
