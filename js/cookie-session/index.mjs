// ESM entry: the same module instance as require('session-core/cookie-session').
import cookieSession from './index.js'

export default cookieSession
