// Types for session-core/cookie-session: cookie-session 2.x's API, plus the encrypted mode, the
// idle/absolute timeouts (encrypted mode), the onError hook of the size budget, and revocable
// (notBefore) and big (compress, chunk) sessions.
import type { RequestHandler, Request, Response } from 'express'
import type { Inherited } from '../request'

// req.session and req.sessionOptions: declared as session-core/express's fields are (see
// ../request.d.ts), so the two coexist, and coexist with @types/cookie-session and
// @types/express-session.
declare module '../request' {
  interface RequestSession extends cookieSession.SessionFlags {
    /** The session's data: any JSON-serialisable values. */
    [key: string]: any
  }
  interface RequestSessionValues {
    /** `req.session = null` clears the session; an object replaces it. */
    'session-core/cookie-session': Record<string, any> | null | undefined
  }
}

declare module 'express-serve-static-core' {
  interface Request {
    /** This request's cookie options (inherit from the middleware's; change them per request). */
    sessionOptions: cookieSession.CookieSessionOptions & Inherited<'sessionOptions'>
  }
}

export = cookieSession

declare function cookieSession (options?: cookieSession.CookieSessionOptions): RequestHandler

declare namespace cookieSession {
  interface CookieSessionOptions {
    /** Default 'session'; the signature goes in '<name>.sig'. */
    name?: string
    /** Keys: the first signs (or seals), any verifies. A Keygrip instance is refused. */
    keys?: Array<string | Buffer>
    /** A single key, when `keys` is not given. */
    secret?: string | Buffer
    /** keygrip's HMAC: 'sha1' (default) or 'sha256'. */
    algorithm?: 'sha1' | 'sha256'
    /** Sign the cookie (default true). */
    signed?: boolean
    /** Seal the session (XChaCha20-Poly1305) instead of a readable signed body. */
    encrypt?: boolean
    /** Encrypted mode: ms without a request after which the session ends. */
    idleTimeout?: number
    /** Encrypted mode: ms after its start after which the session ends. */
    absoluteTimeout?: number
    /** Encrypted mode: how stale the last-seen time may get before the cookie is re-sealed. */
    touchAfter?: number
    /**
     * Encrypted mode, while moving from signed cookies: also read a cookie-session signed cookie
     * whose signature verifies, seal it and expire its `.sig`. `true` verifies with `keys` and
     * `algorithm`; `{ keys, algorithm }` with the signed app's. Until it is turned off, a stolen
     * signed cookie is still accepted: turn it off after your longest session lifetime.
     */
    migrateSigned?: boolean | { keys?: Array<string | Buffer>, algorithm?: 'sha1' | 'sha256' }
    /**
     * Revocable sessions: the time (ms since the epoch, or a Date; a Promise of either) before which
     * no cookie of this session counts — the user's last password change, a "sign out everywhere".
     * Called once per request that carries a session, before your routes; a session issued before
     * it is treated as absent (a new empty one). Return null/undefined for no cut-off. A cookie
     * without an issue time (cookie-session's, or written before this option) counts as issued at 0.
     * Signed cookies then carry session-core's frame (`sv1.`), which cookie-session cannot read.
     */
    notBefore?: (session: cookieSession.SessionFlags & Record<string, any>, req: Request) => number | Date | null | undefined | Promise<number | Date | null | undefined>
    /**
     * Deflate the session inside the signed or sealed value when that makes it shorter (a small
     * signed session stays cookie-session's own value). `csrfSecret`, and the top-level fields named
     * in `secretFields`, stay outside the deflated part, so the cookie's length never depends on
     * them beside data an attacker can influence. Inflated only after the signature or seal
     * verifies, never beyond 64 KB.
     */
    compress?: boolean | { secretFields?: string[] }
    /**
     * Split a value over 4096 bytes into `<name>.0`, `<name>.1`, … (at most 3 cookies), verified as
     * one; stale chunks are expired when it shrinks. The session's cookies (chunks and signature)
     * take at most 6144 bytes of the Cookie header, leaving about 2 KB of the 8 KB that nginx and
     * Apache accept for one request header (and curl sends) to your other cookies. `maxBytes`
     * (4096 to 16384) moves that limit: over 8 KB, clients behind those limits lose the session.
     */
    chunk?: boolean | { maxBytes?: number }
    /**
     * Called instead of `next(err)` when the session would not fit: a cookie over 4096 bytes, or with
     * `chunk` its cookies over `chunk.maxBytes` of Cookie header (`size` of `limit` bytes).
     */
    onError?: (err: Error & { code: 'ERR_SESSION_COOKIE_TOO_LARGE', status: 500, size: number, limit: number, cookie: string }, req: Request, res: Response) => void
    /** Replace earlier Set-Cookie headers for the same cookie (default true). */
    overwrite?: boolean
    /** Milliseconds. */
    maxAge?: number
    expires?: Date
    path?: string
    domain?: string
    sameSite?: boolean | 'lax' | 'strict' | 'none'
    secure?: boolean
    /** Default true. */
    httpOnly?: boolean
    partitioned?: boolean
    priority?: 'low' | 'medium' | 'high'
    /** The production checks at construction: 'warn' (default under NODE_ENV=production), 'throw' or 'off' (default elsewhere). */
    checks?: import('../request').ChecksMode
    /** Cache-Control no-cache="Set-Cookie" on responses that set the cookie and Vary: Cookie on every one (default true). */
    cacheHeaders?: boolean
  }

  /** CSRF protection with the secret inside the (signed or encrypted) session cookie; throws at setup for an unsigned one. */
  function csrf (options?: CsrfOptions): RequestHandler
  type CsrfOptions = import('../request').CsrfOptions
  type CsrfError = import('../request').CsrfError

  /** `req.session`'s flags. */
  interface SessionFlags {
    readonly isNew: boolean
    readonly isChanged: boolean
    readonly isPopulated: boolean
  }
}
