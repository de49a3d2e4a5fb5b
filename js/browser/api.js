// The browser API over an initialised wasm glue module (`core`). Kept free of imports so the
// inspector page can inline it next to the glue (scripts/build-inspector.js).

/**
 * @param {object} core the wasm-bindgen glue (web target), initialised
 */
export function makeApi (core) {
  const options = (o, extra) => JSON.stringify(Object.assign({ now: Date.now() }, extra, o || {}))
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
