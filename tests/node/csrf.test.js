'use strict'
// CSRF: csrf() of session-core/express and session-core/cookie-session on real Express 4
// and 5. Accepted with a token from each of csurf's six places; 403 EBADCSRFTOKEN without one, with
// a forged one, with another session's, with no session, after regenerate, cross-site, from an
// origin not listed; the real csurf 1.11's tokens accepted from the session it gave its secret to.
const { describe, it } = require('node:test')
const assert = require('node:assert')
const path = require('node:path')
const request = require('supertest')
const csurf = require('csurf')
const { EXPRESSES } = require('./helpers')
const { dir } = require('./pkg')

const session = require(path.join(dir, 'express'))
const cookieSession = require(path.join(dir, 'cookie-session'))
const SECRET = 'a-test-secret-that-is-long-enough-0123456789'

const KINDS = [
  ['session-core/express', () => session({ secret: SECRET, resave: false, saveUninitialized: false, store: new session.MemoryStore() }), session.csrf],
  ['session-core/cookie-session', () => cookieSession({ keys: [SECRET] }), cookieSession.csrf]
]

/** An app: the session, then `guard` (csrf() by default), then the routes; errors as `status code`. */
function app (express, middleware, guard) {
  const a = express()
  a.use(express.urlencoded({ extended: false }))
  a.use(express.json())
  if (middleware) a.use(middleware)
  a.use(guard)
  a.get('/token', (req, res) => res.send(req.csrfToken()))
  a.get('/regenerate', (req, res, next) => {
    if (typeof req.session.regenerate === 'function') {
      req.session.regenerate({ keep: req.query.keep === '1' }, (err) => (err ? next(err) : res.send(req.csrfToken())))
    } else {
      // cookie-session: a new session object (what it has for regenerate)
      const { csrfSecret, ...rest } = req.session
      req.session = rest
      res.send(req.csrfToken())
    }
  })
  a.all('/do', (req, res) => res.send('done'))
  a.use((err, req, res, next) => res.status(err.status || 500).send(`${err.code}`))
  return a
}

/** A browser: a cookie jar over supertest. */
function browser (a) {
  const agent = request.agent(a)
  return {
    agent,
    async token () { return (await agent.get('/token').expect(200)).text }
  }
}

const forbidden = (r) => { assert.strictEqual(r.status, 403, r.text); assert.strictEqual(r.text, 'EBADCSRFTOKEN') }

for (const [label, express] of EXPRESSES) {
  for (const [kind, make, csrf] of KINDS) {
    describe(`csrf: ${kind} on ${label}`, () => {
      it('accepts the token from each of csurf\'s six places; GET, HEAD and OPTIONS pass without one', async () => {
        const b = browser(app(express, make(), csrf()))
        const t = await b.token()
        await b.agent.post('/do').type('form').send({ _csrf: t }).expect(200, 'done')
        await b.agent.post('/do?_csrf=' + encodeURIComponent(t)).expect(200)
        for (const h of ['csrf-token', 'xsrf-token', 'x-csrf-token', 'x-xsrf-token']) {
          await b.agent.post('/do').set(h, t).expect(200)
          await b.agent.delete('/do').set(h, t).expect(200)
        }
        await b.agent.get('/do').expect(200)
        await b.agent.head('/do').expect(200)
        await b.agent.options('/do').expect(200)
      })

      it('each token is fresh (masked), and every one verifies', async () => {
        const b = browser(app(express, make(), csrf()))
        const [t1, t2] = [await b.token(), await b.token()]
        assert.notStrictEqual(t1, t2)
        await b.agent.put('/do').set('x-csrf-token', t1).expect(200)
        await b.agent.patch('/do').set('x-csrf-token', t2).expect(200)
      })

      it('refuses no token, a forged one, another session\'s, and no session at all', async () => {
        const a = app(express, make(), csrf())
        const b = browser(a)
        const t = await b.token()
        forbidden(await b.agent.post('/do'))
        forbidden(await b.agent.post('/do').set('x-csrf-token', t.slice(0, -2) + (t.endsWith('AA') ? 'BB' : 'AA')))
        forbidden(await b.agent.post('/do').set('x-csrf-token', 'nodash'))
        forbidden(await b.agent.post('/do').send({ _csrf: ['array'] }))
        const other = await browser(a).token()
        forbidden(await b.agent.post('/do').set('x-csrf-token', other))
        forbidden(await request(a).post('/do').set('x-csrf-token', t)) // no cookie: no session secret
        forbidden(await request(app(express, null, csrf())).post('/do').set('x-csrf-token', t)) // no session middleware
      })

      it('refuses a cross-site request before the token (and lets it through with secFetchSite: false)', async () => {
        const b = browser(app(express, make(), csrf()))
        const t = await b.token()
        forbidden(await b.agent.post('/do').set('x-csrf-token', t).set('sec-fetch-site', 'cross-site'))
        await b.agent.post('/do').set('x-csrf-token', t).set('sec-fetch-site', 'same-origin').expect(200)
        const off = browser(app(express, make(), csrf({ secFetchSite: false })))
        const t2 = await off.token()
        await off.agent.post('/do').set('x-csrf-token', t2).set('sec-fetch-site', 'cross-site').expect(200)
      })

      it('origins: an Origin outside the list is refused', async () => {
        const b = browser(app(express, make(), csrf({ origins: ['https://shop.example'] })))
        const t = await b.token()
        await b.agent.post('/do').set('x-csrf-token', t).set('origin', 'https://shop.example').expect(200)
        forbidden(await b.agent.post('/do').set('x-csrf-token', t).set('origin', 'https://evil.example'))
        forbidden(await b.agent.post('/do').set('x-csrf-token', t).set('origin', 'null'))
      })

      it('ignoreMethods is configurable; bad options are TypeErrors naming the option', async () => {
        const b = browser(app(express, make(), csrf({ ignoreMethods: ['GET', 'POST'] })))
        await b.agent.post('/do').expect(200)
        forbidden(await b.agent.put('/do'))
        assert.throws(() => csrf({ origin: [] }), (e) => e instanceof TypeError && e.field === 'origin' && /did you mean origins/.test(e.message))
        assert.throws(() => csrf({ origins: ['shop.example'] }), (e) => e.field === 'origins')
        assert.throws(() => csrf({ ignoreMethods: 'GET' }), (e) => e.field === 'ignoreMethods')
      })

      it('regenerate replaces the secret: tokens issued before are refused after (with and without keep)', async () => {
        for (const keep of ['0', '1']) {
          const b = browser(app(express, make(), csrf()))
          const before = await b.token()
          const after = (await b.agent.get('/regenerate?keep=' + keep).expect(200)).text
          forbidden(await b.agent.post('/do').set('x-csrf-token', before))
          await b.agent.post('/do').set('x-csrf-token', after).expect(200)
        }
      })

      it('accepts the tokens the real csurf 1.11 issued from the session (switching from csurf)', async () => {
        const store = new session.MemoryStore()
        const mw = kind === 'session-core/express'
          ? session({ secret: SECRET, resave: false, saveUninitialized: false, store })
          : cookieSession({ keys: [SECRET] })
        // the same session middleware, first under csurf, then under ours
        let useCsurf = true
        const old = csurf()
        const ours = csrf()
        const a = app(express, mw, (req, res, next) => (useCsurf ? old : ours)(req, res, next))
        const b = browser(a)
        const fromCsurf = await b.token()
        await b.agent.post('/do').set('x-csrf-token', fromCsurf).expect(200) // csurf accepts its own
        useCsurf = false
        await b.agent.post('/do').set('x-csrf-token', fromCsurf).expect(200) // ours accepts csurf's
        const fromUs = await b.token()
        useCsurf = true
        await b.agent.post('/do').set('x-csrf-token', fromUs).expect(200) // and csurf accepts ours
      })
    })
  }
}

describe('csrf: a client-side session cookie neither signed nor encrypted is refused', () => {
  it('at setup, and at the request when req.sessionOptions turns signing off', async () => {
    const { spawnSync } = require('node:child_process')
    const mod = JSON.stringify(path.join(dir, 'cookie-session'))
    const r = spawnSync(process.execPath, ['-e', `
      const cs = require(${mod}); cs({ signed: false })
      try { cs.csrf(); console.log('no throw') } catch (e) { console.log(e.code) }`], { encoding: 'utf8' })
    assert.strictEqual(r.stdout.trim(), 'ERR_SESSION_CORE_CSRF_UNSIGNED', r.stderr)
    const express = EXPRESSES[0][1]
    const per = express()
    per.use(cookieSession({ keys: [SECRET] }))
    per.use((req, res, next) => { req.sessionOptions.signed = false; next() })
    per.use(cookieSession.csrf())
    per.get('/', (req, res) => res.send('x'))
    per.use((err, req, res, next) => res.status(err.status).send(err.code))
    await request(per).get('/').expect(500, 'ERR_SESSION_CORE_CSRF_UNSIGNED')
  })
})
