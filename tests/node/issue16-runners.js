'use strict'
// The vector runners of issue 16's rules (hashids.json, grace.json, transport.json and
// client-frames.json's revocation rule), over a crossing's calls: js/native.js's for the package's
// runner (vectors.test.js), js/web/core.js's for session-core/web's (web-vectors.test.js). The
// two crossings have the same calls, so one translation serves both.
const assert = require('node:assert')

const num = (v) => (typeof v === 'string' ? Number(v) : v)

/**
 * `x`: the crossing (storeKeys, indexArg, tombstone, grace, carrier, respond, csrfExempt);
 * `ClientSessionCore`: its build's class; `client(c)`: the runner of client.json's cases.
 */
function issue16Runners (x, ClientSessionCore, client) {
  return {
    hashids: (c) => {
      if (c.op === 'index') return assert.strictEqual(x.indexArg(c.value, c.hashIds), c.expected)
      const k = x.storeKeys(c.id, c.hashIds)
      assert.deepStrictEqual({ key: k.key, legacy: k.legacy, grace: k.grace, hashable: k.hashable }, c.expected)
    },
    grace: (c) => {
      if (c.op === 'grace') return assert.strictEqual(x.grace(c.record, c.method, c.now, c.grace), c.expected)
      let got
      try {
        got = x.tombstone(c.record, c.now, c.grace)
      } catch (e) {
        if (!e.code) throw e
        got = { error: e.code }
      }
      assert.deepStrictEqual(got, c.expected)
    },
    transport: (c) => {
      if (c.op === 'carrier') {
        const got = x.carrier(c.cookie ?? undefined, c.cookieName, c.header ?? undefined)
        return assert.deepStrictEqual({ header: got.header, id: got.id }, c.expected)
      }
      if (c.op === 'respond') return assert.deepStrictEqual(x.respond(c.headerRequest, c.setCookie, c.cookieName, c.cacheHeaders), c.expected)
      assert.strictEqual(x.csrfExempt(c.cookieSent, c.headerSent), c.expected)
    },
    // the notBefore rule (a static of the class), and load/commit with notBefore, compress, chunk
    'client-frames': (c) => {
      if (c.op !== 'revoked') return client(c)
      const cut = c.notBefore === null ? undefined : num(c.notBefore)
      assert.strictEqual(ClientSessionCore.revoked(c.issuedAt ?? undefined, cut), c.expected)
    }
  }
}

module.exports = { issue16Runners }
