'use strict'
/**
 * The store's Lua scripts. Each write script first reads Redis's own clock (`TIME`) and refuses to
 * run past the deadline the caller passed in (ms since the epoch): a command that sat in a client's
 * offline queue, or in a socket to a stopped server, and arrives after the caller gave up never
 * takes effect late. The record is only ever compared and stored as a string: no cjson.
 *
 * Replies: 1 written, -1 too late, -2 key gone, -3 key exists (create), 0 compare-and-set lost.
 */

// write.lua — KEYS[1] key; ARGV: deadline, mode, value, px, expected
//   mode '':    write (connect-redis's SET)
//   mode 'NX':  create; if the key exists, write only when it holds `expected` (our own earlier write)
//   mode 'XX':  update a record that must still exist (a destroyed or expired session is not revived)
//   mode 'CAS': write only when the key holds exactly `expected`
// px <= 0: the record has already expired, so it is deleted, not written.
// touch.lua — KEYS[1] key; ARGV: deadline, px. Refreshes the TTL only (0 when the key is gone).
// The text lives in the .lua files, read by this file and by the Rust RedisStore (src/server/redis.rs):
// one copy, so both servers run the same bytes (and share the scripts' SHA1 in Redis's cache).
const fs = require('fs')
const path = require('path')
const read = (name) => fs.readFileSync(path.join(__dirname, name), 'utf8')
const WRITE = read('write.lua')
const TOUCH = read('touch.lua')

// `sha`: learnt from the first SCRIPT LOAD (the same on every server); until then, EVAL
function script (text) {
  return { text, sha: null, loading: false }
}

module.exports = {
  WRITE: script(WRITE),
  TOUCH: script(TOUCH),
  WRITTEN: 1,
  LATE: -1,
  GONE: -2,
  EXISTS: -3,
  LOST: 0
}
