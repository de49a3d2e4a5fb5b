// ESM entry: the same module instance as require('session-core/cookie-session').
import cookieSession from './index.js'

export const { csrf } = cookieSession
export default cookieSession
