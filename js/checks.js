'use strict'
/**
 * The production checks at construction (the list is the core's, src/checks.rs: the same findings
 * `session-core doctor` prints and the inspector shows). `checks: 'warn' | 'throw' | 'off'`,
 * default 'warn' under NODE_ENV=production and 'off' elsewhere. Each mistake is warned once per
 * process, naming the option and the fix, never a value. The list is in the client build (the
 * Express build stays small): it is loaded here, once, only when the checks are on.
 */
const native = require('./native')

const warned = new Set()
/** The secrets of every session middleware made so far (module-private: never printed, never exported). */
const seen = new Set()

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

function key (s) {
  return typeof s === 'string' ? 's' + s : 'b' + Buffer.from(s.buffer, s.byteOffset, s.byteLength).toString('latin1')
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
    const k = key(s)
    if (seen.has(k)) shared.push(kind)
    else seen.add(k)
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

/**
 * secure 'auto' (cookie-session's default) on a request the app does not see as https: when it came
 * through a TLS proxy all the same (X-Forwarded-Proto: https, from a proxy the app does not trust),
 * the session cookie goes out without Secure. Warned once (SECURE_AUTO_UNTRUSTED_PROXY) unless
 * checks: 'off'. Only the header's first value counts, as Express reads it.
 */
function autoSecureOverHttp (opts, req, option) {
  const header = req.headers ? req.headers['x-forwarded-proto'] : undefined
  if (typeof header !== 'string') return
  const comma = header.indexOf(',')
  if ((comma === -1 ? header : header.slice(0, comma)).trim().toLowerCase() !== 'https') return
  atRequest(opts, 'SECURE_AUTO_UNTRUSTED_PROXY', option)
}

module.exports = { atConstruction, atRequest, autoSecureOverHttp }
