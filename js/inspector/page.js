// The inspector page's code, inlined into inspector.html after the wasm glue and api.js
// (scripts/build-inspector.js); the wasm bytes come inlined as base64 in WASM_BASE64.
/* global WASM_BASE64, initSync, makeApi, inspectJson, auditJson, parseCookieJson, checkSetCookie, location */
{
  const bytes = Uint8Array.from(atob(WASM_BASE64), (c) => c.charCodeAt(0))
  initSync({ module: bytes })
  const pageApi = makeApi({ inspectJson, auditJson, parseCookieJson })
  const $ = (id) => document.getElementById(id)
  const list = (s) => s.split(/[,\n]/).map((x) => x.trim()).filter(Boolean)
  const text = (v) => document.createTextNode(v == null ? '' : String(v))
  function cell (tr, content, cls) {
    const td = document.createElement('td')
    if (cls) td.className = cls
    td.appendChild(typeof content === 'object' && content !== null ? content : text(content))
    tr.appendChild(td)
  }
  function when (c, now) {
    if (c.expires == null) return c.kinds.includes('session-core-sealed') || c.attributes ? 'end of browser session' : ''
    const left = Math.round((c.expires - now) / 1000)
    return new Date(c.expires).toISOString() + (left >= 0 ? ` (in ${left} s)` : ` (${-left} s ago)`)
  }
  function run () {
    const header = $('header').value
    const as = $('as').value
    const opts = { as, secrets: list($('secrets').value), keys: list($('keys').value) }
    const json = pageApi.inspectJSON(header, opts)
    const report = JSON.parse(json)
    const body = $('report').tBodies[0]
    body.textContent = ''
    for (const c of report.cookies) {
      const tr = document.createElement('tr')
      tr.dataset.cookie = c.name
      cell(tr, c.name)
      cell(tr, c.kinds.join(' or ') + (c.chunks ? ' (from ' + c.chunks.join(', ') + ')' : '') + (c.chunkOf ? ' (of ' + c.chunkOf + ')' : '') + (c.compressed ? ', compressed' : ''))
      cell(tr, c.verdict + (c.reason ? ': ' + c.reason : ''), c.verdict)
      cell(tr, c.key != null ? '#' + c.key + (c.algorithm ? ' (' + c.algorithm + ')' : '') : c.keyId ? 'id ' + c.keyId : '')
      cell(tr, when(c, report.now))
      cell(tr, c.size + ' / 4096' + (c.overBudget ? ' (too large)' : ''), c.overBudget ? 'invalid' : '')
      const code = document.createElement('code')
      code.textContent = c.id ? 'id ' + c.id : c.body !== undefined ? JSON.stringify(c.body) : ''
      cell(tr, code)
      body.appendChild(tr)
    }
    const auditTable = $('audit')
    auditTable.hidden = as !== 'set-cookie'
    let shown = json
    if (as === 'set-cookie') {
      const url = $('url').value.trim()
      const ajson = pageApi.auditJSON(header, url ? { url } : { url: null })
      const a = JSON.parse(ajson)
      const tb = auditTable.tBodies[0]
      tb.textContent = ''
      for (const c of a.cookies) {
        for (const f of c.findings.length ? c.findings : [{ severity: '', code: 'ok', message: 'no problems' }]) {
          const tr = document.createElement('tr')
          cell(tr, c.name)
          cell(tr, f.severity, f.severity)
          cell(tr, f.code)
          cell(tr, f.message)
          tb.appendChild(tr)
        }
      }
      // the production checks (src/checks.rs): what the middleware warns about and doctor prints
      const checks = JSON.parse(checkSetCookie(header))
      for (const c of checks) {
        for (const f of c.findings) {
          const tr = document.createElement('tr')
          tr.dataset.check = f.code
          cell(tr, c.name)
          cell(tr, f.severity, f.severity)
          cell(tr, f.code)
          cell(tr, f.message + '. Fix: ' + f.fix)
          tb.appendChild(tr)
        }
      }
      shown += '\n' + ajson + '\n' + JSON.stringify(checks)
    }
    $('json').textContent = shown
    document.body.dataset.ready = 'true'
  }
  for (const id of ['header', 'as', 'secrets', 'keys', 'url']) $(id).addEventListener('input', run)
  $('go').addEventListener('click', run)
  const prefill = document.getElementById('prefill')
  const hash = new URLSearchParams(location.hash.slice(1))
  const initial = prefill ? JSON.parse(prefill.textContent) : { header: hash.get('header') || '', as: hash.get('as') || 'cookie' }
  $('header').value = initial.header || ''
  $('as').value = initial.as === 'set-cookie' ? 'set-cookie' : 'cookie'
  run()
}
