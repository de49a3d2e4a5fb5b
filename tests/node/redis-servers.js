'use strict'
// Real Redis servers for the tests: one standalone redis-server, and a Redis Cluster of 3 masters +
// 3 replicas, each on free loopback ports (a cluster node's bus port, port + 10000, free too), in a
// temporary directory, waited for, and stopped at the end. Debian's redis-server and redis-cli
// (`make system-deps` installs them). A missing redis-server is a failure, never a skip.
const { spawn, execFile, spawnSync } = require('node:child_process')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const net = require('node:net')

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

function assertInstalled () {
  for (const bin of ['redis-server', 'redis-cli']) {
    const r = spawnSync(bin, ['--version'])
    if (r.status !== 0) throw new Error(`${bin} is not installed: run make system-deps (Debian's redis-server)`)
  }
}

function portFree (port) {
  return new Promise((resolve) => {
    const s = net.createServer()
    s.once('error', () => resolve(false))
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)))
  })
}

const taken = new Set()
/**
 * A free loopback port whose bus port (port + 10000) is free too, both below Linux's ephemeral range
 * (32768 and up), so an outgoing connection cannot take a bus port between this check and the
 * server's bind.
 */
async function freePort () {
  for (let i = 0; i < 200; i++) {
    const port = 12000 + Math.floor(Math.random() * 10000)
    if (taken.has(port)) continue
    if (await portFree(port) && await portFree(port + 10000)) {
      taken.add(port)
      return port
    }
  }
  throw new Error('no free port pair found')
}

/** redis-cli against a port; resolves with its stdout. */
function cli (port, ...args) {
  return new Promise((resolve, reject) => {
    execFile('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { encoding: 'utf8', timeout: 10000 }, (err, out, errOut) => {
      if (err) reject(new Error(`redis-cli -p ${port} ${args.join(' ')}: ${err.message} ${errOut}`))
      else resolve(out)
    })
  })
}

async function ping (port) {
  try {
    return (await cli(port, 'PING')).trim() === 'PONG'
  } catch (e) {
    return false
  }
}

/** One redis-server process; `start()` again after `stop()`/`kill()` restarts it on the same port and dir. */
class Node {
  constructor (dir, port, extra) {
    this.dir = dir
    this.port = port
    this.extra = extra || []
    this.proc = null
  }

  async start () {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--dbfilename', `dump-${this.port}.rdb`,
      '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--logfile', path.join(this.dir, `redis-${this.port}.log`), ...this.extra]
    this.proc = spawn('redis-server', args, { stdio: 'ignore' })
    const proc = this.proc
    proc.once('exit', () => { if (this.proc === proc) this.proc = null })
    for (let i = 0; i < 100; i++) {
      if (await ping(this.port)) return this
      if (!this.proc) break
      await sleep(50)
    }
    throw new Error(`redis-server on port ${this.port} did not start (log: ${path.join(this.dir, `redis-${this.port}.log`)})`)
  }

  /** SIGKILL: the process dies at once (a crash). */
  async kill () {
    await this._end('SIGKILL')
  }

  /** SHUTDOWN SAVE: the data is written to disk first, so start() brings it back. */
  async stop (save) {
    if (!this.proc) return
    if (save) {
      try { await cli(this.port, 'SHUTDOWN', 'SAVE') } catch (e) {}
    }
    await this._end('SIGTERM')
  }

  _end (signal) {
    const proc = this.proc
    if (!proc) return Promise.resolve()
    return new Promise((resolve) => {
      proc.once('exit', () => resolve())
      proc.kill(signal)
    })
  }
}

/** A standalone server: `{ port, url, node, stop() }`. */
async function standalone () {
  assertInstalled()
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'session-core-redis-'))
  const node = await new Node(dir, await freePort()).start()
  return {
    port: node.port,
    url: `redis://127.0.0.1:${node.port}`,
    node,
    cli: (...a) => cli(node.port, ...a),
    async stop () {
      await node.kill()
      fs.rmSync(dir, { recursive: true, force: true })
    }
  }
}

/**
 * A Redis Cluster of 3 masters and 3 replicas (`cluster-node-timeout 1000`), created with
 * `redis-cli --cluster create … --cluster-replicas 1 --cluster-yes`; resolves once every node says
 * cluster_state:ok and knows all six nodes. `{ nodes, ports, rootNodes, masters(), waitOk(), stop() }`.
 */
async function cluster () {
  assertInstalled()
  // `redis-cli --cluster create` now and then waits for the nodes to join for ever (seen about once
  // in ten runs on a busy machine); such an attempt is abandoned after 20 s and made again on fresh ports
  let last
  for (let attempt = 1; attempt <= 3; attempt++) {
    try {
      return await clusterOnce()
    } catch (e) {
      last = e
      process.stderr.write(`# cluster attempt ${attempt} failed: ${e.message.split('\n')[0]}\n`)
    }
  }
  throw last
}

async function clusterOnce () {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'session-core-cluster-'))
  const nodes = []
  for (let i = 0; i < 6; i++) {
    const port = await freePort()
    nodes.push(new Node(dir, port, ['--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`, '--cluster-node-timeout', '1000']))
  }
  try {
    await Promise.all(nodes.map((n) => n.start()))
  } catch (e) {
    await Promise.all(nodes.map((n) => n.kill()))
    throw e
  }
  const c = {
    nodes,
    ports: nodes.map((n) => n.port),
    rootNodes: nodes.map((n) => ({ host: '127.0.0.1', port: n.port })),
    dir,
    cli: (port, ...a) => cli(port, ...a),
    /** Ports of the nodes that are masters now (as the live nodes see it). */
    async masters () {
      const out = new Set()
      for (const n of nodes.filter((x) => x.proc)) {
        try {
          for (const line of (await cli(n.port, 'CLUSTER', 'NODES')).split('\n')) {
            const f = line.split(' ')
            if (f[2] && f[2].includes('master') && !f[2].includes('fail') && f[8]) out.add(Number(f[1].split(':')[1].split('@')[0]))
          }
          return [...out]
        } catch (e) {}
      }
      return [...out]
    },
    /** Until every live node says cluster_state:ok and sees 3 masters serving all slots. */
    async waitOk (ms = 30000) {
      const until = Date.now() + ms
      while (Date.now() < until) {
        let ok = true
        for (const n of nodes.filter((x) => x.proc)) {
          try {
            const info = await cli(n.port, 'CLUSTER', 'INFO')
            if (!/cluster_state:ok/.test(info) || !/cluster_slots_ok:16384/.test(info)) ok = false
          } catch (e) {
            ok = false
          }
          if (!ok) break
        }
        if (ok && (await c.masters()).length === 3) return
        await sleep(100)
      }
      throw new Error('the cluster did not reach cluster_state:ok')
    },
    async stop () {
      await Promise.all(nodes.map((n) => n.kill()))
      fs.rmSync(dir, { recursive: true, force: true })
    }
  }
  try {
    await create(nodes)
    await c.waitOk()
    await attached(nodes)
  } catch (e) {
    await c.stop()
    throw e
  }
  return c
}

function create (nodes) {
  return new Promise((resolve, reject) => {
    execFile('redis-cli', ['--cluster', 'create', ...nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-replicas', '1', '--cluster-yes'],
      { encoding: 'utf8', timeout: 20000 }, (err, out, errOut) => (err ? reject(new Error(`redis-cli --cluster create: ${err.message}\n${out}\n${errOut}`)) : resolve()))
  })
}

/** Until every node knows all six and the three replicas are attached: a failover can happen from the start. */
async function attached (nodes) {
  const until = Date.now() + 30000
  while (Date.now() < until) {
    const known = await Promise.all(nodes.map((n) => cli(n.port, 'CLUSTER', 'INFO').then((i) => /cluster_known_nodes:6/.test(i))))
    const replicas = (await cli(nodes[0].port, 'CLUSTER', 'NODES')).split('\n').filter((l) => / slave /.test(l) || /,slave /.test(l)).length
    if (known.every(Boolean) && replicas === 3) return
    await sleep(100)
  }
  throw new Error('the cluster\'s replicas did not attach')
}

module.exports = { standalone, cluster, freePort, cli, sleep }
