'use strict'
// Session storage metrics for Prometheus, wired as a user would: prom-client, fed by session-core's
// diagnostics_channel events (session-core:store, :save, :reject) and the store's own count.
const dc = require('node:diagnostics_channel')
const client = require('prom-client')

const registry = new client.Registry()
client.collectDefaultMetrics({ register: registry })

const storeLatency = new client.Histogram({
  name: 'session_core_store_duration_seconds',
  help: 'Duration of session store calls',
  labelNames: ['method'],
  buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  registers: [registry]
})
const storeErrors = new client.Counter({
  name: 'session_core_store_errors_total',
  help: 'Session store calls that failed, by error code',
  labelNames: ['method', 'code'],
  registers: [registry]
})
const recordBytes = new client.Histogram({
  name: 'session_core_record_bytes',
  help: 'Size of the session records saved',
  buckets: [128, 256, 512, 1024, 2048, 4096, 8192, 16384],
  registers: [registry]
})
const rejected = new client.Counter({
  name: 'session_core_rejected_total',
  help: 'Session cookies not taken, by reason',
  labelNames: ['reason'],
  registers: [registry]
})

dc.subscribe('session-core:store', ({ method, duration, error }) => {
  storeLatency.observe({ method }, duration / 1000)
  if (error) storeErrors.inc({ method, code: error })
})
dc.subscribe('session-core:save', ({ size }) => recordBytes.observe(size))
dc.subscribe('session-core:reject', ({ reason }) => rejected.inc({ reason }))

let liveStore = null
// the live-session gauge asks the store (`length()`) at each scrape
new client.Gauge({ // eslint-disable-line no-new
  name: 'session_core_live_sessions',
  help: 'Sessions in the store',
  registers: [registry],
  async collect () {
    const store = liveStore
    if (!store) return
    this.set(await new Promise((resolve) => store.length((err, len) => resolve(err ? NaN : len))))
  }
})

/** The /metrics handler for the app whose store is `store`. */
function handler (store) {
  liveStore = store
  return async (req, res, next) => {
    try {
      res.set('Content-Type', registry.contentType).send(await registry.metrics())
    } catch (err) {
      next(err)
    }
  }
}

module.exports = { handler, registry }
