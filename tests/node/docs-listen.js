'use strict'
/**
 * Preloaded (`node --require`) into every JavaScript example the docs test runs. An example that
 * starts a server (`app.listen(3000)`, `serve({ fetch, port: 3000 })`) gets a free loopback port
 * instead of the one it names; once it listens, requests are made through it, one after the other
 * with one cookie jar, as a browser would: every route an Express app registered, in order (a
 * `:param` filled with `x`), or `GET /` for any other server. Each request is printed
 * (`docs-request: GET / -> 200`); a 5xx answer, a request that fails or one that takes over 10 s
 * exits the process with status 1; otherwise the server is closed and the process exits with 0
 * (so a Redis client left connected does not keep it running).
 */
const http = require('node:http')

const listen = http.Server.prototype.listen
let driven = false

http.Server.prototype.listen = function (...args) {
  if (driven) return listen.apply(this, args)
  driven = true
  const done = typeof args[args.length - 1] === 'function' ? args[args.length - 1] : null
  listen.call(this, 0, '127.0.0.1', () => {
    if (done) done.call(this)
    drive(this).then(
      () => this.close(() => process.exit(0)),
      (err) => {
        console.error(`docs-request failed: ${err.message}`)
        process.exit(1)
      })
  })
  return this
}

/** The requests to make: an Express app's routes, in the order it registered them; else GET /. */
function requests (server) {
  const app = server.listeners('request')[0]
  const stack = app && ((app.router && app.router.stack) || (app._router && app._router.stack))
  const routes = (stack || []).filter((layer) => layer.route && typeof layer.route.path === 'string').map((layer) => ({
    method: Object.keys(layer.route.methods).find((m) => m !== '_all') || 'get',
    path: layer.route.path.replace(/:\w+/g, 'x')
  }))
  return routes.length ? routes : [{ method: 'get', path: '/' }]
}

async function drive (server) {
  const base = `http://127.0.0.1:${server.address().port}`
  const jar = new Map()
  for (const { method, path } of requests(server)) {
    const headers = { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') }
    const unsafe = method !== 'get' && method !== 'head'
    if (unsafe) headers['content-type'] = 'application/x-www-form-urlencoded'
    const res = await fetch(base + path, { method: method.toUpperCase(), headers, body: unsafe ? '' : undefined, redirect: 'manual', signal: AbortSignal.timeout(10000) })
    const body = await res.text()
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';')
      const eq = pair.indexOf('=')
      const name = pair.slice(0, eq).trim()
      const gone = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a) || (/^\s*expires=/i.test(a) && Date.parse(a.split('=')[1]) <= Date.now()))
      if (gone) jar.delete(name)
      else jar.set(name, pair.slice(eq + 1).trim())
    }
    console.log(`docs-request: ${method.toUpperCase()} ${path} -> ${res.status}`)
    if (res.status >= 500) throw new Error(`${method.toUpperCase()} ${path} answered ${res.status}: ${body.slice(0, 500)}`)
  }
}
