// Types for session-core/redis: a session store for Redis and Redis Cluster, through the node-redis
// (4, 5, 6; createClient or createCluster) or ioredis (5, 6; Redis or Cluster) client you pass in.

import session = require('../express')

type Callback = (err?: any) => void
type SessionData = session.SessionData

export = RedisStore

/**
 * Sessions in Redis, laid out as connect-redis lays them out (`<prefix><id>` → the record's JSON,
 * TTL from the record's expiry). Every method takes a callback or returns a Promise.
 */
declare class RedisStore extends session.Store {
  /** The user's live sessions, most recently seen first (the middleware's `user` option's index). */
  sessionsOf (user: string | number, options?: { current?: string }): Promise<session.UserSession[]>
  sessionsOf (user: string | number, options: { current?: string } | undefined, callback: (err: any, sessions?: session.UserSession[]) => void): void
  /** Ends the user's session with this tag; answers whether there was one. */
  destroySession (user: string | number, tag: string): Promise<boolean>
  destroySession (user: string | number, tag: string, callback: (err: any, ended?: boolean) => void): void
  /** Ends every session of the user but `except` (an id or a tag); answers how many ended. */
  destroyUser (user: string | number, options?: { except?: string }): Promise<number>
  destroyUser (user: string | number, options: { except?: string } | undefined, callback: (err: any, ended?: number) => void): void
  constructor (options: RedisStore.RedisStoreOptions)
  readonly client: RedisStore.RedisClientLike
  readonly prefix: string
  get (sid: string, callback: (err: any, session?: SessionData | null) => void): void
  get (sid: string): Promise<SessionData | null>
  set (sid: string, session: SessionData, callback: Callback): void
  set (sid: string, session: SessionData): Promise<void>
  touch (sid: string, session: SessionData, callback: Callback): void
  touch (sid: string, session: SessionData): Promise<void>
  destroy (sid: string, callback: Callback): void
  destroy (sid: string): Promise<void>
  /**
   * Every live session, each with its `id` (connect-redis's shape: an array). Sessions only, as
   * `ids` and `length`: not the per-user index nor the regenerate tombstones under the same prefix.
   */
  all (callback: (err: any, sessions?: Array<SessionData & { id: string }>) => void): void
  all (): Promise<Array<SessionData & { id: string }>>
  /** The ids of every live session (their store keys with hashIds). */
  ids (callback: (err: any, ids?: string[]) => void): void
  ids (): Promise<string[]>
  /** How many sessions there are. */
  length (callback: (err: any, length?: number) => void): void
  length (): Promise<number>
  /** Removes everything under the prefix: the sessions, their tombstones and the per-user index. */
  clear (callback: Callback): void
  clear (): Promise<void>
  /**
   * Applies a request's changes (the middleware's delta) to the record as it is in Redis now:
   * compare-and-set, retried on races; `ESESSION_GONE` when the session's key is gone.
   */
  merge (sid: string, delta: RedisStore.Delta, callback: Callback): void
  merge (sid: string, delta: RedisStore.Delta): Promise<void>
}

declare namespace RedisStore {
  /** The class itself (`require('session-core/redis').RedisStore`, and `default`). */
  export const RedisStore: typeof import('.')
  export type RedisStore = import('.')
  export { RedisStore as default }

  /** Any node-redis client or cluster, or ioredis client or Cluster (recognised by its methods). */
  export type RedisClientLike = { sendCommand (...args: any[]): any } | { call (...args: any[]): any }

  export interface RedisStoreOptions {
    client: RedisClientLike
    /** Key prefix, default `sess:` (connect-redis's). */
    prefix?: string
    /** Seconds a record lives when the session has no expiry of its own; default 86400. */
    ttl?: number | ((session: SessionData) => number)
    /** touch() does nothing (the TTL is refreshed only when the record is written). */
    disableTouch?: boolean
    /** SCAN's COUNT for all/ids/length/clear; default 100. */
    scanCount?: number
    /** Milliseconds each Redis command may take before it fails (ESESSIONSTORE_TIMEOUT); default 1000. */
    operationTimeout?: number
    /** How many times a lost compare-and-set race is retried before ESESSIONSTORE_CONFLICT; default 10. */
    retries?: number
    /** Replicas that must acknowledge each write (WAIT); default 0. */
    waitReplicas?: number
  }

  /** What the middleware hands to merge(). */
  export interface Delta {
    readonly text: string
    apply (storedText: string): string
    readonly record: unknown
    readonly expires: number | null
    readonly session?: unknown
  }

  /** The `code` of a store error (each with `status` 503; ESESSION_GONE with 409). */
  export type ErrorCode = 'ESESSIONSTORE_TIMEOUT' | 'ESESSIONSTORE_UNAVAILABLE' | 'ESESSIONSTORE_CONFLICT' | 'ESESSIONSTORE_RECORD' | 'ESESSION_GONE'
}
