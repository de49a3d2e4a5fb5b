'use strict'
// Two demo instances on two ports sharing one Redis: sign in on one, you are signed in on the other;
// sign out (or "sign out everywhere") on one, and the other sees it. `make demo-two`, or
// `REDIS_URL=redis://127.0.0.1:6379 node two.js` to use a Redis you run; without REDIS_URL it starts
// its own redis-server (Debian's) on a free loopback port, without persistence, and stops it after.
const { spawn } = require('node:child_process')
const crypto = require('node:crypto')
const net = require('node:net')
const path = require('node:path')

const PORTS = [Number(process.env.PORT_A || 3001), Number(process.env.PORT_B || 3002)]
const children = []

function freePort () {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => resolve(port))
    })
  })
}

async function redisUrl () {
  if (process.env.REDIS_URL) return process.env.REDIS_URL
  const port = await freePort()
  const server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' })
  server.on('error', (e) => {
    console.error(`two.js: could not start redis-server (${e.message}); install it (make system-deps) or set REDIS_URL`)
    process.exit(1)
  })
  children.push(server)
  await new Promise((resolve) => setTimeout(resolve, 300))
  console.log(`two.js: started redis-server on port ${port}`)
  return `redis://127.0.0.1:${port}`
}

async function main () {
  const url = await redisUrl()
  // one secret for both instances (they sign and verify each other's cookies), made for this run
  const secret = process.env.SESSION_SECRET || crypto.randomBytes(32).toString('base64url')
  for (const port of PORTS) {
    const child = spawn(process.execPath, [path.join(__dirname, 'server.js')], {
      env: { ...process.env, PORT: String(port), REDIS_URL: url, SESSION_SECRET: secret },
      stdio: 'inherit'
    })
    children.push(child)
  }
  console.log(`two.js: the demo on http://localhost:${PORTS[0]}/ and http://localhost:${PORTS[1]}/, one Redis (Ctrl+C stops all)`)
}

function stop () {
  for (const c of children) c.kill()
  process.exit(0)
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
main()
