// session-core/web on Bun with session-core/redis (Bun has TCP): /store/* on the Redis store at
// REDIS_URL, shared with the Express drop-in of the test. Prints the port it listens on.
/* global Bun */
import { getSession } from 'session-core/web'
import RedisStore from 'session-core/redis'
import Redis from 'ioredis5'
import { makeFetch, MODES } from './app.mjs'
const u = new URL(Bun.env.REDIS_URL)
const client = new Redis({ host: u.hostname, port: Number(u.port) })
await new Promise((resolve) => client.once('ready', resolve))
MODES.store = { ...MODES.store, store: new RedisStore({ client }) }
const server = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: makeFetch(getSession, 'bun ' + Bun.version) })
console.log('listening ' + server.port)
