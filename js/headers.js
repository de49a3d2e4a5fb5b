'use strict'
// Response-header plumbing shared by the middlewares: run a function just before the headers go out.

/** Headers given to writeHead(status, [message], headers) are set first, so Set-Cookie merges. */
function applyWriteHeadHeaders (res, args) {
  const headerIndex = args.length > 1 && typeof args[1] === 'string' ? 2 : 1
  const headers = args.length >= headerIndex + 1 ? args[headerIndex] : undefined
  res.statusCode = args[0]
  if (Array.isArray(headers)) {
    if (headers.length && Array.isArray(headers[0])) {
      for (const [k, v] of headers) if (k) res.setHeader(k, v)
    } else {
      if (headers.length % 2 !== 0) throw new TypeError('headers array is malformed')
      for (let i = 0; i < headers.length; i += 2) res.removeHeader(headers[i])
      for (let i = 0; i < headers.length; i += 2) if (headers[i]) res.appendHeader(headers[i], headers[i + 1])
    }
  } else if (headers) {
    for (const k of Object.keys(headers)) if (k) res.setHeader(k, headers[k])
  }
  return Array.prototype.slice.call(args, 0, Math.min(args.length, headerIndex))
}

/**
 * Calls `listener` once, just before `res`'s headers are written (explicitly or implicitly), after
 * headers passed to `writeHead` have been set, so it can add to them (the job of on-headers).
 */
function onHeaders (res, listener) {
  const prev = res.writeHead
  let fired = false
  res.writeHead = function writeHead (statusCode) {
    const args = applyWriteHeadHeaders(this, arguments)
    if (!fired) {
      fired = true
      listener.call(this)
      if (typeof args[0] === 'number' && this.statusCode !== args[0]) {
        args[0] = this.statusCode
        args.length = 1
      }
    }
    return prev.apply(this, args)
  }
}

/** A header's value as one string (null when not set). */
function headerText (res, name) {
  const v = res.getHeader(name)
  if (v === undefined || v === '') return null
  return Array.isArray(v) ? v.join(', ') : String(v)
}

module.exports = { applyWriteHeadHeaders, onHeaders, headerText }
