// An app that switched from express-session but still has @types/express-session in scope (as
// connect-redis users do), with its session data augmented on 'express-session' as before.
import express = require('express')
import session = require('session-core/express')
import { Store } from 'express-session'

declare module 'express-session' {
  interface SessionData {
    user: string
  }
}

class LegacyStore extends Store {
  get (sid: string, cb: (err: any, s?: any) => void) { cb(null, null) }
  set (sid: string, s: any, cb?: (err?: any) => void) { if (cb) cb() }
  destroy (sid: string, cb?: (err?: any) => void) { if (cb) cb() }
}

const app = express()
app.use(session({ secret: 's', resave: false, saveUninitialized: false, store: new LegacyStore() }))
app.get('/', (req, res) => {
  req.session.user = 'alice'
  req.session.save((err) => { if (err) throw err })
  res.send(req.sessionID)
})
