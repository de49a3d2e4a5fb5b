'use strict'
/**
 * A sealed value differs on every run (a fresh nonce): in a commit's `setCookies`, each one is
 * opened with the case's keys and shown as `[sealed with key <index>: <payload>]`, so client vectors
 * compare equal in every runner (and in the generator, scripts/gen-client-vectors.js).
 */
function unseal (wasm, out, keys) {
  for (const pair of out.setCookies || []) {
    const [name, header] = pair
    if (!header.startsWith(name + '=sc1.')) continue
    const rest = header.slice(name.length + 1)
    const end = rest.indexOf(';') < 0 ? rest.length : rest.indexOf(';')
    const opened = JSON.parse(wasm.openSealed(keys, name, rest.slice(0, end)))
    const shown = opened.error ? `[does not open: ${opened.error}]` : `[sealed with key ${opened.index}: ${opened.payload}]`
    pair[1] = `${name}=${shown}${rest.slice(end)}`
  }
  return out
}

module.exports = { unseal }
