// session-core/web on Deno with session-core/redis (Deno has TCP and runs the npm client): /store/*
// on the Redis store at REDIS_URL, shared with the Express drop-in of the test. Prints its port.
/* global Deno */
import { getSession } from 'session-core/web'
import RedisStore from 'session-core/redis'
import Redis from 'ioredis5'
import { makeFetch, MODES } from './app.mjs'
const u = new URL(Deno.env.get('REDIS_URL'))
const client = new Redis({ host: u.hostname, port: Number(u.port) })
await new Promise((resolve) => client.once('ready', resolve))
MODES.store = { ...MODES.store, store: new RedisStore({ client }) }
Deno.serve({ hostname: '127.0.0.1', port: 0, onListen: ({ port }) => console.log('listening ' + port) }, makeFetch(getSession, 'deno ' + Deno.version.deno))
