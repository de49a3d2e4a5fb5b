'use strict'
// Writes tests/recordings/express.json: the scenarios of tests/node/recordings.js, recorded from
// the Express middleware (run after `make pkg`). The Rust layer replays them (tests/server_recordings.rs).
const fs = require('node:fs')
const path = require('node:path')
const { recordAll } = require('../tests/node/recordings')

recordAll().then((r) => {
  const file = path.join(__dirname, '..', 'tests', 'recordings', 'express.json')
  fs.writeFileSync(file, JSON.stringify(r, null, 2) + '\n')
  console.log(`${r.scenarios.length} scenarios, ${r.scenarios.reduce((n, s) => n + s.steps.length, 0)} exchanges -> ${path.relative(process.cwd(), file)}`)
}, (e) => { console.error(e); process.exit(1) })
