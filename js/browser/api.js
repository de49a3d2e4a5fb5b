/* global location */
// The browser API over an initialised wasm glue module (`core`). Kept free of imports so the
// inspector page can inline it next to the glue (scripts/build-inspector.js).

/**
 * @param {object} core the wasm-bindgen glue (web target), initialised
 */
export function makeApi (core) {
  // as in the Node entry (js/index.js): bytes become arrays of integers, `now` defaults to the clock,
  // and a bad option is a TypeError naming it (the core's shape), never repeating its value
  const invalid = (field, reason) => Object.assign(new TypeError(`option ${field} is invalid: ${reason}`), { code: 'ERR_SESSION_CORE_INVALID_' + field.toUpperCase(), field })
  const bytes = (v) => Array.from(new Uint8Array(v.buffer, v.byteOffset, v.byteLength))
  const secretList = (v) => ArrayBuffer.isView(v) ? [bytes(v)] : Array.isArray(v) ? v.map((s) => ArrayBuffer.isView(s) ? bytes(s) : s) : v
  function options (opts, extra) {
    if (opts != null && (typeof opts !== 'object' || Array.isArray(opts))) throw invalid('options', 'expected an object')
    const o = Object.assign({}, extra, opts)
    if (o.now == null) o.now = Date.now()
    else if (o.now instanceof Date) o.now = o.now.valueOf()
    if (typeof o.now === 'number' && !Number.isFinite(o.now)) throw invalid('now', 'expected milliseconds since the epoch (an integer)')
    if (o.secrets != null) o.secrets = secretList(o.secrets)
    if (o.keys != null) o.keys = secretList(o.keys)
    return JSON.stringify(o)
  }
  /** The inspect report (JSON text, the same bytes as the CLI and Node). */
  function inspectJSON (header, opts) {
    return core.inspectJson(String(header == null ? '' : header), options(opts))
  }
  /** The audit report (JSON text). `url` defaults to the page's. */
  function auditJSON (setCookie, opts) {
    const here = typeof location !== 'undefined' ? { url: location.href } : {}
    return core.auditJson(String(setCookie == null ? '' : setCookie), options(opts, here))
  }
  return {
    inspectJSON,
    auditJSON,
    /** What each cookie is, decoded and (with secrets or keys) verified. */
    inspect: (header, opts) => JSON.parse(inspectJSON(header, opts)),
    /** What a browser would do with Set-Cookie values (one per line). */
    audit: (setCookie, opts) => JSON.parse(auditJSON(setCookie, opts)),
    /** `cookie@0.7`'s parse. */
    parseCookie: (str) => JSON.parse(core.parseCookieJson(String(str), true)),
    /** The report for this page's own cookies (those scripts can see: not HttpOnly ones). */
    inspectDocumentCookies: (opts) => JSON.parse(inspectJSON(typeof document !== 'undefined' ? document.cookie : '', opts))
  }
}
