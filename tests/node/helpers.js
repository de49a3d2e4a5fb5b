'use strict'
// Shared helpers for the Express tests: apps on real Express 4 and 5, cookie jars, stores.
const path = require('node:path')
const { dir } = require('./pkg')

const session = require(path.join(dir, 'express'))
const EXPRESSES = [['Express 4', require('express4')], ['Express 5', require('express5')]]

/** The Set-Cookie value for `name` in a response, or undefined. */
function setCookie (res, name = 'connect.sid') {
  const all = res.headers['set-cookie'] || []
  return all.find((c) => c.startsWith(name + '='))
}

/** `name=value` of the response's cookie, to send back. */
function cookiePair (res, name = 'connect.sid') {
  const c = setCookie(res, name)
  return c && c.split(';')[0]
}

/** The attributes of a Set-Cookie value, lower-cased names. */
function attributes (header) {
  const out = {}
  for (const part of header.split(';').slice(1)) {
    const [k, ...v] = part.trim().split('=')
    out[k.toLowerCase()] = v.length ? v.join('=') : true
  }
  return out
}

/** The session id inside our (or express-session's) cookie value. */
function sidOf (pair) {
  return decodeURIComponent(pair.split('=')[1]).slice(2).split('.')[0]
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/** A duck-typed store: a plain object, Promise-returning methods, no EventEmitter. */
function promiseStore () {
  const data = new Map()
  return {
    data,
    async get (sid) { const v = data.get(sid); return v ? JSON.parse(v) : null },
    async set (sid, sess) { data.set(sid, JSON.stringify(sess)) },
    async destroy (sid) { data.delete(sid) }
  }
}

module.exports = { session, EXPRESSES, setCookie, cookiePair, attributes, sidOf, sleep, promiseStore }
