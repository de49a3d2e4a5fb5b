'use strict'
/**
 * One small adapter per client family. The store never requires a Redis package: it is handed a
 * client and recognises its family by what the object can do.
 *   - node-redis 4, 5, 6 (`createClient`): `sendCommand(args, options)`;
 *     its cluster (`createCluster`): `sendCommand(firstKey, isReadonly, args, options)`, `masters`, `nodeClient`.
 *   - ioredis 5, 6 (`new Redis`): `call(name, ...args)`; its `Cluster`: the same, `isCluster`, `nodes('master')`.
 * Every adapter offers:
 *   send(key, args, signal)  one command (routed by `key` in a cluster); `signal` cancels it where the
 *                            client can drop a queued command (node-redis: `abortSignal`, v4 `signal`)
 *   masters()                a Promise of one `send(args)` per master (the client itself when standalone)
 *   wait(key, n, ms)         WAIT on the connection to the key's master (the one that took the write)
 *   ready()                  connected now (else commands wait in the client's offline queue)
 */

/** @returns {{ family: string, cluster: boolean, send: Function, masters: Function, wait: Function }} */
function adapt (client) {
  if (!client || (typeof client !== 'object' && typeof client !== 'function')) {
    throw new TypeError('client option required: a node-redis or ioredis client (or cluster)')
  }
  if (typeof client.call === 'function' && typeof client.nodes === 'function' && client.isCluster === true) return ioredisCluster(client)
  if (typeof client.call === 'function' && typeof client.sendCommand === 'function') return ioredis(client)
  if (typeof client.sendCommand === 'function' && typeof client.nodeClient === 'function') return nodeRedisCluster(client)
  if (typeof client.sendCommand === 'function') return nodeRedis(client)
  throw new TypeError('client option must be a node-redis client or cluster (createClient / createCluster) or an ioredis client or Cluster')
}

const str = (a) => a.map(String)
// v5 and v6 read `abortSignal`, v4 reads `signal`
const opts = (signal) => (signal ? { abortSignal: signal, signal } : undefined)

function nodeRedis (client) {
  const send = (key, args, signal) => client.sendCommand(str(args), opts(signal))
  return {
    family: 'node-redis',
    cluster: false,
    send,
    masters: async () => [(args) => send(null, args)],
    wait: (key, n, ms) => send(key, ['WAIT', n, ms]),
    ready: () => client.isReady === true
  }
}

function nodeRedisCluster (cluster) {
  const send = (key, args, signal) => cluster.sendCommand(key, false, str(args), opts(signal))
  return {
    family: 'node-redis',
    cluster: true,
    send,
    masters: async () => {
      const out = []
      for (const master of cluster.masters) {
        const client = await cluster.nodeClient(master)
        out.push((args) => client.sendCommand(str(args)))
      }
      return out
    },
    // routed by the key: the same connection to the same master as the write
    wait: (key, n, ms) => cluster.sendCommand(key, false, ['WAIT', String(n), String(ms)]),
    // a node may be down while the cluster is "ready": always give node-redis the means to cancel
    ready: () => false
  }
}

function ioredis (client) {
  const send = (key, args) => client.call(...str(args))
  return {
    family: 'ioredis',
    cluster: false,
    send,
    masters: async () => [(args) => send(null, args)],
    wait: (key, n, ms) => send(key, ['WAIT', n, ms]),
    ready: () => true // ioredis cannot cancel a queued command: no signal to make
  }
}

function ioredisCluster (cluster) {
  // ioredis finds the slot from the command's key positions (EVALSHA's numkeys included)
  const send = (key, args) => cluster.call(...str(args))
  return {
    family: 'ioredis',
    cluster: true,
    send,
    masters: async () => cluster.nodes('master').map((node) => (args) => node.call(...str(args))),
    wait: (key, n, ms) => {
      // WAIT has no key: send it to the node that serves the key's slot
      const owners = cluster.slots && cluster.slots[slot(key)]
      const node = owners && owners[0] && cluster.nodes('master').find((nd) => `${nd.options.host}:${nd.options.port}` === owners[0])
      if (!node) return Promise.reject(new Error('no master known for the key\'s slot'))
      return node.call('WAIT', String(n), String(ms))
    },
    ready: () => true
  }
}

// CRC16/XMODEM, as Redis Cluster's key slot (with {hash tags})
const TABLE = new Uint16Array(256)
for (let i = 0; i < 256; i++) {
  let c = i << 8
  for (let k = 0; k < 8; k++) c = c & 0x8000 ? ((c << 1) ^ 0x1021) & 0xffff : (c << 1) & 0xffff
  TABLE[i] = c
}
function slot (key) {
  let bytes = Buffer.from(key)
  const open = bytes.indexOf(0x7b)
  if (open !== -1) {
    const close = bytes.indexOf(0x7d, open + 1)
    if (close > open + 1) bytes = bytes.subarray(open + 1, close)
  }
  let crc = 0
  for (const b of bytes) crc = ((crc << 8) & 0xffff) ^ TABLE[((crc >> 8) ^ b) & 0xff]
  return crc % 16384
}

module.exports = { adapt, slot }
