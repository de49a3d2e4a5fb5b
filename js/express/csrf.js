'use strict'
/**
 * `require('session-core/express').csrf(options)`: CSRF tokens bound to the server-side session
 * (see ../csrf.js). The secret lives at `req.session.csrfSecret`, where csurf keeps it, so a
 * session that holds csurf's secret keeps accepting the tokens csurf issued from it.
 * `req.session.regenerate()` (with or without `keep`) replaces it.
 */
const { makeCsrf } = require('../csrf')

module.exports = function csrf (options) {
  return makeCsrf(options, null)
}
