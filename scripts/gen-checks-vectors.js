'use strict'
// tests/vectors/checks.json: the production checks (src/checks.rs) on a middleware's options, as
// js/options.js describes them (what JSON cannot say tagged {"$sc": …}). Each finding as
// [code, severity, option], in order: the rules as docs/security.md's "Production checks" states them,
// written out by hand.
const fs = require('node:fs')
const path = require('node:path')

const file = path.join(__dirname, '..', 'tests', 'vectors', 'checks.json')
const SOURCE = 'session-core rule (docs/security.md: Production checks), hand-written'
const GOOD = 'x'.repeat(40)
const STORE = { $sc: 'instance', class: 'RedisStore', methods: ['get', 'set', 'destroy'] }
const express = (cookie) => ({ secret: GOOD, store: STORE, saveUninitialized: false, cookie })

const cases = [
  ["express: cookie.secure 'auto' is explained (advice), not a mistake", 'express', express({ secure: 'auto', maxAge: 3600000 }),
    [['SECURE_AUTO', 'info', 'cookie.secure'], ['HOST_PREFIX', 'info', 'name']]],
  ['express: cookie.secure true', 'express', express({ secure: true, maxAge: 3600000 }), [['HOST_PREFIX', 'info', 'name']]],
  ['express: cookie.secure unset (false)', 'express', express({ maxAge: 3600000 }), [['COOKIE_NOT_SECURE', 'warning', 'cookie.secure']]],
  ['express: cookie a function (decided per request: not checked)', 'express', express({ $sc: 'function' }), []],
  ["express: a tutorial's options", 'express', { secret: 'keyboard cat', cookie: { sameSite: 'none' } }, [
    ['MEMORY_STORE', 'warning', 'store'], ['WEAK_SECRET', 'warning', 'secret'], ['COOKIE_NOT_SECURE', 'warning', 'cookie.secure'],
    ['SAMESITE_NONE_WITHOUT_SECURE', 'warning', 'cookie.sameSite'], ['NO_EXPIRY', 'warning', 'cookie.maxAge'], ['SAVE_UNINITIALIZED', 'warning', 'saveUninitialized']]],
  ["cookie-session: secure unset is 'auto' (cookie-session's default): explained (advice)", 'cookie-session', { keys: [GOOD], maxAge: 3600000 },
    [['SECURE_AUTO', 'info', 'secure']]],
  ['cookie-session: secure true', 'cookie-session', { keys: [GOOD], maxAge: 3600000, secure: true }, [['HOST_PREFIX', 'info', 'name']]],
  ['cookie-session: secure false', 'cookie-session', { keys: [GOOD], maxAge: 3600000, secure: false }, [['COOKIE_NOT_SECURE', 'warning', 'secure']]],
  ['cookie-session: unsigned, no expiry, weak keys', 'cookie-session', { keys: ['short'], signed: false, secure: false, sameSite: 'none' }, [
    ['WEAK_SECRET', 'warning', 'keys'], ['COOKIE_NOT_SECURE', 'warning', 'secure'], ['SAMESITE_NONE_WITHOUT_SECURE', 'warning', 'sameSite'],
    ['NO_EXPIRY', 'warning', 'maxAge'], ['UNSIGNED_COOKIE', 'warning', 'signed']]]
].map(([name, kind, options, expected]) => ({ name, source: SOURCE, kind, options, expected }))

const description = "The production checks (src/checks.rs) on a middleware's options as js/options.js describes them: each finding as [code, severity, option], in order. What the middleware warns at construction (its warnings), what session-core doctor prints and the inspector shows (all of them)."
fs.writeFileSync(file, JSON.stringify({ description, count: cases.length, cases }, null, 2) + '\n')
console.log(`checks.json: ${cases.length} cases`)
