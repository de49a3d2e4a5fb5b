// ESM entry: the same module instance as require('session-core/cookie-parser').
import cookieParser from './index.js'

export const { JSONCookie, JSONCookies, signedCookie, signedCookies } = cookieParser
export default cookieParser
