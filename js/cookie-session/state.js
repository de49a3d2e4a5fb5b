'use strict'
/** What csrf() needs to know of the cookie-session middlewares made so far in this process. */
module.exports = {
  /** How many were made with signed: false and without encrypt. */
  unprotected: { count: 0 }
}
