'use strict'
// The test build (scripts/build-test-api.sh): the client build with the test-only exports the
// published package lacks (sealWithNonce, openSealed, keygripSign/Index, csrfTokenWithSalt).
// SESSION_CORE_TEST_BUILD names its folder; `make test-node` builds it into target/wasm-test-api.
const path = require('node:path')
const dir = path.resolve(process.env.SESSION_CORE_TEST_BUILD || path.join(__dirname, '..', '..', 'target', 'wasm-test-api'))
module.exports = require(path.join(dir, 'session_core.js'))
module.exports.dir = dir
