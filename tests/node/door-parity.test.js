'use strict'
// The door-parity suite (tests/parity/server.json, client.json): every row through every Node door —
// session-core/express on Express 4 and 5, session-core/web on Hono (in process), on
// session-core/redis (a real redis-server) and on the door's own memory store; the client kind
// through session-core/cookie-session on Express 4 and 5 and session-core/web (`kind: 'client'`) —
// each request compared byte for byte with the row's `expect`. The oracles run the rows marked
// `oracle` through the real express-session 1.19 and cookie-session 2.1, so a rule every door gets
// wrong the same way still fails; they skip only the fields a row's `deviation` names (and the
// table's `oracleDeviations`). Skips are the table's fixed list; the suite fails on any other.
// tests/door_parity.rs runs the same tables through the Rust layers.
const test = require('node:test')
const assert = require('node:assert')
const { SERVER, CLIENT, SERVER_FIELDS, CLIENT_FIELDS, runServerRow, runClientRow, differences } = require('./door-parity')
const { standalone } = require('./redis-servers')
const { open } = require('./redis-clients')

const SERVER_DOORS = ['express4', 'express5', 'web']
const CLIENT_DOORS = ['cookie-session4', 'cookie-session5', 'web']
const STORES = ['redis', 'memory']
const KNOWN_DOORS = new Set([...SERVER_DOORS, ...CLIENT_DOORS, 'rust'])

/** The table's reason to skip this row for this door (and store), if it gives one. */
function skipOf (row, door, store) {
  for (const s of row.skip || []) {
    if (!KNOWN_DOORS.has(s.door) || (s.store !== undefined && !STORES.includes(s.store)) || typeof s.reason !== 'string' || s.reason === '') {
      throw new Error(`row "${row.name}": a skip must name a door (${[...KNOWN_DOORS].join(', ')}), optionally a store, and a reason`)
    }
    if (s.door === door && (s.store === undefined || s.store === store)) return s.reason
  }
  return null
}

/**
 * An expectation in the terms of a store's capabilities (the table's `stores`): on a store that
 * does not merge, the merge of a loaded session is a whole-record save; on Redis, a row's
 * `storeRedis` (touch refreshes only the TTL there, as connect-redis's) replaces `store`.
 */
function forStore (table, key, storeKind, expect) {
  const caps = (table.stores || {})[key] || {}
  return (field, value) => {
    if (field === 'effects' && caps.merges === false && Array.isArray(value)) return value.map(([k, id]) => [k === 'merge' ? 'save' : k, id])
    if (field === 'store' && storeKind === 'redis' && expect.storeRedis !== undefined) return expect.storeRedis
    return value
  }
}

/** The fields the oracle does not compare on request `i`: the table's and the row's deviations. */
function deviations (table, row) {
  const all = [...(table.oracleDeviations || []), ...(row.deviation || [])]
  for (const d of all) if (typeof d.why !== 'string' || d.why === '') throw new Error(`row "${row.name}": a deviation says why`)
  return (field, i) => all.some((d) => d.fields.includes(field) && (d.requests === undefined || d.requests.includes(i)))
}

/** Compares each request with its expectation, the store's mapping applied per request. */
function check (table, row, outcomes, fields, key, storeKind, ignore) {
  const out = []
  row.requests.forEach((r, i) => {
    const one = { ...row, requests: [r] }
    for (const line of differences(one, [outcomes[i]], fields, (f) => (ignore ? ignore(f, i) : false), forStore(table, key, storeKind, r.expect))) {
      out.push(line.replace(/^request 0/, `request ${i}`))
    }
  })
  return out
}

test('door parity: server rows', async (t) => {
  const server = await standalone()
  const redis = await open('redis5', { url: server.url })
  t.after(async () => {
    await redis.close()
    await server.stop()
  })
  let runs = 0
  let skips = 0
  for (const row of SERVER.rows) {
    for (const door of SERVER_DOORS) {
      for (const store of STORES) {
        const why = skipOf(row, door, store)
        if (why !== null) {
          skips++
          await t.test(`${door}/${store}: ${row.name}`, { skip: why }, () => {})
          continue
        }
        runs++
        await t.test(`${door}/${store}: ${row.name}`, async () => {
          const outcomes = await runServerRow(row, door, store, redis)
          const diff = check(SERVER, row, outcomes, SERVER_FIELDS, `${door}/${store}`, store)
          assert.ok(diff.length === 0, diff.join('\n'))
        })
      }
    }
    if (row.oracle) {
      runs++
      await t.test(`oracle express-session 1.19: ${row.name}`, async () => {
        const outcomes = await runServerRow(row, 'express-session', 'memory', redis)
        const diff = check(SERVER, row, outcomes, SERVER_FIELDS, 'express-session/memory', 'memory', deviations(SERVER, row))
        assert.ok(diff.length === 0, diff.join('\n'))
      })
    }
  }
  t.diagnostic(`door parity, server rows: ${SERVER.rows.length} rows, ${runs} runs (doors and oracle), ${skips} skipped by the table`)
})

test('door parity: client rows', async (t) => {
  let runs = 0
  let skips = 0
  for (const row of CLIENT.rows) {
    for (const door of CLIENT_DOORS) {
      const why = skipOf(row, door)
      if (why !== null) {
        skips++
        await t.test(`${door}: ${row.name}`, { skip: why }, () => {})
        continue
      }
      runs++
      await t.test(`${door}: ${row.name}`, async () => {
        const diff = check(CLIENT, row, await runClientRow(row, door), CLIENT_FIELDS, door)
        assert.ok(diff.length === 0, diff.join('\n'))
      })
    }
    if (row.oracle) {
      runs++
      await t.test(`oracle cookie-session 2.1: ${row.name}`, async () => {
        const diff = check(CLIENT, row, await runClientRow(row, 'cookie-session'), CLIENT_FIELDS, 'cookie-session', undefined, deviations(CLIENT, row))
        assert.ok(diff.length === 0, diff.join('\n'))
      })
    }
  }
  t.diagnostic(`door parity, client rows: ${CLIENT.rows.length} rows, ${runs} runs (doors and oracle), ${skips} skipped by the table`)
})
