'use strict'
// The Redis clients the tests drive the store with, each with its defaults (offline queue on):
// node-redis 4, 5, 6 (`redis4`, `redis5`, `redis6`, devDependencies under aliases) and ioredis 5, 6,
// standalone or cluster. `open(family, target)` → { client, close() }; target: { url } or { rootNodes }.
const FAMILIES = ['redis4', 'redis5', 'redis6', 'ioredis5', 'ioredis6']

async function open (family, target, options) {
  const o = options || {}
  if (family.startsWith('ioredis')) {
    const Redis = require(family)
    let client
    if (target.rootNodes) {
      client = new Redis.Cluster(target.rootNodes, { ...o })
    } else {
      const u = new URL(target.url)
      client = new Redis({ host: u.hostname, port: Number(u.port), ...o })
    }
    client.on('error', () => {})
    await new Promise((resolve, reject) => {
      client.once('ready', resolve)
      setTimeout(() => reject(new Error(`${family} did not become ready`)), 15000).unref()
    })
    return { client, family, close: async () => client.disconnect() }
  }
  const redis = require(family)
  const client = target.rootNodes
    ? redis.createCluster({ rootNodes: target.rootNodes.map((n) => ({ url: `redis://${n.host}:${n.port}` })), ...o })
    : redis.createClient({ url: target.url, ...o })
  client.on('error', () => {})
  await client.connect()
  return {
    client,
    family,
    close: async () => {
      try {
        if (typeof client.destroy === 'function') await client.destroy()
        else await client.disconnect()
      } catch (e) {}
    }
  }
}

/**
 * A redis-server and a node-redis 5 client on it for one test file: started in the file's `before`,
 * stopped in its `after`. Its `server` (./redis-servers.js) and `client` are there once `before` ran.
 */
function redisForFile () {
  const { before, after } = require('node:test')
  const servers = require('./redis-servers')
  const r = { server: null, client: null, close: null }
  before(async () => {
    r.server = await servers.standalone()
    const c = await open('redis5', { url: r.server.url })
    r.client = c.client
    r.close = c.close
  })
  after(async () => {
    await r.close()
    await r.server.stop()
  })
  return r
}

module.exports = { open, redisForFile, FAMILIES }
