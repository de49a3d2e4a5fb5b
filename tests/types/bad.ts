// Must NOT compile: the types catch these mistakes (checked by tests/node/types.test.js).
import session = require('session-core/express')
session({ secret: 's', unset: 'drop' })
session({ secret: 's', cookie: { sameSite: 'sometimes' } })
session({ secret: 's', idleTimeout: '30m' })
session({ secret: 's', checks: 'loud' })
session.csrf({ origins: 'https://x.example' })
session({ secret: 's', store: { get () {}, set () {} } })
