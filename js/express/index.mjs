// ESM entry: the same module instance as require('session-core/express').
import session from './index.js'

export const { Store, MemoryStore, Session, Cookie, Delta, csrf } = session
export default session
