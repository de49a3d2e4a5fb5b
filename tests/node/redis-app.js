'use strict'
// A small app the Redis tests run as a child process (two of them share one Redis or one Cluster).
// Environment: SC_STORE = ours | connect-redis (with express-session), SC_CLIENT = a client family
// of redis-clients.js, SC_TARGET = JSON { url } or { rootNodes }, SC_EXPRESS = express4 | express5,
// SC_OPTIONS = JSON options for RedisStore. Prints "listening <port>" once it serves.
const path = require('node:path')
const { open } = require('./redis-clients')
const { dir } = require('./pkg')

async function main () {
  const express = require(process.env.SC_EXPRESS || 'express5')
  const target = JSON.parse(process.env.SC_TARGET)
  const theirs = process.env.SC_STORE === 'connect-redis'
  const { client } = await open(theirs ? 'redis' : process.env.SC_CLIENT || 'redis5', target)
  let middleware
  if (theirs) {
    const { RedisStore } = require('connect-redis')
    middleware = require('express-session')({ secret: 'two apps', resave: false, saveUninitialized: false, store: new RedisStore({ client }), cookie: { maxAge: 3600000 } })
  } else {
    const session = require(path.join(dir, 'express'))
    const RedisStore = require(path.join(dir, 'redis'))
    const store = new RedisStore({ client, ...JSON.parse(process.env.SC_OPTIONS || '{}') })
    middleware = session({ secret: 'two apps', resave: false, saveUninitialized: false, store, cookie: { maxAge: 3600000 } })
  }
  const app = express()
  app.use(middleware)
  app.get('/login', (req, res) => {
    req.session.user = req.query.user
    res.send('in')
  })
  app.get('/me', (req, res) => res.json({ user: req.session.user || null, n: req.session.n || 0, keys: Object.keys(req.session).filter((k) => k.startsWith('k')).length }))
  app.get('/set', (req, res) => {
    req.session[req.query.k] = true
    res.send('set')
  })
  app.get('/save', (req, res, next) => {
    // answers only once the store has the write (with waitReplicas: once replicas acknowledged it)
    req.session[req.query.k] = true
    req.session.save((err) => (err ? next(err) : res.send('saved')))
  })
  app.get('/inc', (req, res) => {
    if (typeof req.session.increment === 'function') req.session.increment('n')
    else req.session.n = (req.session.n || 0) + 1
    res.send('inc')
  })
  app.get('/hold', (req, res) => {
    // loads the session now, changes it after `ms` (so its write can meet a stopped server)
    setTimeout(() => {
      req.session[req.query.k] = true
      res.send('held')
    }, Number(req.query.ms))
  })
  app.get('/logout', (req, res, next) => req.session.destroy((err) => (err ? next(err) : res.send('out'))))
  app.use((err, req, res, next) => {
    // a store write at the end of a request fails after the app's response was committed: the
    // middleware still reports it through next(err); the test reads these lines
    if (res.headersSent) return process.stderr.write(`NEXT_ERR ${err.status} ${err.code}\n`)
    res.status(err.status || 500).json({ code: err.code || null, message: err.message })
  })
  const server = app.listen(0, '127.0.0.1', () => process.stdout.write(`listening ${server.address().port}\n`))
}

process.on('unhandledRejection', (err) => {
  process.stderr.write(`UNHANDLED REJECTION ${err && err.stack}\n`)
  process.exit(70)
})
main().catch((err) => {
  process.stderr.write(String(err && err.stack) + '\n')
  process.exit(1)
})
