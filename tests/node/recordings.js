'use strict'
// Recorded scenarios: HTTP exchanges through the real session-core/express middleware,
// with an injected clock (Date.now, stubbed for the run) and id generator (genid), over a store that
// keeps each record's text. scripts/record-scenarios.js writes them to tests/recordings/express.json;
// tests/node/recordings.test.js runs them again and compares; tests/server_recordings.rs replays them
// through the Rust tower layer (src/server/) and compares the Set-Cookie headers and the records.
const path = require('node:path')
const request = require('supertest')
const { dir } = require('./pkg')
const session = require(path.join(dir, 'express'))
const express = require('express5')

const T0 = 1767225600000 // 2026-01-01T00:00:00Z

/** Ids as genid gives them: 32 characters, numbered. */
const idOf = (n) => 'recordedsessionid' + String(n).padStart(15, '0')

// A scenario: the middleware's options (secret may change per step: `secret` on a step), then steps
// at a time (ms after T0) sending the cookie the last response set (`cookie: 'last'`), none, or one
// of an earlier step (`cookie: 'step:N'`), doing actions in the handler.
const SCENARIOS = [
  {
    name: 'sign-in, read, change (resave and saveUninitialized off)',
    options: { resave: false, saveUninitialized: false, cookie: { maxAge: 60000 } },
    steps: [
      { at: 0, cookie: null, actions: [['get', 'user']] },
      { at: 1000, cookie: null, actions: [['set', 'user', 'alice']] },
      { at: 2000, cookie: 'last', actions: [['get', 'user']] },
      { at: 3000, cookie: 'last', actions: [['set', 'cart', [1, 2]]] },
      { at: 4000, cookie: 'last', actions: [['set', 'cart', [1, 2, 3]], ['set', 'n', 1.5]] }
    ]
  },
  {
    name: 'express-session defaults (resave, saveUninitialized on; browser-session cookie)',
    options: {},
    steps: [
      { at: 0, cookie: null, actions: [] },
      { at: 500, cookie: 'last', actions: [['set', 'user', 'bob']] },
      { at: 900, cookie: 'last', actions: [] }
    ]
  },
  {
    name: 'touch: an unchanged session is touched, not saved',
    options: { resave: false, saveUninitialized: false, cookie: { maxAge: 3600000, sameSite: 'lax' } },
    steps: [
      { at: 0, cookie: null, actions: [['set', 'user', 'carol']] },
      { at: 60000, cookie: 'last', actions: [['get', 'user']] },
      { at: 120000, cookie: 'step:0', actions: [['touch']] }
    ]
  },
  {
    name: 'rolling: the cookie on every response',
    options: { resave: false, saveUninitialized: false, rolling: true, cookie: { maxAge: 600000 } },
    steps: [
      { at: 0, cookie: null, actions: [['set', 'user', 'dave']] },
      { at: 10000, cookie: 'last', actions: [] },
      { at: 20000, cookie: 'last', actions: [] }
    ]
  },
  {
    name: 'idle timeout',
    options: { resave: false, saveUninitialized: false, idleTimeout: 10000, cookie: { maxAge: 3600000 } },
    steps: [
      { at: 0, cookie: null, actions: [['set', 'user', 'erin']] },
      { at: 500, cookie: 'last', actions: [['get', 'user']] },
      { at: 5000, cookie: 'last', actions: [['get', 'user']] },
      { at: 30000, cookie: 'last', actions: [['get', 'user'], ['set', 'again', true]] }
    ]
  },
  {
    name: 'absolute timeout',
    options: { resave: false, saveUninitialized: false, absoluteTimeout: 20000, cookie: { maxAge: 3600000 } },
    steps: [
      { at: 0, cookie: null, actions: [['set', 'user', 'frank']] },
      { at: 15000, cookie: 'last', actions: [['set', 'x', 1]] },
      { at: 25000, cookie: 'last', actions: [['get', 'user']] }
    ]
  },
  {
    name: 'regenerate at sign-in',
    options: { resave: false, saveUninitialized: true, cookie: { maxAge: 60000, secure: false } },
    steps: [
      { at: 0, cookie: null, actions: [['set', 'cart', ['book']]] },
      { at: 1000, cookie: 'last', actions: [['regenerate'], ['set', 'user', 'grace']] },
      { at: 2000, cookie: 'step:0', actions: [['get', 'user']] }
    ]
  },
  {
    name: 'destroy (sign out) expires the cookie',
    options: { resave: false, saveUninitialized: false, cookie: { maxAge: 60000, httpOnly: true, path: '/' } },
    steps: [
      { at: 0, cookie: null, actions: [['set', 'user', 'heidi']] },
      { at: 1000, cookie: 'last', actions: [['destroy']] },
      { at: 2000, cookie: 'step:0', actions: [['get', 'user']] }
    ]
  },
  {
    name: 'an older secret: the cookie is re-signed with the newest',
    options: { resave: false, saveUninitialized: false, cookie: { maxAge: 60000 } },
    steps: [
      { at: 0, cookie: null, secret: ['old secret'], actions: [['set', 'user', 'ivan']] },
      { at: 1000, cookie: 'last', secret: ['new secret', 'old secret'], actions: [['get', 'user']] },
      { at: 2000, cookie: 'last', secret: ['new secret', 'old secret'], actions: [['get', 'user']] }
    ]
  }
]

/** A store keeping each record as the text the middleware's JSON.stringify gives. */
class TextStore extends session.Store {
  constructor () {
    super()
    this.records = new Map()
  }

  get (sid, cb) { const t = this.records.get(sid); cb(null, t === undefined ? undefined : JSON.parse(t)) }
  set (sid, sess, cb) { this.records.set(sid, JSON.stringify(sess)); cb(null) }
  touch (sid, sess, cb) { if (this.records.has(sid)) this.records.set(sid, JSON.stringify(sess)); cb(null) }
  destroy (sid, cb) { this.records.delete(sid); cb(null) }
}

function handler (actions) {
  return async (req, res, next) => {
    try {
      const out = {}
      for (const [op, key, value] of actions) {
        if (op === 'get') out[key] = req.session[key] === undefined ? null : req.session[key]
        else if (op === 'set') req.session[key] = value
        else if (op === 'touch') req.session.touch()
        else if (op === 'regenerate') await req.session.regenerate()
        else if (op === 'destroy') await req.session.destroy()
      }
      res.json(out)
    } catch (e) {
      next(e)
    }
  }
}

/** Runs one scenario through the Express middleware; answers its recording. */
async function record (scenario) {
  const realNow = Date.now
  let clock = T0
  let next = 0
  Date.now = () => clock
  const store = new TextStore()
  const apps = new Map()
  const appFor = (secret, actions) => {
    const a = express()
    a.use(session({ ...scenario.options, secret, store, genid: () => idOf(++next) }))
    a.use(handler(actions))
    a.use((err, req, res, next) => res.status(500).json({ error: err.message }))
    return a
  }
  const steps = []
  let last = null
  const sent = []
  try {
    for (const [i, step] of scenario.steps.entries()) {
      clock = T0 + step.at
      const secret = step.secret || ['keyboard cat']
      apps.set(i, appFor(secret, step.actions))
      let cookie = null
      if (step.cookie === 'last') cookie = last
      else if (typeof step.cookie === 'string' && step.cookie.startsWith('step:')) cookie = sent[Number(step.cookie.slice(5))]
      let r = request(apps.get(i)).get('/')
      if (cookie) r = r.set('Cookie', cookie)
      const res = await r
      const setCookie = res.headers['set-cookie'] || []
      const pair = setCookie.length ? setCookie[0].split(';')[0] : null
      if (pair) last = pair
      sent[i] = pair || cookie
      steps.push({
        now: clock,
        secret,
        cookie,
        actions: step.actions,
        status: res.status,
        body: res.body,
        setCookie,
        vary: res.headers.vary || null,
        cacheControl: res.headers['cache-control'] || null,
        store: Object.fromEntries([...store.records.entries()].sort(([a], [b]) => (a < b ? -1 : 1)))
      })
    }
  } finally {
    Date.now = realNow
  }
  return { name: scenario.name, options: scenario.options, steps }
}

async function recordAll () {
  const out = []
  for (const s of SCENARIOS) out.push(await record(s))
  return { source: 'session-core/express (pkg/express) on Express 5, scripts/record-scenarios.js', t0: T0, idPattern: idOf(0), scenarios: out }
}

module.exports = { recordAll, SCENARIOS, idOf }
