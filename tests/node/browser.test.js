'use strict'
// Real-browser tests: headless Chromium (Debian's, driven by playwright-core; never a downloaded
// browser). The self-contained inspector page from a file:// URL; session-core/browser imported by a
// page with no bundler, its JSON compared with the Node build's; the demo's /__session page.
const { describe, it, before, after } = require('node:test')
const assert = require('node:assert')
const fs = require('node:fs')
const http = require('node:http')
const path = require('node:path')
const { chromium } = require('playwright-core')
const { dir } = require('./pkg')

const root = path.join(__dirname, '..', '..')
const wasm = require(path.join(dir, 'native')).tools() // the build with inspect and audit
const shots = path.join(root, 'target', 'screenshots')
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
const ES_COOKIE = 'connect.sid=s%3AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.RT5Cal5xFtX9GjJLGoiK%2BGzZ%2BcCRnZ5ZbIS8ml7E5Xo'

/** A static server for pkg/ on a loopback port. */
function serve (directory, extra) {
  const types = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.html': 'text/html', '.json': 'application/json' }
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x')
    if (extra[url.pathname]) return res.writeHead(200, { 'Content-Type': 'text/html' }).end(extra[url.pathname])
    const file = path.join(directory, path.normalize(url.pathname))
    if (!file.startsWith(directory) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) return res.writeHead(404).end()
    res.writeHead(200, { 'Content-Type': types[path.extname(file)] || 'application/octet-stream' })
    fs.createReadStream(file).pipe(res)
  })
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)))
}

describe('in headless Chromium', () => {
  let browser
  before(async () => {
    assert.ok(fs.existsSync('/usr/bin/chromium'), 'Debian chromium is installed (make test installs it)')
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS })
    fs.mkdirSync(shots, { recursive: true })
  })
  after(async () => { if (browser) await browser.close() })

  it('the inspector page opens from file://, reports a pasted cookie, and is screenshotted', async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 720 } })
    const errors = []
    page.on('pageerror', (e) => errors.push(e.message))
    await page.route('**', (route) => (route.request().url().startsWith('file:') ? route.continue() : route.abort()))
    await page.goto('file://' + path.join(dir, 'inspector.html'))
    const sealed = 'session=' + require('./test-build').sealWithNonce('seal key', 'session', JSON.stringify({ c: null, s: null, e: Date.now() + 3600000, d: { user: 'alice' } }), Buffer.alloc(24, 1))
    await page.fill('#header', `${ES_COOKIE}; ${sealed}`)
    await page.fill('#secrets', 'other, keyboard cat')
    await page.fill('#keys', 'seal key')
    await page.click('#go')
    const row = (name) => page.locator(`#report tbody tr[data-cookie="${name}"] td`).allInnerTexts()
    const es = await row('connect.sid')
    assert.deepStrictEqual(es.slice(0, 4), ['connect.sid', 'express-session or cookie-parser-signed', 'valid', '#1'])
    const sc = await row('session')
    assert.deepStrictEqual(sc.slice(0, 4), ['session', 'session-core-sealed', 'valid', '#0'])
    assert.match(sc[4], /^\d{4}-\d\d-\d\dT.*Z \(in 3[56]\d\d s\)$/)
    assert.match(sc[6], /"user":"alice"/)
    await page.fill('#secrets', 'wrong')
    assert.deepStrictEqual((await row('connect.sid')).slice(2, 3), ['invalid: bad signature'])
    await page.fill('#secrets', 'keyboard cat')
    await page.screenshot({ path: path.join(shots, 'inspector.png') })
    // a pasted Set-Cookie: the production checks show beside the audit, as doctor prints them
    await page.selectOption('#as', 'set-cookie')
    await page.fill('#header', 'sid=1; Path=/; HttpOnly; SameSite=None')
    await page.click('#go')
    const checks = await page.locator('#audit tbody tr[data-check]').evaluateAll((trs) => trs.map((t) => t.dataset.check))
    assert.deepStrictEqual(checks, ['COOKIE_NOT_SECURE', 'SAMESITE_NONE_WITHOUT_SECURE', 'NO_EXPIRY'])
    assert.deepStrictEqual(errors, [])
    await page.close()
  })

  it('session-core/browser in a page (no bundler) gives the same JSON as the Node build', async () => {
    const vectors = ['inspect', 'audit'].flatMap((f) => JSON.parse(fs.readFileSync(path.join(root, 'tests', 'vectors', f + '.json'), 'utf8')).cases.map((c) => ({ op: f, header: c.header, options: c.options, expected: c.expected })))
    const testPage = `<!doctype html><script type="module">
      import { inspectJSON, auditJSON, inspectDocumentCookies, parseCookie } from '/browser/index.js'
      const vectors = await (await fetch('/vectors.json')).json()
      document.cookie = 'theme=dark'
      window.results = {
        vectors: vectors.map((v) => v.op === 'inspect' ? inspectJSON(v.header, v.options) : auditJSON(v.header, { url: null, ...v.options })),
        doc: inspectDocumentCookies({ now: 0 }),
        parsed: parseCookie('a=1; b=%20x')
      }
    </script>`
    const server = await serve(dir, { '/test.html': testPage, '/vectors.json': JSON.stringify(vectors) })
    try {
      const page = await browser.newPage()
      await page.goto(`http://127.0.0.1:${server.address().port}/test.html`)
      await page.waitForFunction(() => window.results, null, { timeout: 20000 })
      const results = await page.evaluate(() => window.results)
      for (let i = 0; i < vectors.length; i++) {
        const v = vectors[i]
        const node = v.op === 'inspect' ? wasm.inspectJson(v.header, JSON.stringify(v.options)) : wasm.auditJson(v.header, JSON.stringify(v.options))
        assert.strictEqual(results.vectors[i], node, `${v.op} #${i}`)
        assert.strictEqual(results.vectors[i], v.expected)
      }
      assert.deepStrictEqual(results.doc.cookies.map((c) => [c.name, c.kinds[0]]), [['theme', 'plain']])
      assert.deepStrictEqual(results.parsed, { a: '1', b: ' x' })
      await page.close()
    } finally {
      server.close()
    }
  })

  it('the demo serves the inspector at /__session (not pre-filled: no page prints a cookie); a pasted header is explained', async () => {
    const createApp = require(path.join(root, 'examples-node', 'server.js'))
    const server = await new Promise((resolve) => { const s = createApp({ secret: 'x' }).listen(0, '127.0.0.1', () => resolve(s)) })
    try {
      const context = await browser.newContext()
      const base = `http://127.0.0.1:${server.address().port}`
      const page = await context.newPage()
      await page.goto(base + '/shop')
      await page.click('button') // add to the cart: the session cookie is set
      await page.goto(base + '/__session')
      await page.waitForSelector('body[data-ready="true"]')
      assert.strictEqual(await page.inputValue('#header'), '', 'no cookie printed into the page')
      const [sid] = (await context.cookies()).filter((c) => c.name === 'connect.sid')
      await page.fill('#header', `connect.sid=${sid.value}`)
      await page.waitForSelector('#report tbody tr[data-cookie="connect.sid"]')
      const cells = await page.locator('#report tbody tr[data-cookie="connect.sid"] td').allInnerTexts()
      assert.deepStrictEqual(cells.slice(0, 3), ['connect.sid', 'express-session or cookie-parser-signed', 'unverified'])
      await page.screenshot({ path: path.join(shots, 'demo-inspector.png') })
      await context.close()
    } finally {
      server.close()
    }
  })
})
