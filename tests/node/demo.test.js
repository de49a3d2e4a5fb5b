'use strict'
// The demo app (examples-node/, `make demo`) driven like a person would: pages, forms, redirects.
const test = require('node:test')
const assert = require('node:assert')
const path = require('node:path')
const request = require('supertest')

const createApp = require(path.join(__dirname, '..', '..', 'examples-node', 'server.js'))

test('demo: visits, cart, sign in (regenerate keeps the cart), profile, flash, sign out', async () => {
  const agent = request.agent(createApp({ secret: 'test secret' }))
  await agent.get('/profile').expect(401)
  const home = await agent.get('/').expect(200)
  assert.match(home.text, /You have viewed 2 pages in this session/)
  await agent.post('/cart').type('form').send({ item: 'tea' }).expect(302).expect('Location', '/cart')
  const cart = await agent.get('/cart').expect(200)
  assert.match(cart.text, /Green tea added to the cart/)
  assert.match(cart.text, /Green tea × 1/)
  assert.match((await agent.get('/session')).text, /&quot;cart&quot;: \{\s*&quot;tea&quot;: 1/)
  const bad = await agent.post('/login').type('form').send({ user: 'alice', password: 'nope' }).expect(302)
  assert.strictEqual(bad.headers.location, '/login')
  assert.match((await agent.get('/login')).text, /wrong password/)
  const login = await agent.post('/login').type('form').send({ user: 'alice', password: 'wonderland' }).expect(302)
  assert.strictEqual(login.headers.location, '/profile')
  const profile = await agent.get('/profile').expect(200)
  assert.match(profile.text, /Welcome, alice!/)
  assert.match(profile.text, /Profile of alice/)
  assert.match((await agent.get('/cart')).text, /Green tea × 1/, 'the cart survived sign-in')
  const sessionPage = await agent.get('/session').expect(200)
  assert.match(sessionPage.text, /&quot;user&quot;: &quot;alice&quot;/)
  assert.match(sessionPage.text, /&quot;createdAt&quot;/)
  const out = await agent.post('/logout').expect(302)
  assert.match(out.headers['set-cookie'][0], /^connect\.sid=; Path=\/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Lax$/)
  await agent.get('/profile').expect(401)
})

test('demo: the /__session inspector is served in development only', async () => {
  const dev = await request(createApp({ secret: 's' })).get('/__session').set('Cookie', 'theme=<dark>').expect(200)
  assert.match(dev.text, /<script id="prefill" type="application\/json">\{"header":"theme=\\u003cdark>","as":"cookie"\}<\/script>/)
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
