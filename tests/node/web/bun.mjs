// session-core/web on Bun.serve (the `bun` condition): prints the port it listens on.
/* global Bun */
import { getSession } from 'session-core/web'
import { makeFetch } from './app.mjs'
const server = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: makeFetch(getSession, 'bun ' + Bun.version) })
console.log('listening ' + server.port)
