// The types are precise, not `any`: compiled with session-core/express alone (and beside
// @types/express-session and @types/cookie-session), not with session-core/cookie-session, whose
// free-form session data reads as `any`.
import express = require('express')
import session = require('session-core/express')

declare module 'session-core/express' {
  interface SessionData {
    user: string
  }
}

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false
function expectType<T extends true> (): void {}

const app = express()
app.use(session({ secret: 's' }))
app.post('/', async (req, res) => {
  const regenerated = req.session.regenerate({ keep: true })
  expectType<Equal<typeof regenerated, Promise<void>>>()
  const destroyed = req.session.destroy()
  expectType<Equal<typeof destroyed, Promise<void>>>()
  const saved = req.session.save()
  expectType<Equal<typeof saved, Promise<void>>>()
  const user = req.session.user
  expectType<Equal<typeof user, string | undefined>>()
  // @ts-expect-error: not in SessionData
  req.session.usr = 'alice'
  // @ts-expect-error: SessionData says string
  req.session.user = 1
  // @ts-expect-error: req.session takes a session or null
  req.session = 'alice'
  req.session = null
  const id: string = req.sessionID
  res.send(id)
})

// A helper typed with Express's Request sees the fields too.
export function currentUser (req: express.Request): string | undefined {
  return req.session.user
}
