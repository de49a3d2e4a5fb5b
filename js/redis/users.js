'use strict'
/**
 * RedisStore's per-user index (the middleware's `user` option; see js/express/users.js). Two keys per
 * user, in one Cluster slot (a hash tag on the user key), beside the sessions' own keys:
 *   <prefix>user:{<user>}       a sorted set of the user's session ids, scored by expiry (ms)
 *   <prefix>user:{<user>}:info  a hash: `s:<id>` when the session was first seen signed in as the
 *                               user, `i:<id>` "<lastSeen>|<User-Agent>", and `!out`
 *                               "<signed out before>|<the id the sign-out kept>"
 * Dead entries (expired, or whose session key is gone) are pruned lazily, when the user's sessions are
 * listed. Both keys expire with the user's longest-lived session.
 */

const native = require('../native')
const { USER_PREFIX } = require('./layout')

function keys (store, user) {
  const base = `${store.prefix}${USER_PREFIX}${user}}`
  return [base, base + ':info']
}

/** Keeps both keys as long as the longest-lived session of the user (and `atLeast` ms from now). */
async function extend (store, user, atLeast) {
  const [ids, info] = keys(store, user)
  const top = await store._cmd(ids, ['ZRANGE', ids, -1, -1, 'WITHSCORES'])
  // [member, score], or [[member, score]] (node-redis 6 answers pairs)
  const flat = (top || []).flatMap((x) => (Array.isArray(x) ? x : [x]))
  const until = Math.max(Number(flat[1]) || 0, Date.now() + (atLeast || 0))
  await Promise.all([store._cmd(ids, ['PEXPIREAT', ids, until]), store._cmd(info, ['PEXPIREAT', info, until])])
}

async function indexUser (store, user, id, info) {
  const [ids, meta] = keys(store, user)
  const score = typeof info.expires === 'number' ? info.expires : Date.now() + store.ttlMs()
  const ua = String(info.userAgent || '').replace(/\|/g, '/')
  await Promise.all([
    store._cmd(meta, ['HSETNX', meta, 's:' + id, info.since]),
    store._cmd(meta, ['HSET', meta, 'i:' + id, `${info.lastSeen}|${ua}`]),
    store._cmd(ids, ['ZADD', ids, score, id])
  ])
  await extend(store, user)
}

async function userState (store, user, id) {
  const [, meta] = keys(store, user)
  const [since, out] = (await store._cmd(meta, ['HMGET', meta, 's:' + id, '!out'])) || []
  const [before, kept] = out ? String(out).split('|') : [null, '']
  return { since: since == null ? null : Number(since), before: before == null ? null : Number(before), kept: kept === id }
}

/** The user's live sessions as [id, { since, lastSeen, userAgent }], dead entries pruned. */
async function live (store, user) {
  const [ids, meta] = keys(store, user)
  await store._cmd(ids, ['ZREMRANGEBYSCORE', ids, '-inf', Date.now()])
  const list = ((await store._cmd(ids, ['ZRANGE', ids, 0, -1])) || []).map(String)
  if (list.length === 0) return []
  const fields = list.flatMap((id) => ['s:' + id, 'i:' + id])
  const values = (await store._cmd(meta, ['HMGET', meta, ...fields])) || []
  const exists = await Promise.all(list.map((id) => store._cmd(store.prefix + id, ['EXISTS', store.prefix + id])))
  const out = []
  const dead = []
  list.forEach((id, i) => {
    if (Number(exists[i]) !== 1) return dead.push(id)
    const [seen, ...ua] = String(values[2 * i + 1] || '').split('|')
    out.push([id, { since: Number(values[2 * i]) || null, lastSeen: Number(seen) || null, userAgent: ua.join('|') }])
  })
  if (dead.length) await forget(store, user, dead)
  return out
}

async function forget (store, user, list) {
  const [ids, meta] = keys(store, user)
  await Promise.all([
    store._cmd(ids, ['ZREM', ids, ...list]),
    store._cmd(meta, ['HDEL', meta, ...list.flatMap((id) => ['s:' + id, 'i:' + id])])
  ])
}

async function sessionsOf (store, user, current) {
  return (await live(store, user))
    .map(([id, s]) => ({ tag: native.tag(id), createdAt: s.since, lastSeen: s.lastSeen, userAgent: s.userAgent, current: id === current }))
    .sort((a, b) => b.lastSeen - a.lastSeen)
}

async function destroySession (store, user, tag) {
  const found = (await live(store, user)).find(([id]) => native.tag(id) === tag)
  if (!found) return false
  const id = found[0]
  await store._cmd(store.prefix + id, ['DEL', store.prefix + id])
  await forget(store, user, [id])
  return true
}

/**
 * Sign out everywhere: the user's "signed out before" time is set first (so a load racing this, of a
 * session it does not see yet, is ended by the core's rule), then every session but `except` ends.
 */
async function destroyUser (store, user, except) {
  const [, meta] = keys(store, user)
  const list = await live(store, user)
  const match = except === undefined || except === null ? undefined : list.find(([id]) => id === except || native.tag(id) === except)
  const kept = match ? match[0] : (typeof except === 'string' ? except : '')
  await store._cmd(meta, ['HSET', meta, '!out', `${Date.now()}|${kept}`])
  const ending = list.map(([id]) => id).filter((id) => id !== kept)
  await Promise.all(ending.map((id) => store._cmd(store.prefix + id, ['DEL', store.prefix + id])))
  if (ending.length) await forget(store, user, ending)
  await extend(store, user, store.ttlMs())
  return ending.length
}

module.exports = { indexUser, userState, sessionsOf, destroySession, destroyUser }
