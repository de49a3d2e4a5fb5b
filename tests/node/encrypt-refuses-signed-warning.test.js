'use strict'
// `encrypt: true` alone reads only sealed cookies: every user who holds a signed cookie (cookie-session's,
// or this package's without encrypt) starts a fresh session, signed out. That is documented, and now
// said when it happens: the first signed cookie refused for that reason warns once per process,
// naming migrateSigned (process.emitWarning, code SESSION_CORE_SIGNED_COOKIE_REFUSED, in
// session-core/cookie-session; console.warn in session-core/web's kind 'client', which has no process).
// This file runs in its own process: the once-per-process state starts fresh.
const { test } = require('node:test')
const assert = require('node:assert')
const path = require('node:path')
const request = require('supertest')
const realCookieSession = require('cookie-session')
const { EXPRESSES } = require('./helpers')
const { dir } = require('./pkg')

const cookieSession = require(path.join(dir, 'cookie-session'))
const KEYS = ['key-new', 'key-old']

/** The cookies a response sets, as a Cookie header. */
const jar = (res) => (res.headers['set-cookie'] || []).map((h) => h.split(';')[0]).join('; ')
const tick = () => new Promise((resolve) => setImmediate(resolve))

test('session-core/cookie-session: the first signed cookie refused by encrypt: true warns once, naming migrateSigned', async () => {
  const warnings = []
  const onWarning = (w) => warnings.push(w)
  process.on('warning', onWarning)
  try {
    const [[, express4], [, express5]] = EXPRESSES
    const handler = (req, res) => res.json({ user: req.session.user || null })
    const signed = jar(await request(express4().use(realCookieSession({ keys: KEYS })).get('/', (req, res) => { req.session.user = 'alice'; res.end() })).get('/'))
    assert.match(signed, /^session=[^;]+; session\.sig=/)
    const sealedOnly = express4().use(cookieSession({ keys: KEYS, encrypt: true })).use(handler)

    // no cookie, and a sealed cookie: nothing to say
    const sealed = jar(await request(express4().use(cookieSession({ keys: KEYS, encrypt: true })).get('/', (req, res) => { req.session.user = 'bob'; res.end() })).get('/'))
    await request(sealedOnly).get('/').expect(200, { user: null })
    await request(sealedOnly).get('/').set('Cookie', sealed).expect(200, { user: 'bob' })
    await tick()
    assert.deepStrictEqual(warnings.filter((w) => w.name === 'SessionCoreWarning'), [])

    // the signed cookie: refused (a fresh session), and said once
    await request(sealedOnly).get('/').set('Cookie', signed).expect(200, { user: null })
    await tick()
    const ours = warnings.filter((w) => w.name === 'SessionCoreWarning')
    assert.strictEqual(ours.length, 1)
    assert.strictEqual(ours[0].code, 'SESSION_CORE_SIGNED_COOKIE_REFUSED')
    assert.match(ours[0].message, /encrypt: true/)
    assert.match(ours[0].message, /migrateSigned/)
    for (const part of signed.split('; ')) assert.ok(!ours[0].message.includes(part.split('=')[1]), 'no cookie value in the warning')

    // again, and on another app (Express 5): not again in this process
    await request(sealedOnly).get('/').set('Cookie', signed).expect(200, { user: null })
    await request(express5().use(cookieSession({ keys: KEYS, encrypt: true })).use(handler)).get('/').set('Cookie', signed).expect(200, { user: null })
    // with migrateSigned the cookie is read: nothing refused
    await request(express5().use(cookieSession({ keys: KEYS, encrypt: true, migrateSigned: true })).use(handler)).get('/').set('Cookie', signed).expect(200, { user: 'alice' })
    await tick()
    assert.strictEqual(warnings.filter((w) => w.name === 'SessionCoreWarning').length, 1)
  } finally {
    process.off('warning', onWarning)
  }
})

test('session-core/web kind \'client\': the same, once, with console.warn', async () => {
  const { getSession } = await import(path.join(dir, 'web', 'index.node.js'))
  const express = EXPRESSES[0][1]
  const signed = jar(await request(express().use(realCookieSession({ keys: KEYS })).get('/', (req, res) => { req.session.user = 'carol'; res.end() })).get('/'))
  const lines = []
  const warn = console.warn
  console.warn = (...args) => lines.push(args.join(' '))
  try {
    const options = { kind: 'client', keys: KEYS, encrypt: true }
    const read = async (cookie) => (await getSession(new Request('http://localhost/', { headers: cookie ? { cookie } : {} }), options)).user ?? null
    assert.strictEqual(await read(''), null)
    assert.deepStrictEqual(lines, [])
    assert.strictEqual(await read(signed), null)
    assert.strictEqual(await read(signed), null)
    assert.strictEqual(await read(signed), null)
    assert.strictEqual(lines.length, 1, lines.join('\n'))
    assert.match(lines[0], /^session-core\/web: .*encrypt: true.*migrateSigned/)
    assert.strictEqual(await (async () => (await getSession(new Request('http://localhost/', { headers: { cookie: signed } }), { ...options, migrateSigned: true })).user)(), 'carol')
    assert.strictEqual(lines.length, 1)
  } finally {
    console.warn = warn
  }
})
