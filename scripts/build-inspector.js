'use strict'
// Writes pkg/inspector.html: one self-contained page (the wasm glue, js/browser/api.js, the page code
// and the .wasm as base64, all inline), so it opens from a file:// URL with no network.
const fs = require('node:fs')
const path = require('node:path')

const pkg = path.join(__dirname, '..', 'pkg')
const js = path.join(__dirname, '..', 'js')
const glue = fs.readFileSync(path.join(pkg, 'wasm-web', 'session_core.js'), 'utf8')
const api = fs.readFileSync(path.join(js, 'browser', 'api.js'), 'utf8').replace(/^export function makeApi/m, 'function makeApi')
const page = fs.readFileSync(path.join(js, 'inspector', 'page.js'), 'utf8')
const wasm = fs.readFileSync(path.join(pkg, 'wasm-web', 'session_core_bg.wasm')).toString('base64')
const template = fs.readFileSync(path.join(js, 'inspector', 'page.html'), 'utf8')
// A closing script tag inside the inlined code would end the script early.
const safe = (s) => s.replace(/<\/script/gi, '<\\/script')
const moduleCode = [safe(glue), safe(api), `const WASM_BASE64 = '${wasm}'`, safe(page)].join('\n;\n')
const html = template.replace('/*SESSION_CORE_MODULE*/', () => moduleCode)
fs.writeFileSync(path.join(pkg, 'inspector.html'), html)
fs.rmSync(path.join(pkg, 'inspector'), { recursive: true, force: true }) // the template is not shipped
console.log(`pkg/inspector.html: ${html.length} bytes`)
