// session-core/hono: session-core/web as Hono middleware.
import type { Options, CsrfOptions, Session } from '../web/index.js'
export type { Options, CsrfOptions, Session } from '../web/index.js'

type Middleware = (c: any, next: () => Promise<void>) => Promise<Response | void>

/**
 * Puts the request's session at `c.get('session')` and applies it to the response. With
 * `regenerateGrace`, an unsafe request carrying a regenerated id inside the window is answered 409
 * (`ESESSIONREGENERATED`) before the handler runs.
 */
export function session (options: Options): Middleware
/** Refuses an unsafe request without a valid token of the session's secret (403); `c.get('csrfToken')()` makes one. */
export function csrf (options?: CsrfOptions): Middleware
export default session
