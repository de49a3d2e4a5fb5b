// The cookie-session and cookie-parser drop-ins' types.
import express = require('express')
import cookieSession = require('session-core/cookie-session')
import cookieParser = require('session-core/cookie-parser')

const app = express()
app.use(cookieParser(['secret', 'older']))
app.use(cookieSession({ keys: ['k1', 'k2'], encrypt: true, idleTimeout: 60000, maxAge: 3600000, sameSite: 'lax', onError: (err, req, res) => { res.status(413) } }))
app.use(cookieSession.csrf({ value: (req) => req.get('x-csrf-token') }))
// revocable and big client sessions
const cutOffs = new Map<string, number>()
app.use(cookieSession({ keys: ['k1'], notBefore: (session) => cutOffs.get(session.user) ?? null, compress: { secretFields: ['apiToken'] }, chunk: true }))
app.use(cookieSession({ keys: ['k1'], encrypt: true, notBefore: async (session, req) => new Date(req.ip ? 0 : 1), compress: true }))
app.use(cookieSession({ keys: ['k1'], encrypt: true, chunk: { maxBytes: 12288 }, onError: (err) => { console.log(err.size, err.limit) } }))
// @ts-expect-error: maxBytes is a number of bytes
app.use(cookieSession({ keys: ['k1'], chunk: { maxBytes: '12k' } }))
// @ts-expect-error: notBefore returns a time, not a string
app.use(cookieSession({ keys: ['k1'], notBefore: () => 'yesterday' }))
// @ts-expect-error: secretFields is a list of names
app.use(cookieSession({ keys: ['k1'], compress: { secretFields: 'apiToken' } }))
app.get('/', (req, res) => {
  const token: string = req.csrfToken()
  req.sessionOptions.maxAge = 1000
  req.session.views = (req.session.views || 0) + 1
  const theme: string | false = req.signedCookies.theme
  res.send(String(theme) + req.cookies.plain)
})

app.post('/logout', (req, res) => {
  const fresh: boolean = req.session.isNew
  req.session = null
  req.session = { views: 0 }
  // @ts-expect-error: req.session takes an object or null
  req.session = 'x'
  // @ts-expect-error: maxAge is milliseconds
  req.sessionOptions.maxAge = '1d'
  res.send(String(fresh))
})
