'use strict'
/**
 * What the keys under the store's prefix hold. Three kinds share it, in the layout the Rust
 * RedisStore shares too (src/server/redis.rs), under names that never change (old processes read
 * the same keys during a rollout):
 *   <prefix><id or hashed key>        a session record (JSON text), as connect-redis keeps it
 *   <prefix>regenerated:<key>         the tombstone a regenerate keeps for regenerateGrace
 *                                     (src/session/grace.rs GRACE_PREFIX, grace_key)
 *   <prefix>user:{<user>}, …:info     the per-user index (users.js)
 * Listing sessions (all, ids, length) skips the last two by their names; clear() removes all three.
 * Session ids never take those shapes: generated ids and hashed keys are base64url (no ':').
 */

/** What a tombstone's key starts with after the prefix (the core's GRACE_PREFIX). */
const GRACE_PREFIX = 'regenerated:'
/** What a per-user index key starts with after the prefix; the braces are its Cluster hash tag. */
const USER_PREFIX = 'user:{'

/** Is `rest` (a key with the prefix taken off) a session's key? */
function isSessionKey (rest) {
  return !rest.startsWith(GRACE_PREFIX) && !rest.startsWith(USER_PREFIX)
}

module.exports = { GRACE_PREFIX, USER_PREFIX, isSessionKey }
