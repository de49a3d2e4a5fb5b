// What session-core adds to an Express request, shared by session-core/express and
// session-core/cookie-session. Internal: import those entry points, not this file.
//
// The fields are declared on express-serve-static-core's Request (the `req` every Express handler
// gets, which extends the global Express.Request), not on Express.Request itself as the @types
// packages do. An interface may declare a property in several places only with one type (TS2717)
// and may not inherit it from two bases with different types (TS2320); @types/express-session
// declares `session` on Express.Request, @types/cookie-session inherits another `session` there, and
// TypeScript 5 loads both whenever they are installed. One level down, no one else declares these
// fields, and each one refines whatever type an @types package gave it (an intersection, with
// session-core's members first), so every combination compiles: either entry point or both, with or
// without those @types packages, and SessionData augmentations of 'session-core/express' and of
// 'express-session' both apply.

/** `req.session`'s members: session-core/express adds the Session methods and SessionData, session-core/cookie-session the flags and free-form data. */
export interface RequestSession {}

/** What may be assigned to `req.session` besides a session: one member per entry point (`null` ends the session; cookie-session also takes a plain object). */
export interface RequestSessionValues {}

/** The type an @types package gave `Express.Request[K]` (undefined and null dropped by the intersection), or `unknown` when none did. */
export type Inherited<K extends string> = Express.Request extends { readonly [P in K]?: infer T } ? T : unknown

/** The options of csrf() (session-core/express and session-core/cookie-session alike). */
export interface CsrfOptions {
  /** Methods let through without a token (default ['GET', 'HEAD', 'OPTIONS']). */
  ignoreMethods?: string[]
  /** Where the token is read (default: csurf's order: body._csrf, query._csrf, then the csrf-token, xsrf-token, x-csrf-token and x-xsrf-token headers). */
  value?: (req: import('express').Request) => string | undefined
  /** Refuse an unsafe request whose Sec-Fetch-Site is cross-site (default true). */
  secFetchSite?: boolean
  /** Also refuse an Origin outside this list (such as 'https://example.com'). */
  origins?: string[]
}

/** The production checks: 'warn' (default under NODE_ENV=production), 'throw' (for CI) or 'off' (default elsewhere). */
export type ChecksMode = 'warn' | 'throw' | 'off'

/** A refused CSRF check: csurf's code, status 403. */
export interface CsrfError extends Error {
  code: 'EBADCSRFTOKEN'
  status: 403
}

declare module 'express-serve-static-core' {
  interface Request {
    /** With csrf(): a fresh token of the session's CSRF secret (made on first use), for a form field _csrf or a header. */
    csrfToken (): string
    get session (): RequestSession & Inherited<'session'>
    set session (value: (RequestSession & Inherited<'session'>) | RequestSessionValues[keyof RequestSessionValues])
  }
}
