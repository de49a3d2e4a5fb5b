'use strict'
/**
 * session-core/redis: a session store for Redis and Redis Cluster, through the node-redis or
 * ioredis client the app already has (see store.js). `require('session-core/redis')` is the class,
 * with `RedisStore` and `default` on it.
 */
const RedisStore = require('./store')

module.exports = RedisStore
module.exports.RedisStore = RedisStore
module.exports.default = RedisStore
