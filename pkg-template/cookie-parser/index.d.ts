// Types for session-core/cookie-parser: cookie-parser's API.
import type { RequestHandler } from 'express'

declare global {
  namespace Express {
    interface Request {
      secret?: string | undefined
      cookies: Record<string, any>
      signedCookies: Record<string, any>
    }
  }
}

export = cookieParser

declare function cookieParser (secret?: string | Uint8Array | Array<string | Uint8Array>, options?: { decode?(val: string): string }): RequestHandler

declare namespace cookieParser {
  function JSONCookie (jsonCookie: string): object | undefined
  function JSONCookies<T extends Record<string, string>> (jsonCookies: T): { [P in keyof T]: object | undefined }
  function signedCookie (cookie: string, secret: string | Uint8Array | Array<string | Uint8Array>): string | false
  function signedCookies<T extends Record<string, string>> (cookies: T, secret: string | Uint8Array | Array<string | Uint8Array>): Record<string, string | false>
}
