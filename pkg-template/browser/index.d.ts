// Types for session-core/browser (an ES module that loads the wasm core in a page).

export interface InspectOptions {
  /** 'cookie' (a Cookie header, default) or 'set-cookie' (Set-Cookie values, one per line). */
  as?: 'cookie' | 'set-cookie'
  /** Cookie name -> kind, where the bytes cannot tell ('express-session' or 'cookie-parser'). */
  names?: Record<string, string>
  /** express-session / cookie-parser secrets: one, or a list tried in order. */
  secrets?: string | Uint8Array | Array<string | Uint8Array>
  /** cookie-session keys and session-core sealing keys: one, or a list tried in order. */
  keys?: string | Uint8Array | Array<string | Uint8Array>
  /** ms since the epoch (or a Date); default Date.now(). */
  now?: number | Date
}

export interface CookieReport {
  name: string
  value: string
  decoded?: string
  kinds: Array<'express-session' | 'cookie-parser-signed' | 'cookie-parser-json' | 'cookie-session' | 'cookie-session-signature' | 'session-core-signed' | 'session-core-sealed' | 'session-core-chunk' | 'plain'>
  id?: string
  body?: unknown
  verdict: 'valid' | 'invalid' | 'unverified' | 'none'
  reason?: string
  key?: number
  algorithm?: 'sha1' | 'sha256'
  keyId?: string
  attributes?: Record<string, unknown>
  expires?: number
  timeLeft?: number
  createdAt?: number
  lastSeen?: number
  /** session-core's frames (notBefore): when the cookie was issued, ms. */
  issuedAt?: number
  /** session-core's frames (compress): the session was deflated inside the value. */
  compressed?: true
  /** A chunked session (chunk): the chunk cookies its value was read from, in order. */
  chunks?: string[]
  /** A chunk cookie: the session it is part of (reported under that name). */
  chunkOf?: string
  size: number
  overBudget: boolean
}

export interface Report { version: number, as: 'cookie' | 'set-cookie', now: number, cookies: CookieReport[] }
export interface Finding { code: string, severity: 'error' | 'warning' | 'info', message: string }
export interface AuditReport { version: number, url?: string, now: number, cookies: Array<{ name: string, findings: Finding[] }>, ignored: string[] }

export function inspect (header: string, options?: InspectOptions): Report
export function inspectJSON (header: string, options?: InspectOptions): string
export function audit (setCookie: string, options?: { url?: string | null, now?: number | Date }): AuditReport
export function auditJSON (setCookie: string, options?: { url?: string | null, now?: number | Date }): string
export function parseCookie (header: string): Record<string, string>
export function inspectDocumentCookies (options?: InspectOptions): Report
