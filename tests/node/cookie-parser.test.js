'use strict'
// session-core/cookie-parser against the real cookie-parser, and with Express's own
// res.cookie(name, value, { signed: true }).
const { describe, it } = require('node:test')
const assert = require('node:assert')
const path = require('node:path')
const request = require('supertest')
const realCookieParser = require('cookie-parser')
const { EXPRESSES } = require('./helpers')
const { dir } = require('./pkg')

const cookieParser = require(path.join(dir, 'cookie-parser'))

const HEADERS = [
  'plain=hello; obj=j%3A%7B%22a%22%3A1%2C%22b%22%3A%5Btrue%2Cnull%5D%7D; sig=s%3Ahello.DGDUkGlIkCzPz%2BC0B064FNgHdEjox7ch8tOBGslZ5QI',
  'sigobj=s%3Aj%3A%7B%22u%22%3A%22alice%22%7D.3B6ma%2FeIdIL2HVBriqsXv%2ByoCgPZe0nVjzV6Sm9Y2Ac; bad=s%3Ahello.nope; other=s%3Ax',
  'z=j:0; f=j:false; n=j:null; e=j:""; bad=j:{nope; arr=j:[1,2]; str=j:"s"',
  'old=s%3Ahello.' + encodeURIComponent(require('cookie-signature').sign('hello', 'older').split('.')[1]),
  'a=1; a=2; __proto__=x; q="quoted"; pct=%zz',
  ''
]

describe('cookie-parser drop-in', () => {
  for (const secret of [undefined, 'tobiiscool', ['tobiiscool', 'older']]) {
    for (const header of HEADERS) {
      it(`same req.cookies / req.signedCookies / req.secret (secret ${JSON.stringify(secret)}, ${JSON.stringify(header.slice(0, 30))})`, () => {
        const run = (mw) => {
          const req = { headers: header ? { cookie: header } : {} }
          mw(req, {}, () => {})
          return { cookies: { ...req.cookies }, signed: { ...req.signedCookies }, secret: req.secret }
        }
        assert.deepStrictEqual(run(cookieParser(secret)), run(realCookieParser(secret)))
      })
    }
  }

  it('helpers: JSONCookie, JSONCookies, signedCookie, signedCookies', () => {
    for (const fn of ['JSONCookie', 'signedCookie']) {
      for (const v of ['j:{"a":1}', 'j:0', 'x', 's:hello.DGDUkGlIkCzPz+C0B064FNgHdEjox7ch8tOBGslZ5QI', 's:bad.sig', 5]) {
        assert.deepStrictEqual(cookieParser[fn](v, 'tobiiscool'), realCookieParser[fn](v, 'tobiiscool'), `${fn}(${v})`)
      }
    }
    const obj = () => ({ a: 'j:[1]', b: 'j:null', c: 's:hello.DGDUkGlIkCzPz+C0B064FNgHdEjox7ch8tOBGslZ5QI', d: 'plain' })
    assert.deepStrictEqual(cookieParser.JSONCookies(obj()), realCookieParser.JSONCookies(obj()))
    const o1 = obj()
    const o2 = obj()
    assert.deepStrictEqual({ ...cookieParser.signedCookies(o1, 'tobiiscool') }, { ...realCookieParser.signedCookies(o2, 'tobiiscool') })
    assert.deepStrictEqual(o1, o2)
  })

  for (const [label, express] of EXPRESSES) {
    it(`${label}: res.cookie(..., { signed: true }) is read back by req.signedCookies`, async () => {
      const app = express()
        .use(cookieParser(['tobiiscool', 'older']))
        .get('/set', (req, res) => {
          res.cookie('theme', 'dark', { signed: true })
          res.cookie('prefs', { lang: 'fr' }, { signed: true, maxAge: 60000 })
          res.cookie('plain', { a: 1 })
          res.send('ok')
        })
        .get('/get', (req, res) => res.json({ cookies: req.cookies, signed: req.signedCookies }))
      const r = await request(app).get('/set')
      const jar = r.headers['set-cookie'].map((c) => c.split(';')[0]).join('; ')
      const got = await request(app).get('/get').set('Cookie', jar + '; forged=s%3Adark.AAAA')
      assert.deepStrictEqual(got.body, { cookies: { plain: { a: 1 } }, signed: { theme: 'dark', prefs: { lang: 'fr' }, forged: false } })
    })
  }
})
