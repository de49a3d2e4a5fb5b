'use strict'
/**
 * The production checks at construction (the list is the core's, src/checks.rs: the same findings
 * `session-core doctor` prints and the inspector shows). `checks: 'warn' | 'throw' | 'off'`,
 * default 'warn' under NODE_ENV=production and 'off' elsewhere. Each mistake is warned once per
 * process, naming the option and the fix, never a value. The list is in the client build (the
 * Express build stays small): it is loaded here, once, only when the checks are on.
 */
const { createHash } = require('node:crypto')
const native = require('./native')

const warned = new Set()
/** Fingerprints (SHA-256) of the secrets of every session middleware made so far: never the secrets. */
const fingerprints = new Map()

/** The checks mode of `opts`. */
function modeOf (opts) {
  if (opts.checks != null) return opts.checks
  return process.env.NODE_ENV === 'production' ? 'warn' : 'off'
}

function line (f) {
  return `session-core: ${f.option}: ${f.message}. Fix: ${f.fix} (${f.code})`
}

/** Warns `f` once per process (by code and option). */
function warnOnce (f) {
  const key = f.code + ' ' + f.option
  if (warned.has(key)) return
  warned.add(key)
  console.warn(line(f))
}

function fingerprint (s) {
  return createHash('sha256').update(typeof s === 'string' ? Buffer.from(s, 'utf8') : s).digest('base64')
}

/**
 * The checks of one middleware's options at construction: `kind` is 'express' or
 * 'cookie-session', `described` the options as js/options.js describes them, `secrets` the
 * secrets it signs with (for the one-secret-two-middlewares check).
 */
function atConstruction (kind, opts, described, secrets, option) {
  const mode = modeOf(opts)
  const shared = []
  for (const s of secrets) {
    if (typeof s !== 'string' && !ArrayBuffer.isView(s)) continue
    const fp = fingerprint(s)
    if (fingerprints.has(fp)) shared.push(fp)
    else fingerprints.set(fp, kind)
  }
  if (mode === 'off') return
  const findings = JSON.parse(native.client().checkOptions(kind, described)).filter((f) => f.severity === 'warning')
  if (shared.length) findings.push(JSON.parse(native.client().checkFinding('SHARED_KEY', option)))
  if (findings.length === 0) return
  if (mode === 'throw') {
    const err = new Error('session-core: the production checks found ' + findings.length + ' problem(s):\n' + findings.map(line).join('\n'))
    err.code = 'ERR_SESSION_CORE_CHECKS'
    err.findings = findings
    throw err
  }
  for (const f of findings) warnOnce(f)
}

/** A mistake seen at a request (such as SECURE_ON_HTTP_REQUEST): warned once unless checks: 'off'. */
function atRequest (opts, code, option) {
  if (opts.checks === 'off') return
  warnOnce(JSON.parse(native.client().checkFinding(code, option)))
}

module.exports = { atConstruction, atRequest }
