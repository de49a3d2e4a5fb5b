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
  [option: string]: unknown
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
  regenerate (): Promise<this>
  /** The response with the session's Set-Cookie and cache headers (a copy when its headers are immutable). */
  apply<R extends Response> (response: R): Promise<R>
  /** A fresh token of the session's CSRF secret (made on first use). */
  csrfToken (): string
  /** true for a safe method, or an unsafe one carrying a valid token (and not cross-site). */
  verifyCsrf (request: Request, options?: CsrfOptions): Promise<boolean>
}

export type Session<T = Record<string, any>> = T & SessionMethods & { cookie?: Record<string, unknown> }

export function getSession<T = Record<string, any>> (request: Request, options: Options): Promise<Session<T>>

/** The default store: this isolate's memory, pruned lazily (no timer). */
export class MemoryStore {
  constructor (options?: { maxEntries?: number })
  readonly size: number
  get (id: string): Promise<string | null>
  set (id: string, record: object | string, info?: { deadline?: number }): Promise<void>
  touch (id: string, record: object | string, info?: { deadline?: number }): Promise<void>
  destroy (id: string): Promise<void>
}
