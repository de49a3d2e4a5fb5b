'use strict'
// The package under test: the built pkg/ (make pkg), or another build named by SESSION_CORE_PKG.
const path = require('node:path')
const dir = process.env.SESSION_CORE_PKG || path.join(__dirname, '..', '..', 'pkg')
module.exports = require(dir)
module.exports.dir = dir
