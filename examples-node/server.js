'use strict'
// The session-core demo: run `make demo` at the top of the repository, then open the URL it prints.
const crypto = require('node:crypto')
const express = require('express')
const helmet = require('helmet')
const session = require('session-core/express')
const { tag } = require('session-core')
const metrics = require('./metrics')

const USERS = { alice: 'wonderland', bob: 'builder' } // demo accounts: user -> password
const PRODUCTS = { tea: 'Green tea', cake: 'Lemon cake', book: 'A good book' }

const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c])

/** The hidden CSRF field every form carries (session.csrf() checks it on every POST). */
const csrfField = (req) => `<input type="hidden" name="_csrf" value="${esc(req.csrfToken())}">`

function page (req, title, body) {
  const user = req.session && req.session.user
  const flashes = req.flash()
  const messages = Object.entries(flashes).flatMap(([type, list]) => list.map((m) => `<p class="flash ${esc(type)}">${esc(m)}</p>`)).join('')
  const cartCount = Object.values((req.session && req.session.cart) || {}).reduce((a, b) => a + b, 0)
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)} · session-core demo</title>
<style>
 body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#222}
 nav a{margin-right:1rem} .flash{padding:.5rem 1rem;border-radius:4px;background:#eef6ee;border:1px solid #9c9}
 .flash.error{background:#fbeeee;border-color:#c99} pre{background:#f4f4f4;padding:1rem;overflow:auto;font-size:13px}
 form.inline{display:inline} label{display:block;margin:.5rem 0}
</style></head><body>
<nav><a href="/">Home</a><a href="/shop">Shop</a><a href="/cart">Cart (${cartCount})</a><a href="/profile">Profile</a>${user ? '<a href="/devices">Your devices</a>' : ''}<a href="/session">Session</a>${process.env.NODE_ENV !== 'production' ? '<a href="/__session">Inspector</a>' : ''}
${user ? `<form class="inline" method="post" action="/logout">${csrfField(req)}<button>Sign out ${esc(user)}</button></form>` : '<a href="/login">Sign in</a>'}</nav>
${messages}
<h1>${esc(title)}</h1>
${body}
</body></html>`
}

/**
 * The session secret: SESSION_SECRET (several, newest first, separated by spaces, for rotation).
 * In production there is no default: the demo refuses to start without it. Elsewhere a random one
 * is made at each start (sessions end on restart), and the demo says so.
 */
function secrets (given) {
  if (given) return given
  const env = (process.env.SESSION_SECRET || '').split(/\s+/).filter(Boolean)
  if (env.length) return env
  if (process.env.NODE_ENV === 'production') {
    throw new Error('SESSION_SECRET is not set: in production the demo needs one (32 random bytes or more, such as the output of: node -e "console.log(require(\'crypto\').randomBytes(32).toString(\'base64url\'))")')
  }
  console.log('session-core demo: no SESSION_SECRET: using a random secret made for this run (sessions end when it stops)')
  return crypto.randomBytes(32).toString('base64url')
}

function createApp (options = {}) {
  const app = express()
  // MemoryStore by default; RedisStore when the caller passes one (REDIS_URL: see the bottom)
  const store = options.store || new session.MemoryStore()
  // /metrics for Prometheus: live sessions, store latency and errors, record sizes (./metrics.js)
  app.get('/metrics', metrics.handler(store))
  // Behind a TLS proxy (TRUST_PROXY=1, or a number of hops, or a list of addresses) Express reads
  // X-Forwarded-Proto, so secure: 'auto' sends the cookie as Secure there.
  if (process.env.TRUST_PROXY) app.set('trust proxy', /^\d+$/.test(process.env.TRUST_PROXY) ? Number(process.env.TRUST_PROXY) : process.env.TRUST_PROXY)

  // The cookie inspector (paste a Cookie or Set-Cookie header into it): in development only, and
  // before helmet (its page runs inline scripts, which the demo's CSP forbids). It is not pre-filled
  // with this request's cookies: no page of the demo prints a cookie value.
  if (process.env.NODE_ENV !== 'production') {
    const inspector = require('fs').readFileSync(require.resolve('session-core/inspector.html'), 'utf8')
    app.get('/__session', (req, res) => res.type('html').send(inspector))
  }

  // Security headers as a user adds them: a CSP (no inline scripts; no framing: frame-ancestors 'none').
  app.use(helmet({ contentSecurityPolicy: { directives: { 'frame-ancestors': ["'none'"] } } }))
  app.use(express.urlencoded({ extended: false }))
  app.use(session({
    secret: secrets(options.secret),
    store,
    resave: false,
    saveUninitialized: false,
    // the per-user index: "your devices", sign out one device or every other one
    user: (req) => req.session.user,
    cookie: { maxAge: 30 * 60 * 1000, sameSite: 'lax', secure: 'auto' },
    idleTimeout: 20 * 60 * 1000,
    absoluteTimeout: 8 * 60 * 60 * 1000
  }))
  // CSRF tokens on every form (the login form too: that stops login CSRF); a POST without one is a 403.
  app.use(session.csrf())

  // the visit counter: every page view counts, per session
  app.use((req, res, next) => {
    if (req.method === 'GET' && req.path !== '/favicon.ico') req.session.visits = (req.session.visits || 0) + 1
    next()
  })

  app.get('/', (req, res) => {
    res.send(page(req, 'Welcome', `<p>You have viewed ${req.session.visits} page${req.session.visits === 1 ? '' : 's'} in this session.</p>
<p>${req.session.user ? `Signed in as <b>${esc(req.session.user)}</b>.` : 'You are not signed in. Try <code>alice</code> / <code>wonderland</code>.'}</p>
<p>Put things in the <a href="/shop">cart</a>, sign in (the cart is kept: the session id changes, the data stays), and look at the <a href="/session">session record and cookie</a>.</p>`))
  })

  app.get('/login', (req, res) => {
    res.send(page(req, 'Sign in', `<form method="post" action="/login">${csrfField(req)}
<label>User <input name="user" autocomplete="username" required></label>
<label>Password <input name="password" type="password" autocomplete="current-password" required></label>
<button>Sign in</button></form>`))
  })

  app.post('/login', async (req, res, next) => {
    const { user, password } = req.body
    if (!Object.hasOwn(USERS, user) || USERS[user] !== password) {
      req.flash('error', 'Unknown user or wrong password.')
      return res.redirect('/login')
    }
    try {
      // a new session id on login (against session fixation), keeping the cart
      await req.session.regenerate({ keep: true })
      req.session.user = user
      req.flash('info', `Welcome, ${user}!`)
      res.redirect('/profile') // the session is in the store before this redirect reaches the browser
    } catch (err) {
      next(err)
    }
  })

  app.post('/logout', async (req, res, next) => {
    try {
      await req.session.destroy() // removes the record and expires the cookie
      res.redirect('/')
    } catch (err) {
      next(err)
    }
  })

  app.get('/profile', (req, res) => {
    if (!req.session.user) {
      req.flash('error', 'Please sign in first.')
      return res.status(401).send(page(req, 'Signed out', '<p>This page needs you to <a href="/login">sign in</a>.</p>'))
    }
    res.send(page(req, `Profile of ${req.session.user}`, `<p>Signed in since this session began. This session's tag: <code>${esc(tag(req.sessionID))}</code> (a tag names a session; its id never shows on a page: an id is a login).</p>`))
  })

  // "Your devices": every session of the signed-in user, by tag (never an id), with sign-out buttons
  app.get('/devices', async (req, res, next) => {
    if (!req.session.user) return res.redirect('/login')
    try {
      const devices = await store.sessionsOf(req.session.user, { current: req.sessionID })
      const rows = devices.map((d) => `<tr><td><code>${esc(d.tag)}</code>${d.current ? ' (this device)' : ''}</td>
<td>${esc(d.userAgent || 'unknown browser')}</td><td>${esc(new Date(d.createdAt).toISOString())}</td><td>${esc(new Date(d.lastSeen).toISOString())}</td>
<td>${d.current ? '' : `<form class="inline" method="post" action="/devices/${esc(d.tag)}/signout">${csrfField(req)}<button>Sign out</button></form>`}</td></tr>`).join('')
      res.send(page(req, 'Your devices', `<table id="devices"><tr><th>Session</th><th>Browser</th><th>Signed in</th><th>Last seen</th><th></th></tr>${rows}</table>
<form method="post" action="/devices/signout-others">${csrfField(req)}<button>Sign out everywhere else</button></form>`))
    } catch (err) {
      next(err)
    }
  })

  app.post('/devices/:tag/signout', async (req, res, next) => {
    if (!req.session.user) return res.redirect('/login')
    try {
      const ended = await store.destroySession(req.session.user, req.params.tag)
      req.flash('info', ended ? 'That device is signed out.' : 'No such session (already signed out?).')
      res.redirect('/devices')
    } catch (err) {
      next(err)
    }
  })

  app.post('/devices/signout-others', async (req, res, next) => {
    if (!req.session.user) return res.redirect('/login')
    try {
      const n = await store.destroyUser(req.session.user, { except: req.sessionID })
      req.flash('info', `Signed out on ${n} other device${n === 1 ? '' : 's'}.`)
      res.redirect('/devices')
    } catch (err) {
      next(err)
    }
  })

  app.get('/shop', (req, res) => {
    const items = Object.entries(PRODUCTS).map(([id, name]) =>
      `<li>${esc(name)} <form class="inline" method="post" action="/cart">${csrfField(req)}<input type="hidden" name="item" value="${id}"><button>Add</button></form></li>`).join('')
    res.send(page(req, 'Shop', `<ul>${items}</ul>`))
  })

  app.post('/cart', (req, res) => {
    const item = req.body.item
    if (Object.hasOwn(PRODUCTS, item)) {
      req.session.cart = req.session.cart || {}
      req.session.cart[item] = (req.session.cart[item] || 0) + 1
      req.flash('info', `${PRODUCTS[item]} added to the cart.`)
    }
    res.redirect('/cart')
  })

  app.get('/cart', (req, res) => {
    const cart = req.session.cart || {}
    const rows = Object.entries(cart).map(([id, n]) => `<li>${esc(PRODUCTS[id] || id)} × ${n}</li>`).join('')
    res.send(page(req, 'Cart', rows ? `<ul>${rows}</ul>` : '<p>The cart is empty.</p>'))
  })

  app.get('/session', (req, res) => {
    // what the store keeps, with the CSRF secret hidden: a page shows no secret, no id, no cookie value
    const record = JSON.parse(JSON.stringify(req.session))
    if (record.csrfSecret) record.csrfSecret = '(hidden)'
    res.send(page(req, 'Your session', `<p>This session's tag: <code id="tag">${esc(tag(req.sessionID))}</code>. The id and the
cookie never show on a page (page scripts, and any XSS, would read them despite HttpOnly).</p>
<p>The record as the store keeps it (what express-session keeps, byte for byte, plus
<code>createdAt</code>/<code>lastSeen</code> for the idle and absolute timeouts):</p>
<pre id="record">${esc(JSON.stringify(record, null, 2))}</pre>
<p>Time left before the cookie expires: ${Math.round((req.session.cookie.maxAge || 0) / 1000)} s.</p>`))
  })

  app.use((err, req, res, next) => {
    if (err.code === 'EBADCSRFTOKEN') {
      return res.status(403).send(page(req, 'Form expired', '<p>This form was not sent from this site, or it has expired. Go back, reload the page and try again.</p>'))
    }
    console.error(err)
    res.status(500).send('Something went wrong.')
  })
  return app
}

module.exports = createApp

/** RedisStore on REDIS_URL (node-redis, as a user wires it), or undefined for the MemoryStore. */
async function storeFromEnv () {
  if (!process.env.REDIS_URL) return undefined
  const { createClient } = require('redis')
  const { RedisStore } = require('session-core/redis')
  const client = createClient({ url: process.env.REDIS_URL })
  client.on('error', (err) => console.error('redis:', err.message))
  await client.connect()
  console.log(`session-core demo: sessions in Redis at ${process.env.REDIS_URL}`)
  return new RedisStore({ client, prefix: 'demo:' })
}

if (require.main === module) {
  const port = Number(process.env.PORT || 3000)
  storeFromEnv().then((store) => {
    const server = createApp({ store }).listen(port, '127.0.0.1', () => {
      console.log(`session-core demo: http://localhost:${server.address().port}/  (Ctrl+C to stop)`)
    })
  }, (err) => {
    console.error('session-core demo:', err.message)
    process.exit(1)
  })
}
