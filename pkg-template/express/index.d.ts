// Types for session-core/express: the express-session API, plus Promise forms, regenerate({ keep }),
// idle/absolute timeouts and req.flash. Augment your session data as with @types/express-session:
//
//   declare module 'session-core/express' { interface SessionData { user: string } }
//
// The request fields (req.session, req.sessionID, req.sessionStore, req.flash) are declared in
// ../request.d.ts, beside session-core/cookie-session's: see there why they coexist with each other
// and with @types/express-session (whose SessionData augmentations apply too).

import type { RequestHandler, Request } from 'express'
import type { EventEmitter } from 'node:events'
import type { Inherited } from '../request'

type Callback = (err?: any) => void

declare module '../request' {
  interface RequestSession extends session.Session, Partial<session.SessionData> {
    cookie: session.Cookie
  }
  interface RequestSessionValues {
    /** `req.session = null` ends the session (see the `unset` option). */
    'session-core/express': null | undefined
  }
}

declare module 'express-serve-static-core' {
  interface Request {
    sessionID: string
    /** The store in use: a Store, or a duck-typed store (see DuckStore). */
    sessionStore: session.RequestStore & Inherited<'sessionStore'>
    /** connect-flash's API: add (returns the count), read and clear one type, or read and clear all. */
    flash (type: string, message: string | string[], ...format: any[]): number
    flash (type: string): string[]
    flash (): Record<string, string[]>
  }
}

export = session

declare function session (options?: session.SessionOptions): RequestHandler

declare namespace session {
  /** CSRF protection bound to the session: req.csrfToken() on every request, a token required on unsafe methods (403, code EBADCSRFTOKEN). */
  function csrf (options?: CsrfOptions): RequestHandler
  type CsrfOptions = import('../request').CsrfOptions
  type CsrfError = import('../request').CsrfError
}

declare namespace session {
  /** Your session data: augment this interface through module augmentation. */
  interface SessionData {
    cookie: Cookie
    /** Messages kept by req.flash(). */
    flash?: Record<string, string[]>
  }

  /** `req.session`'s type (with session-core/cookie-session also loaded, its flags too). */
  type RequestSession = import('../request').RequestSession

  /**
   * `req.sessionStore`'s type. The per-user index's methods are there when the store keeps the index
   * (MemoryStore, RedisStore): call them on your store's own variable for their full types.
   */
  type RequestStore = {
    get (...args: any[]): any, set (...args: any[]): any, destroy (...args: any[]): any
    sessionsOf?: MemoryStore['sessionsOf']
    destroySession?: MemoryStore['destroySession']
    destroyUser?: MemoryStore['destroyUser']
  }

  interface CookieOptions {
    /** Milliseconds until expiry; `null` for a browser-session cookie (the default). */
    maxAge?: number | null
    expires?: Date | null
    /** Default true. */
    httpOnly?: boolean
    /** `'auto'`: Secure when the request is secure. Default false. */
    secure?: boolean | 'auto'
    sameSite?: boolean | 'lax' | 'strict' | 'none' | 'auto'
    domain?: string
    /** Default '/'. */
    path?: string
    partitioned?: boolean
    priority?: 'low' | 'medium' | 'high'
  }

  interface SessionOptions {
    /** String, Buffer, or an array of them: sign with the first, accept any. */
    secret?: string | Buffer | Array<string | Buffer>
    /** Default 'connect.sid'. */
    name?: string
    /** Deprecated alias of name. */
    key?: string
    /**
     * Default: a MemoryStore. A Store (MemoryStore, session-core/redis's RedisStore), any
     * express-session store (connect-redis, connect-mongo, a subclass of express-session's Store:
     * their types name express-session's SessionData, not yours, and are accepted all the same), or
     * a plain object with get/set/destroy (callbacks or Promises). See DuckStore.
     */
    store?: DuckStore
    cookie?: CookieOptions | ((req: Request) => CookieOptions)
    /** Sync or async. Default: 24 random bytes, base64url. */
    genid?: (req: Request) => string | Promise<string>
    /** Default true (express-session's). */
    resave?: boolean
    /** Default true (express-session's). */
    saveUninitialized?: boolean
    /** Default false. */
    rolling?: boolean
    /** Trust X-Forwarded-Proto (true), never (false), or Express's req.secure (undefined). */
    proxy?: boolean
    /** Default 'keep'. */
    unset?: 'keep' | 'destroy'
    /** Milliseconds without a request after which the session ends (server-side). */
    idleTimeout?: number
    /** Milliseconds after its start after which the session ends, however active (server-side). */
    absoluteTimeout?: number
    /** How stale the last-seen time may get before a store write refreshes it. Default: idleTimeout / 10, at most 60 s. */
    touchAfter?: number
    /**
     * Milliseconds any store call may take (get, set, merge, touch, destroy, and req.session's save,
     * reload, destroy, regenerate); past it the call fails with `code: 'ESESSIONSTORE_TIMEOUT'`,
     * `status: 503`, and a late answer is ignored. Default 5000; at most 2147483647.
     */
    storeTimeout?: number
    /** The production checks at construction (src/checks.rs): 'warn' (default under NODE_ENV=production), 'throw' or 'off' (default elsewhere). */
    checks?: import('../request').ChecksMode
    /** Cache-Control no-cache="Set-Cookie" on responses that set the cookie and Vary: Cookie on every one (default true). */
    cacheHeaders?: boolean
    /**
     * The per-user index: who the session belongs to (e.g. `req => req.session.userId`), or nothing
     * for an anonymous one. With MemoryStore or RedisStore, each user's sessions can then be listed
     * (`store.sessionsOf`), ended one by one (`store.destroySession`) or all at once
     * (`store.destroyUser`), and every load checks the user's "signed out before" time.
     */
    user?: (req: Request) => string | number | null | undefined | false
    /** A saved record over this many bytes warns once per process (default 4096); false or 0: never. */
    recordSizeWarning?: number | false
    /**
     * Ids hashed at rest: every store sees base64url(SHA-256(id)) as the key, never the id, so a
     * store dump opens no session. `req.sessionStore` hashes the ids given to it (`current`,
     * `except`). Records under plain ids are moved on first read. Ids must be at least 22
     * characters (128 random bits). Default false.
     */
    hashIds?: boolean
    /**
     * Milliseconds (at most 60000) after `regenerate()` during which a request with the old id gets
     * the old data read-only (GET, HEAD, OPTIONS, TRACE; no Set-Cookie) or, for any other method, a
     * 409 error with `code: 'ESESSIONREGENERATED'`. Never the new session. `destroy()` has no grace.
     * Default off.
     */
    regenerateGrace?: number
    /**
     * The session id in a request header, for API and mobile clients: a header name
     * ('x-session-id'), or a function of req returning one (or nothing: cookies only for that
     * request). Read only when no session cookie was sent; the signed id comes back in the same
     * header when it changes, with `Cache-Control: private, no-store` and `Vary: <header>`. Such
     * requests are exempt from `csrf()`. Keep the id out of logs and URLs.
     */
    header?: string | ((req: Request) => string | null | undefined | false)
  }

  /** One session of a user, as `sessionsOf` lists it: a tag, never the id. */
  interface UserSession {
    /** The first 8 characters of base64url(SHA-256(id)). */
    tag: string
    /** When it was first seen signed in as the user (ms). */
    createdAt: number | null
    /** When it was last saved or touched (ms). */
    lastSeen: number | null
    userAgent: string
    /** It is the session named by `options.current`. */
    current: boolean
  }

  /** The callback of a per-user index method. */
  type UserCallback<T> = (err: any, value?: T) => void

  class Cookie implements CookieOptions {
    constructor (options?: CookieOptions)
    originalMaxAge: number | null
    /** Remaining milliseconds (getter); setting it moves `expires`. */
    maxAge?: number | null
    expires?: Date | null
    httpOnly?: boolean
    path?: string
    domain?: string
    secure?: boolean | 'auto'
    sameSite?: boolean | 'lax' | 'strict' | 'none' | 'auto'
    partitioned?: boolean
    priority?: 'low' | 'medium' | 'high'
    /** session-core: when the session started / was last seen (ms), with timeouts on. */
    createdAt?: number
    lastSeen?: number
  }

  class Session {
    private constructor (request: Request, data?: Partial<SessionData>)
    readonly id: string
    cookie: Cookie
    regenerate (callback: Callback): this
    regenerate (options: { keep?: boolean }, callback: Callback): this
    regenerate (options?: { keep?: boolean }): Promise<void>
    destroy (callback: Callback): this
    destroy (): Promise<void>
    reload (callback: Callback): this
    reload (): Promise<void>
    save (callback: Callback): this
    save (): Promise<void>
    touch (): this
    resetMaxAge (): this
    /**
     * Adds `by` (default 1) to the number at `key` (absent or not a number: 0); returns the new
     * value. With a store that merges, the write adds `by` to the value stored then: overlapping
     * requests all count.
     */
    increment (key: string, by?: number): number
    /**
     * Appends `items` to the array at `key` (absent or not an array: a new one); returns its length.
     * With a store that merges, the write appends them to the array stored then.
     */
    push (key: string, ...items: any[]): number
  }

  /** What a request changed in a loaded session, as a store's `merge` receives it. */
  class Delta {
    private constructor ()
    /** The wire text: `{"set":{…},"unset":[…],"inc":{…},"push":{…},"cookie":{…}}` (opaque to stores). */
    readonly text: string
    /** The whole record as this request sees it (what a whole-record `set` would write). */
    readonly record: string
    /** When the new record may be forgotten (ms since the epoch), or null. */
    readonly expires: number | null
    /** The session (for a store that only knows `set`). */
    readonly session: Session & SessionData
    /** The record text the delta was taken against: a store still holding exactly it may write `record` as is. */
    readonly base?: string
    /** The stored record text with the delta applied; throws `ERR_SESSION_CORE_BAD_RECORD` when it is not a record. */
    apply (storedText: string): string
  }

  /** The store contract: get/set/destroy required; touch, merge, all, length, clear optional. */
  abstract class Store extends EventEmitter {
    constructor ()
    generate?: (req: Request) => void | Promise<void>
    regenerate (req: Request, callback: Callback): void
    load (sid: string, callback: (err: any, session?: SessionData) => void): void
    createSession (req: Request, session: SessionData): Session & SessionData
    abstract get (sid: string, callback: (err: any, session?: SessionData | null) => void): void
    abstract set (sid: string, session: SessionData, callback?: Callback): void
    abstract destroy (sid: string, callback?: Callback): void
    touch? (sid: string, session: SessionData, callback?: Callback): void
    /**
     * Writes only what a request changed into the record as it is now. When the record is gone
     * (destroyed, expired), writes nothing and answers an Error with `code: 'ESESSION_GONE'`.
     */
    merge? (sid: string, delta: Delta, callback?: Callback): void | Promise<void>
    all? (callback: (err: any, obj?: Record<string, SessionData> | SessionData[] | null) => void): void
    length? (callback: (err: any, length?: number) => void): void
    clear? (callback?: Callback): void
  }

  /**
   * A session record as a store sees it: a cookie of any shape and your SessionData's other fields,
   * each optional. Not SessionData itself: a store is written once for every app (connect-redis's
   * types say express-session's SessionData), and holds records from before a field existed.
   */
  type StoredSession = { cookie: any } & Partial<Omit<SessionData, 'cookie'>>

  /**
   * What the `store` option takes: a Store, an express-session store, or a plain object (callbacks
   * or Promises, no EventEmitter needed). The middleware always passes a callback; a store may
   * answer through it or return a Promise instead.
   */
  interface DuckStore {
    get (sid: string, callback: (err: any, session?: StoredSession | null) => void): void | Promise<StoredSession | null | undefined>
    set (sid: string, session: StoredSession, callback: Callback): void | Promise<unknown>
    destroy (sid: string, callback: Callback): void | Promise<unknown>
    touch? (sid: string, session: StoredSession, callback: Callback): void | Promise<unknown>
    merge? (sid: string, delta: Delta, callback: Callback): void | Promise<unknown>
  }

  interface MemoryStoreOptions {
    /** Default 10000; the least recently used record is evicted beyond it. */
    maxEntries?: number
    /** Milliseconds between sweeps of expired records (unref'd timer); 0 turns it off. Default 60000. */
    pruneInterval?: number
  }

  class MemoryStore extends Store {
    constructor (options?: MemoryStoreOptions)
    /** The user's live sessions, most recently seen first (the `user` option's index). */
    sessionsOf (user: string | number, options?: { current?: string }): Promise<UserSession[]>
    sessionsOf (user: string | number, options: { current?: string } | undefined, callback: UserCallback<UserSession[]>): void
    /** Ends the user's session with this tag; answers whether there was one. */
    destroySession (user: string | number, tag: string): Promise<boolean>
    destroySession (user: string | number, tag: string, callback: UserCallback<boolean>): void
    /** Ends every session of the user but `except` (an id or a tag); answers how many ended. */
    destroyUser (user: string | number, options?: { except?: string }): Promise<number>
    destroyUser (user: string | number, options: { except?: string } | undefined, callback: UserCallback<number>): void
    get (sid: string, callback: (err: any, session?: SessionData | null) => void): void
    set (sid: string, session: SessionData, callback?: Callback): void
    destroy (sid: string, callback?: Callback): void
    touch (sid: string, session: SessionData, callback?: Callback): void
    merge (sid: string, delta: Delta, callback?: Callback): void
    all (callback: (err: any, obj?: Record<string, SessionData>) => void): void
    ids (callback: (err: any, ids?: string[]) => void): void
    length (callback: (err: any, length?: number) => void): void
    clear (callback?: Callback): void
    prune (): number
    close (): void
  }
}
