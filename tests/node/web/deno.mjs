// session-core/web on Deno.serve (the `deno` condition): prints the port it listens on.
/* global Deno */
import { getSession } from 'session-core/web'
import { makeFetch } from './app.mjs'
Deno.serve({ hostname: '127.0.0.1', port: 0, onListen: ({ port }) => console.log('listening ' + port) }, makeFetch(getSession, 'deno ' + Deno.version.deno))
