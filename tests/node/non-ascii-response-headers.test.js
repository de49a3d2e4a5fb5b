'use strict'
// Header values are latin1 strings in Node (obs-text, bytes 0x80-0xFF, is allowed in a value). What
// the app set in Vary or Cache-Control, and an id that travels in the id header, cross into the core
// as UTF-8 and must come back as the same characters: a Vary of "X-Ünï" gains ", Cookie", it is
// never re-read byte by byte into "X-Ã\x9cnÃ¯"; an id with "ü" in it comes back in the id header as
// sent, so the client's next request finds its session. A value whose 8th byte falls inside a
// character is read as it is (the core once cut it there and panicked: every later request failed).
const { describe, it } = require('node:test')
const assert = require('node:assert')
const request = require('supertest')
const { session, EXPRESSES } = require('./helpers')

const SECRET = 'a non-ascii header test secret, long enough'

describe('non-ASCII response header values survive the session layer', () => {
  for (const [label, express] of EXPRESSES) {
    it(`${label}: Vary and Cache-Control keep the app's characters`, async () => {
      const a = express()
      a.use((req, res, next) => {
        res.setHeader('Vary', 'Accept-Language, X-Ünï')
        res.setHeader('Cache-Control', 'public, x-note="é"')
        next()
      })
      a.use(session({ secret: SECRET, resave: false, saveUninitialized: true }))
      a.get('/', (req, res) => res.send('ok'))
      const r = await request(a).get('/').expect(200)
      assert.ok(r.headers['set-cookie'], 'a new session sets its cookie')
      assert.strictEqual(r.headers.vary, 'Accept-Language, X-Ünï, Cookie')
      assert.strictEqual(r.headers['cache-control'], 'public, x-note="é", no-cache="Set-Cookie"')
    })

    it(`${label}: a Cache-Control with a non-ASCII character across its 8th byte: kept, and the next request works`, async () => {
      const a = express()
      a.use((req, res, next) => {
        if (req.path === '/odd') res.setHeader('Cache-Control', 'no-cach\u00eb')
        next()
      })
      a.use(session({ secret: SECRET, resave: false, saveUninitialized: true }))
      a.use((req, res) => res.send('ok'))
      const odd = await request(a).get('/odd').expect(200)
      assert.strictEqual(odd.headers['cache-control'], 'no-cach\u00eb, no-cache="Set-Cookie"')
      const next = await request(a).get('/').expect(200)
      assert.ok(next.headers['set-cookie'], 'the core still answers')
    })

    it(`${label}: an id with a latin1 character comes back in the id header as it was`, async () => {
      const id = 'ünïcødé-session-id-0123456789'
      const a = express()
      a.use(session({ secret: SECRET, resave: false, saveUninitialized: true, header: 'x-session-id', genid: () => id }))
      a.get('/', (req, res) => {
        req.session.n = (req.session.n || 0) + 1
        res.json({ id: req.sessionID, n: req.session.n })
      })
      const first = await request(a).get('/').set('x-session-id', '').expect(200)
      const sent = first.headers['x-session-id']
      assert.ok(sent, 'the id header carries the new id')
      assert.ok(sent.startsWith(`s:${id}.`), 'the signed id, its characters as they were')
      const second = await request(a).get('/').set('x-session-id', sent).expect(200)
      assert.deepStrictEqual(second.body, { id, n: 2 })
    })
  }
})
