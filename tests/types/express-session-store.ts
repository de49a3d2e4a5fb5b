// Stores typed against express-session's own types (compiled only with @types/express-session
// installed): a subclass of its Store, its MemoryStore and connect-mongo's MongoStore are accepted
// as session-core's `store`, with the session data augmented on 'session-core/express' (not on
// 'express-session').
import express = require('express')
import session = require('session-core/express')
import { Store, MemoryStore, type SessionData } from 'express-session'
import { MongoStore } from 'connect-mongo'

declare module 'session-core/express' {
  interface SessionData { user: string }
}

class MyStore extends Store {
  get (sid: string, cb: (err: any, s?: SessionData | null) => void): void { cb(null, null) }
  set (sid: string, s: SessionData, cb?: (err?: any) => void): void { cb?.() }
  destroy (sid: string, cb?: (err?: any) => void): void { cb?.() }
  touch (sid: string, s: SessionData, cb?: () => void): void { cb?.() }
}

const app = express()
app.use(session({ secret: 's', store: new MyStore() }))
app.use(session({ secret: 's', store: new MemoryStore() }))
app.use(session({ secret: 's', store: MongoStore.create({ mongoUrl: 'mongodb://127.0.0.1:27017/app' }) }))
app.get('/', (req, res) => {
  req.session.user = 'alice'
  res.send(req.sessionID)
})
