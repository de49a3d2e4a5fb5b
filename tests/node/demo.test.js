'use strict'
// The demo app (examples-node/, `make demo`) driven like a person would: pages, forms, redirects.
const test = require('node:test')
const assert = require('node:assert')
const path = require('node:path')
const request = require('supertest')

const createApp = require(path.join(__dirname, '..', '..', 'examples-node', 'server.js'))

/** The CSRF token of the first form on a page. */
const tokenOf = (res) => res.text.match(/name="_csrf" value="([^"]+)"/)[1]

test('demo: visits, cart, sign in (regenerate keeps the cart), profile, flash, sign out', async () => {
  const agent = request.agent(createApp({ secret: 'test secret' }))
  await agent.get('/profile').expect(401)
  const home = await agent.get('/').expect(200)
  assert.match(home.text, /You have viewed 2 pages in this session/)
  const shop = await agent.get('/shop').expect(200)
  await agent.post('/cart').type('form').send({ item: 'tea', _csrf: tokenOf(shop) }).expect(302).expect('Location', '/cart')
  const cart = await agent.get('/cart').expect(200)
  assert.match(cart.text, /Green tea added to the cart/)
  assert.match(cart.text, /Green tea × 1/)
  assert.match((await agent.get('/session')).text, /&quot;cart&quot;: \{\s*&quot;tea&quot;: 1/)
  const bad = await agent.post('/login').type('form').send({ user: 'alice', password: 'nope', _csrf: tokenOf(await agent.get('/login')) }).expect(302)
  assert.strictEqual(bad.headers.location, '/login')
  assert.match((await agent.get('/login')).text, /wrong password/)
  const login = await agent.post('/login').type('form').send({ user: 'alice', password: 'wonderland', _csrf: tokenOf(await agent.get('/login')) }).expect(302)
  assert.strictEqual(login.headers.location, '/profile')
  const profile = await agent.get('/profile').expect(200)
  assert.match(profile.text, /Welcome, alice!/)
  assert.match(profile.text, /Profile of alice/)
  assert.match((await agent.get('/cart')).text, /Green tea × 1/, 'the cart survived sign-in')
  const sessionPage = await agent.get('/session').expect(200)
  assert.match(sessionPage.text, /&quot;user&quot;: &quot;alice&quot;/)
  assert.match(sessionPage.text, /&quot;createdAt&quot;/)
  const out = await agent.post('/logout').type('form').send({ _csrf: tokenOf(sessionPage) }).expect(302)
  assert.match(out.headers['set-cookie'][0], /^connect\.sid=; Path=\/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Lax$/)
  await agent.get('/profile').expect(401)
})

test('demo: the /__session inspector is served in development only, never with the request\'s cookies in it', async () => {
  const dev = await request(createApp({ secret: 's' })).get('/__session').set('Cookie', 'theme=dark; connect.sid=s%3Asecretvalue').expect(200)
  assert.match(dev.text, /session-core/)
  assert.doesNotMatch(dev.text, /secretvalue|theme=dark/)
  const saved = process.env.NODE_ENV
  process.env.NODE_ENV = 'production'
  const warn = console.warn
  console.warn = () => {}
  try {
    await request(createApp({ secret: 's' })).get('/__session').expect(404)
  } finally {
    process.env.NODE_ENV = saved
    console.warn = warn
  }
})

test('demo: every form carries a CSRF token; each posted without it is a 403; pages show the tag, never the id or cookie', async () => {
  const agent = request.agent(createApp({ secret: 'test secret for the demo, long enough 0123' }))
  const shop = await agent.get('/shop').expect(200)
  await agent.post('/cart').type('form').send({ item: 'tea', _csrf: tokenOf(shop) }).expect(302)
  const login = await agent.get('/login').expect(200)
  await agent.post('/login').type('form').send({ user: 'alice', password: 'wonderland', _csrf: tokenOf(login) }).expect(302)
  const pages = await Promise.all(['/', '/shop', '/cart', '/profile', '/session', '/login'].map((p) => agent.get(p)))
  const forms = new Set()
  for (const p of pages) {
    for (const m of p.text.matchAll(/<form[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/g)) {
      assert.match(m[2], /name="_csrf" value="[^"]+"/, `the form to ${m[1]} carries a token`)
      forms.add(m[1])
    }
  }
  assert.deepStrictEqual([...forms].sort(), ['/cart', '/login', '/logout'])
  for (const action of forms) {
    const r = await agent.post(action).type('form').send({ item: 'tea', user: 'alice', password: 'wonderland' })
    assert.strictEqual(r.status, 403, action)
    assert.match(r.text, /Form expired/)
  }
  const sessionPage = pages[4].text
  assert.match(sessionPage, /<code id="tag">[A-Za-z0-9_-]{8}<\/code>/)
  assert.ok(!/csrfSecret&quot;: &quot;(?!\(hidden\))/.test(sessionPage), 'the CSRF secret is hidden')
  assert.ok(!/connect\.sid|s%3A|s:[A-Za-z0-9_-]{32}\./.test(sessionPage), 'no cookie on the page')
  // helmet's headers: a CSP forbidding framing
  assert.match(pages[0].headers['content-security-policy'], /frame-ancestors 'none'/)
})

test('demo: under NODE_ENV=production it refuses to start without SESSION_SECRET', () => {
  const saved = [process.env.NODE_ENV, process.env.SESSION_SECRET]
  process.env.NODE_ENV = 'production'
  delete process.env.SESSION_SECRET
  try {
    assert.throws(() => createApp(), /SESSION_SECRET is not set/)
  } finally {
    process.env.NODE_ENV = saved[0]
    if (saved[1] !== undefined) process.env.SESSION_SECRET = saved[1]
  }
})

test('demo: your devices lists the user\'s sessions by tag; sign out another device, or every other one', async () => {
  const app = createApp({ secret: 'test secret' })
  const signIn = async (ua) => {
    const agent = request.agent(app)
    const form = await agent.get('/login').set('User-Agent', ua) // the form first: its token, and the session cookie
    await agent.post('/login').set('User-Agent', ua).type('form').send({ user: 'bob', password: 'builder', _csrf: tokenOf(form) }).expect(302)
    return agent
  }
  const laptop = await signIn('Laptop/1.0')
  const phone = await signIn('Phone/2.0')
  const tablet = await signIn('Tablet/3.0')
  const page = await phone.get('/devices').set('User-Agent', 'Phone/2.0').expect(200)
  assert.strictEqual((page.text.match(/<tr><td><code>/g) || []).length, 3)
  assert.match(page.text, /Laptop\/1\.0/)
  assert.match(page.text, /\(this device\)/)
  const laptopTag = page.text.match(/<code>([A-Za-z0-9_-]{8})<\/code><\/td>\s*<td>Laptop/)[1]
  await phone.post(`/devices/${laptopTag}/signout`).type('form').send({ _csrf: tokenOf(page) }).expect(302)
  await laptop.get('/profile').expect(401)
  await tablet.get('/profile').expect(200)
  const again = await phone.get('/devices').set('User-Agent', 'Phone/2.0')
  assert.match(again.text, /That device is signed out/)
  await phone.post('/devices/signout-others').type('form').send({ _csrf: tokenOf(again) }).expect(302)
  await tablet.get('/profile').expect(401)
  await phone.get('/profile').expect(200)
  // a cross-site form post without the token is refused
  await phone.post('/devices/signout-others').type('form').send({}).expect(403)
})

test('demo: /metrics shows live sessions and store latency after traffic', async () => {
  const app = createApp({ secret: 'test secret' })
  const agent = request.agent(app)
  for (let i = 0; i < 3; i++) await agent.get('/').expect(200)
  await request(app).get('/').expect(200)
  const res = await request(app).get('/metrics').expect(200)
  assert.match(res.text, /^session_core_live_sessions [1-9]/m)
  assert.match(res.text, /^session_core_store_duration_seconds_count\{method="[a-z]+"\} [1-9]/m)
  assert.match(res.text, /^session_core_record_bytes_count [1-9]/m)
})
