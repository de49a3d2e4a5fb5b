'use strict'
/**
 * The store's Lua scripts. Each write script first reads Redis's own clock (`TIME`) and refuses to
 * run past the deadline the caller passed in (ms since the epoch): a command that sat in a client's
 * offline queue, or in a socket to a stopped server, and arrives after the caller gave up never
 * takes effect late. The record is only ever compared and stored as a string: no cjson.
 *
 * Replies: 1 written, -1 too late, -2 key gone, -3 key exists (create), 0 compare-and-set lost.
 */

const NOW = `local t = redis.call('TIME')
if tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) > tonumber(ARGV[1]) then return -1 end
`

// KEYS[1] key; ARGV: deadline, mode, value, px, expected
//   mode '':    write (connect-redis's SET)
//   mode 'NX':  create; if the key exists, write only when it holds `expected` (our own earlier write)
//   mode 'XX':  update a record that must still exist (a destroyed or expired session is not revived)
//   mode 'CAS': write only when the key holds exactly `expected`
// px <= 0: the record has already expired, so it is deleted, not written.
const WRITE = NOW + `local mode = ARGV[2]
if mode == 'CAS' then
  local cur = redis.call('GET', KEYS[1])
  if not cur then return -2 end
  if cur ~= ARGV[5] then return 0 end
elseif mode == 'NX' then
  if redis.call('EXISTS', KEYS[1]) == 1 then
    if ARGV[5] == '' or redis.call('GET', KEYS[1]) ~= ARGV[5] then return -3 end
  end
elseif mode == 'XX' then
  if redis.call('EXISTS', KEYS[1]) == 0 then return -2 end
end
local px = tonumber(ARGV[4])
if px <= 0 then
  redis.call('DEL', KEYS[1])
else
  redis.call('SET', KEYS[1], ARGV[3], 'PX', px)
end
return 1
`

// KEYS[1] key; ARGV: deadline, px. Refreshes the TTL only (0 when the key is gone).
const TOUCH = NOW + `return redis.call('PEXPIRE', KEYS[1], ARGV[2])
`

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
