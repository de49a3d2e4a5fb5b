// session-core/web elsewhere (a browser, a service worker, another runtime): the wasm fetched from
// its URL next to this one (a file: or http: URL the runtime can read), on the first getSession().
import init from '../wasm-web-client/session_core.js'
import * as glue from '../wasm-web-client/session_core.js'
import { makeWeb } from './session.js'

const web = makeWeb(async () => {
  await init({ module_or_path: new URL('../wasm-web-client/session_core_bg.wasm', import.meta.url) })
  return glue
})
export const { getSession, MemoryStore, checkOptions, checkCsrf } = web
export default web
