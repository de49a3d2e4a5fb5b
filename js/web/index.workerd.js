// session-core/web for Cloudflare Workers (workerd): the wasm is a compiled-module import (the
// bundler or the Worker's module list gives it); instantiated on the first getSession(), never
// at global scope.
import wasm from '../wasm-web-client/session_core_bg.wasm'
import { initSync } from '../wasm-web-client/session_core.js'
import * as glue from '../wasm-web-client/session_core.js'
import { makeWeb } from './session.js'

const web = makeWeb(() => {
  initSync({ module: wasm })
  return glue
})
export const { getSession, MemoryStore, checkOptions, checkCsrf } = web
export default web
