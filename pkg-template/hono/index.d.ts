// session-core/hono: session-core/web as Hono middleware.
import type { MiddlewareHandler } from 'hono'
import type { Options, CsrfOptions, Session } from '../web/index.js'
export type { Options, CsrfOptions, Session } from '../web/index.js'

/** What the middleware puts on the context: `c.get('session')`, and after csrf() `c.get('csrfToken')`. */
export interface SessionVariables<T = Record<string, any>> {
  session: Session<T>
  csrfToken: () => string
}

/**
 * Puts the request's session at `c.get('session')` and applies it to the response. With
 * `regenerateGrace`, an unsafe request carrying a regenerated id inside the window is answered 409
 * (`ESESSIONREGENERATED`) before the handler runs. Throws at once on bad options.
 */
export function session<T = Record<string, any>> (options: Options): MiddlewareHandler<{ Variables: SessionVariables<T> }>
/** Refuses an unsafe request without a valid token of the session's secret (403); `c.get('csrfToken')()` makes one. */
export function csrf<T = Record<string, any>> (options?: CsrfOptions): MiddlewareHandler<{ Variables: SessionVariables<T> }>
export default session

// `c.get('session')` and `c.get('csrfToken')` typed in every handler, as Hono's own middleware
// (hono/jwt, hono/request-id) declare theirs; `session<T>()` types the data for a chained app.
declare module 'hono' {
  interface ContextVariableMap {
    session: Session
    csrfToken: () => string
  }
}
