// docs/express.md's first example (Switching from express-session) in TypeScript: connect-redis's RedisStore as the store, with the
// session data augmented on 'session-core/express' as docs/typescript.md shows. connect-redis's types are
// written against express-session's Store and SessionData, not session-core's: the store must be
// accepted all the same, whichever SessionData the app declares.
import express from 'express'
import session from 'session-core/express'
import { RedisStore } from 'connect-redis'
import { createClient } from 'redis'

declare module 'session-core/express' {
  interface SessionData { user: string }
}

const client = createClient({ url: 'redis://127.0.0.1:6379' })
const app = express()
app.use(session({ secret: process.env.SESSION_SECRET!, resave: false, saveUninitialized: false, store: new RedisStore({ client }) }))
app.use(session({ secret: 's', store: new RedisStore({ client, prefix: 'other:', ttl: 3600 }) }))

app.post('/login', async (req, res) => {
  await req.session.regenerate({ keep: true })
  req.session.user = 'alice'
  res.redirect('/account')
})
