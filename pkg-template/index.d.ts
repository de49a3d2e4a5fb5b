// Types for session-core's core API (the names and options of `cookie@0.7` and `cookie-signature`).

export type Secret = string | Uint8Array

export interface ParseOptions {
  /** Decodes each value; defaults to a strict `decodeURIComponent` (a value that fails stays raw). */
  decode?(value: string): string
}

export interface SerializeOptions {
  /** Encodes the value; defaults to `encodeURIComponent`. */
  encode?(value: string): string
  /** Seconds; floored. */
  maxAge?: number
  domain?: string
  path?: string
  expires?: Date
  httpOnly?: boolean
  secure?: boolean
  partitioned?: boolean
  priority?: 'low' | 'medium' | 'high' | 'Low' | 'Medium' | 'High'
  sameSite?: true | false | 'lax' | 'strict' | 'none' | 'Lax' | 'Strict' | 'None'
}

/** An error from the core: a `TypeError` for a bad argument, with a stable `code`. */
export interface SessionCoreError extends Error {
  code: string
}

/** `value + '.' + base64(HMAC-SHA256(secret, value))` without padding, as cookie-signature. */
export function sign(value: string, secret: Secret): string
/** The value, or `false` when no secret verifies it. Secrets are tried in order. */
export function unsign(input: string, secretOrSecrets: Secret | Secret[]): string | false
/** Like `unsign`, also telling which secret matched (0 = the first, the one that signs). */
export function verify(input: string, secretOrSecrets: Secret | Secret[]): { value: string; secretIndex: number } | false
/** A `Cookie` header to an object, exactly as `cookie@0.7`'s parse. */
export function parseCookie(str: string, options?: ParseOptions): Record<string, string>
/** A `Set-Cookie` header value, byte-identical to `cookie@0.7`'s serialize. */
export function serializeCookie(name: string, value: string, options?: SerializeOptions): string
/** 24 random bytes, base64url: 32 characters, as express-session's ids. */
export function generateSessionId(): string
/** A session's tag: the first 8 characters of base64url(SHA-256(id)); name a session with it in logs and pages, never with its id. */
export function tag(id: string): string
export { parseCookie as parse, serializeCookie as serialize }

export type { InspectOptions, Report, CookieReport, AuditReport, Finding } from './browser/index'
import type { InspectOptions, Report, AuditReport } from './browser/index'
/** What each cookie is, decoded and (with secrets or keys) verified. */
export function inspect(header: string, options?: InspectOptions): Report
/** The same report as JSON text (the bytes the CLI and the browser build give). */
export function inspectJSON(header: string, options?: InspectOptions): string
/** What a browser would do with Set-Cookie values (one per line). */
export function audit(setCookie: string, options?: { url?: string | null, now?: number | Date }): AuditReport
export function auditJSON(setCookie: string, options?: { url?: string | null, now?: number | Date }): string
