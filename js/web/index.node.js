// session-core/web for Node and Bun: the wasm read from its file next to this one, on first use.
import { readFileSync } from 'node:fs'
import { initSync } from '../wasm-web-client/session_core.js'
import * as glue from '../wasm-web-client/session_core.js'
import { makeWeb } from './session.js'

const web = makeWeb(() => {
  initSync({ module: readFileSync(new URL('../wasm-web-client/session_core_bg.wasm', import.meta.url)) })
  return glue
})
export const { getSession, MemoryStore, checkOptions, checkCsrf } = web
export default web
