// ESM entry: the same module instance as require('session-core').
import core from './index.js'

export const { sign, unsign, verify, parseCookie, serializeCookie, generateSessionId, tag, parse, serialize, inspect, inspectJSON, audit, auditJSON } = core
export default core
