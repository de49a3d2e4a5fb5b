// session-core/hono: session-core/web as Hono middleware.
import type { Options, CsrfOptions, Session } from '../web/index.js'
export type { Options, CsrfOptions, Session } from '../web/index.js'

type Middleware = (c: any, next: () => Promise<void>) => Promise<Response | void>

/** Puts the request's session at `c.get('session')` and applies it to the response. */
export function session (options: Options): Middleware
/** Refuses an unsafe request without a valid token of the session's secret (403); `c.get('csrfToken')()` makes one. */
export function csrf (options?: CsrfOptions): Middleware
export default session
