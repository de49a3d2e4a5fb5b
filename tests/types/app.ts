// Compiled by tests/node/types.test.js (tsc --noEmit), once without and once with
// @types/express-session in scope.
import express = require('express')
import session = require('session-core/express')

declare module 'session-core/express' {
  interface SessionData {
    user: string
    views: number
  }
}

const app = express()
app.use(session({
  secret: ['new', 'old'],
  resave: false,
  saveUninitialized: false,
  cookie: (req) => ({ maxAge: 3600000, secure: 'auto', sameSite: 'lax', partitioned: req.path === '/embed' }),
  store: new session.MemoryStore({ maxEntries: 1000 }),
  idleTimeout: 30 * 60 * 1000,
  absoluteTimeout: 8 * 60 * 60 * 1000,
  genid: async () => 'id',
  storeTimeout: 2000,
  checks: 'throw',
  cacheHeaders: true,
  user: (req) => req.session.user,
  recordSizeWarning: 8192,
  hashIds: true,
  regenerateGrace: 10000,
  header: (req) => (req.path.startsWith('/api/') ? 'x-session-id' : null)
}))

// the per-user index: "your devices", sign out one, sign out everywhere else
const devices = new session.MemoryStore()
app.get('/devices', async (req, res) => {
  const user = req.session.user ?? 'nobody'
  const list: session.UserSession[] = await devices.sessionsOf(user, { current: req.sessionID })
  const ended: boolean = await devices.destroySession(user, list[0]?.tag ?? '')
  const others: number = await devices.destroyUser(user, { except: req.sessionID })
  devices.sessionsOf(user, undefined, (err, all) => void [err, all?.length])
  res.json({ list, ended, others })
})
app.use(session.csrf({ origins: ['https://shop.example'], secFetchSite: true, ignoreMethods: ['GET'] }))
app.get('/form', (req, res) => { const token: string = req.csrfToken(); res.send(token) })
app.use((err: session.CsrfError, req: express.Request, res: express.Response, next: express.NextFunction) => {
  if (err.code === 'EBADCSRFTOKEN') res.status(err.status).send('form expired')
  else next(err)
})

// a store that merges what each request changed
class MergingStore extends session.Store {
  get (sid: string, cb: (err: any, s?: session.SessionData | null) => void): void { cb(null, null) }
  set (sid: string, s: session.SessionData, cb?: (err?: any) => void): void { cb?.() }
  destroy (sid: string, cb?: (err?: any) => void): void { cb?.() }
  merge (sid: string, delta: session.Delta, cb?: (err?: any) => void): void {
    const next: string = delta.apply(delta.record)
    const when: number | null = delta.expires
    void [next, when, delta.text, delta.session.cookie]
    cb?.()
  }
}
void new MergingStore()

app.get('/visit', (req, res) => {
  const n: number = req.session.increment('visits')
  const len: number = req.session.push('cart', { id: 1 }, { id: 2 })
  req.session.increment('views', 2)
  res.send(`${n} ${len}`)
})

app.post('/login', async (req, res) => {
  await req.session.regenerate({ keep: true })
  req.session.user = 'alice'
  req.session.views = (req.session.views ?? 0) + 1
  req.session.regenerate((err) => { if (err) throw err })
  req.session.cookie.maxAge = 1000
  req.flash('info', 'welcome')
  const msgs: string[] = req.flash('info')
  await req.session.save()
  res.send(`${req.sessionID} ${msgs.length}`)
})

app.post('/logout', async (req, res) => {
  await req.session.destroy()
  res.redirect('/')
})

const user: string | undefined = ({} as express.Request).session.user
void user

// a plain object store, its parameters typed by the option (no annotations needed)
app.use(session({
  secret: 's',
  store: {
    get (sid, cb) { cb(null, sid === 'x' ? { cookie: {}, user: 'alice' } : null) },
    set (sid, s, cb) { const u: string | undefined = s.user; void u; cb() },
    destroy (sid, cb) { cb() }
  }
}))
app.use(session({ secret: 's', store: { async get (sid) { return null }, async set (sid, s) {}, async destroy (sid) {} } }))
