'use strict'
// Run by no-secrets.test.js in a child process with DEBUG=session-core:* and NODE_ENV=production:
// apps on both session kinds and both Expresses, every object inspected; prints what it saw last,
// as JSON, for the test to search: the secrets, ids, cookie values and CSRF secrets it must not find.
const util = require('node:util')
const path = require('node:path')
const request = require('supertest')
const { dir } = require('./pkg')

const session = require(path.join(dir, 'express'))
const cookieSession = require(path.join(dir, 'cookie-session'))
const SECRET = 'S3CRET-for-the-no-secrets-test-0123456789abcdef'
const KEY = 'K3Y-for-the-no-secrets-test-0123456789abcdefghij'

const found = { ids: [], cookies: [], csrf: [], tokens: [] }
const log = (...args) => console.log(...args)
function inspectAll (name, o) {
  log(name, o)
  log(name, util.inspect(o, { showHidden: true, depth: 6 }))
  log(name, util.inspect(o, { depth: null }))
  try { log(name, JSON.stringify(Object.keys(o))) } catch {}
}

async function run (express, label) {
  const store = new session.MemoryStore()
  const opts = { secret: SECRET, store, resave: false, saveUninitialized: false, cookie: { maxAge: 60000 } }
  const mw = session(opts)
  const a = express()
  a.use(express.urlencoded({ extended: false }))
  a.use(mw)
  a.use(session.csrf())
  a.get('/', (req, res) => {
    req.session.user = 'alice'
    const t = req.csrfToken()
    found.ids.push(req.sessionID)
    found.csrf.push(req.session.csrfSecret)
    found.tokens.push(t)
    inspectAll(label + ' req.session', req.session)
    inspectAll(label + ' req.session.cookie', req.session.cookie)
    inspectAll(label + ' store', store)
    inspectAll(label + ' middleware', mw)
    res.send(t)
  })
  a.post('/regenerate', (req, res, next) => req.session.regenerate({ keep: true }, (e) => { found.ids.push(req.sessionID); inspectAll(label + ' regenerated', req.session); e ? next(e) : res.send('ok') }))
  a.post('/destroy', (req, res, next) => req.session.destroy((e) => (e ? next(e) : res.send('ok'))))
  a.use((err, req, res, next) => { log(label + ' error', err, util.inspect(err, { showHidden: true })); res.status(err.status || 500).send(err.message) })
  const agent = request.agent(a)
  const r = await agent.get('/')
  found.cookies.push(...(r.headers['set-cookie'] || []).map((c) => c.split(';')[0].split('=').slice(1).join('=')))
  await agent.post('/regenerate').send('_csrf=' + encodeURIComponent(r.text))
  await agent.post('/regenerate').send('_csrf=forged-' + r.text) // refused: logged
  const t = (await agent.get('/')).text
  await agent.post('/destroy').send('_csrf=' + encodeURIComponent(t))
  // a cookie that does not verify and one signed with the secret for an unknown id
  await request(a).get('/').set('Cookie', 'connect.sid=s%3Anope.nope')

  const copts = { keys: [KEY], maxAge: 60000 }
  const cmw = cookieSession(copts)
  const c = express()
  c.use(cmw)
  c.use(cookieSession.csrf())
  c.get('/', (req, res) => {
    req.session.user = 'bob'
    found.tokens.push(req.csrfToken())
    found.csrf.push(req.session.csrfSecret)
    inspectAll(label + ' cookie-session req.session', req.session)
    inspectAll(label + ' req.sessionOptions', req.sessionOptions)
    inspectAll(label + ' cookie-session middleware', cmw)
    res.send('ok')
  })
  const cr = await request(c).get('/')
  found.cookies.push(...(cr.headers['set-cookie'] || []).map((x) => x.split(';')[0].split('=').slice(1).join('=')))
  await request(c).get('/').set('Cookie', (cr.headers['set-cookie'] || []).map((x) => x.split(';')[0]).join('; '))
}

;(async () => {
  await run(require('express4'), 'Express 4')
  await run(require('express5'), 'Express 5')
  process.stdout.write('\nFOUND ' + JSON.stringify(found) + '\n')
})()
