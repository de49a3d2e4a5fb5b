// session-core/web: sessions for a Web Request and Response (Hono, Bun, Deno, Cloudflare Workers).

/** An async store: each method may return a Promise or take a trailing callback (express-session stores work). */
export interface WebStore {
  /** The record (an object, or its JSON text), or null/undefined when there is none. */
  get (id: string, callback?: (err: any, record?: object | string | null) => void): Promise<object | string | null | undefined> | void
  set (id: string, record: object, callback?: (err?: any) => void): Promise<void> | void
  destroy (id: string, callback?: (err?: any) => void): Promise<void> | void
  touch? (id: string, record: object, callback?: (err?: any) => void): Promise<void> | void
}

export interface CookieOptions {
  maxAge?: number
  expires?: Date
  path?: string
  domain?: string
  httpOnly?: boolean
  secure?: boolean | 'auto'
  sameSite?: boolean | 'lax' | 'strict' | 'none' | 'auto'
  partitioned?: boolean
  priority?: 'low' | 'medium' | 'high'
}

/** Server-side sessions: session-core/express's options (the cookie holds the signed id). */
export interface ServerOptions {
  kind?: 'server'
  secret: string | string[] | Uint8Array | Array<string | Uint8Array>
  name?: string
  store?: WebStore | MemoryStore
  cookie?: CookieOptions | (() => CookieOptions)
  genid?: () => string | Promise<string>
  resave?: boolean
  saveUninitialized?: boolean
  rolling?: boolean
  unset?: 'destroy' | 'keep'
  proxy?: boolean
  idleTimeout?: number
  absoluteTimeout?: number
  cacheHeaders?: boolean
  /**
   * Ids hashed at rest: the store sees base64url(SHA-256(id)) as the key, never the id, so a store
   * dump opens no session; the records are session-core/express's with `hashIds: true` (one store
   * serves both). Records under plain ids are moved on first read. Ids must be at least 22
   * characters (128 random bits). Default false.
   */
  hashIds?: boolean
  /**
   * Milliseconds (at most 60000) after `regenerate()` during which a request with the old id gets
   * the old data read-only (GET, HEAD, OPTIONS, TRACE; no Set-Cookie; `save()` and `regenerate()`
   * reject) or, for any other method, `getSession()` rejects with `code: 'ESESSIONREGENERATED'`
   * (`status` 409; session-core/hono answers 409). Never the new session. `destroy()` has no grace.
   */
  regenerateGrace?: number
  /**
   * The session id in a request header, for API and mobile clients: a header name ('x-session-id'),
   * or a function of the request returning one (or nothing: cookies only for that request). Read
   * only when no session cookie was sent (send it empty to ask for a first id); the signed id comes
   * back in the same header when it changes, never as a cookie, with `Cache-Control: private,
   * no-store` and `Vary: <header>`. Such requests pass `verifyCsrf()`. Keep the id out of logs and URLs.
   */
  header?: string | ((request: Request) => string | null | undefined | false)
  [option: string]: unknown
}

/** The error of a write with a regenerated id inside the grace window (`regenerateGrace`). */
export interface RegeneratedError extends Error {
  code: 'ESESSIONREGENERATED'
  status: 409
}

/**
 * The error of `apply()` when a client-side session would not fit: a cookie over 4096 bytes, or with
 * `chunk` its cookies over `chunk.maxBytes` of Cookie header (`size` of `limit` bytes).
 */
export interface TooLargeError extends Error {
  code: 'ERR_SESSION_COOKIE_TOO_LARGE'
  status: 500
  size: number
  limit: number
  cookie: string
}

/** Client-side sessions: session-core/cookie-session's options (the session in the cookie). */
export interface ClientOptions extends Omit<CookieOptions, 'secure'> {
  kind: 'client'
  keys?: Array<string | Uint8Array>
  secret?: string | Uint8Array
  name?: string
  encrypt?: boolean
  signed?: boolean
  overwrite?: boolean
  secure?: boolean
  idleTimeout?: number
  absoluteTimeout?: number
  proxy?: boolean
  cacheHeaders?: boolean
  /**
   * Revocable sessions: the time (ms since the epoch, or a Date; a Promise of either) before which
   * no cookie of this session counts (the user's last password change, a "sign out everywhere").
   * Called in `getSession()` for a request that carries a session; one issued before it is treated
   * as absent (a new empty session). null/undefined: no cut-off. A cookie without an issue time
   * counts as issued at 0.
   */
  notBefore?: (session: Session, request: Request) => number | Date | null | undefined | Promise<number | Date | null | undefined>
  /**
   * Deflate the session inside the signed or sealed value; `csrfSecret` and the fields named in
   * `secretFields` stay outside the deflated part. Inflated only after the signature or seal
   * verifies, never beyond 64 KB.
   */
  compress?: boolean | { secretFields?: string[] }
  /**
   * Split a value over 4096 bytes into `<name>.0`, `<name>.1`, … (at most 3 cookies), verified as
   * one; stale chunks are expired when it shrinks. The session's cookies take at most 6144 bytes of
   * the Cookie header (`maxBytes`, 4096 to 16384: over 8 KB, nginx and Apache with their default
   * limits, and curl, lose the session). Too big even then: `apply()` rejects with a TooLargeError,
   * never a silent loss.
   */
  chunk?: boolean | { maxBytes?: number }
  [option: string]: unknown
}

export type Options = ServerOptions | ClientOptions

export interface CsrfOptions {
  ignoreMethods?: string[]
  secFetchSite?: boolean
  origins?: string[]
  value?: (request: Request) => string | undefined | Promise<string | undefined>
}

export interface SessionMethods {
  /** The session id (server-side sessions; undefined for client-side ones). */
  readonly id: string | undefined
  save (): Promise<this>
  destroy (): Promise<void>
  /** A new id (server-side) and an empty session; `{ keep: true }` keeps the data but not the CSRF secret. */
  regenerate (options?: { keep?: boolean }): Promise<this>
  /** Adds `by` (default 1) to the number at `key`; with a store that merges, relative to the stored value. */
  increment (key: string, by?: number): number
  /** Appends `items` to the array at `key`; with a store that merges, to the stored array. */
  push (key: string, ...items: unknown[]): number
  /** Server-side: the cookie's expiry reset to now + its maxAge (express-session's touch). */
  touch?: () => this
  /** The response with the session's Set-Cookie and cache headers (a copy when its headers are immutable). */
  apply<R extends Response> (response: R): Promise<R>
  /** A fresh token of the session's CSRF secret (made on first use). */
  csrfToken (): string
  /** true for a safe method, or an unsafe one carrying a valid token (and not cross-site). */
  verifyCsrf (request: Request, options?: CsrfOptions): Promise<boolean>
}

export type Session<T = Record<string, any>> = T & SessionMethods & { cookie?: Record<string, unknown> }

export function getSession<T = Record<string, any>> (request: Request, options: Options): Promise<Session<T>>
/**
 * Checks `options` now and throws the error getSession() would (for middleware that should fail
 * when it is made). Where the wasm loads only asynchronously (a browser), the checks that need the
 * core wait for the first getSession().
 */
export function checkOptions (options: Options): void
/** The same for verifyCsrf()'s options. */
export function checkCsrf (options?: CsrfOptions): void

/** The default store: this isolate's memory, pruned lazily (no timer). */
export class MemoryStore {
  constructor (options?: { maxEntries?: number })
  readonly size: number
  get (id: string): Promise<string | null>
  set (id: string, record: object | string, info?: { deadline?: number }): Promise<void>
  touch (id: string, record: object | string, info?: { deadline?: number }): Promise<void>
  destroy (id: string): Promise<void>
}
