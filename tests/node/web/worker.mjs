// session-core/web in a Cloudflare Worker (workerd, the `workerd` condition's entry).
import { getSession } from 'session-core/web'
import { makeFetch } from './app.mjs'
export default { fetch: makeFetch(getSession, 'workerd') }
