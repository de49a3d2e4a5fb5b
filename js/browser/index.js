// session-core/browser: the core in a page, no bundler needed:
//   <script type="module">
//     import { inspect, audit } from '/node_modules/session-core/browser/index.js'
//   </script>
// It loads the same .wasm as the Node build (from ../wasm-web/, next to this file).
import init, * as core from '../wasm-web/session_core.js'
import { makeApi } from './api.js'

try {
  await init()
} catch (err) {
  // Node (and other runtimes whose fetch cannot read a file: URL) fail here with "fetch failed …
  // not implemented": say what to use instead.
  const node = typeof process === 'object' && process !== null && process.versions != null && typeof process.versions.node === 'string'
  if (!node) throw err
  throw new Error("session-core/browser is for browsers: in Node, use require('session-core') " +
    "(or import { inspect, audit, parseCookie } from 'session-core')", { cause: err })
}

const api = makeApi(core)
export const { inspect, inspectJSON, audit, auditJSON, parseCookie, inspectDocumentCookies } = api
export default api
