// session-core/browser: the core in a page, no bundler needed:
//   <script type="module">
//     import { inspect, audit } from '/node_modules/session-core/browser/index.js'
//   </script>
// It loads the same .wasm as the Node build (from ../wasm-web/, next to this file).
import init, * as core from '../wasm-web/session_core.js'
import { makeApi } from './api.js'

await init()

const api = makeApi(core)
export const { inspect, inspectJSON, audit, auditJSON, parseCookie, inspectDocumentCookies } = api
export default api
