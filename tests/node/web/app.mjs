// The test app of session-core/web, the same in every runtime: /<mode>/token, /<mode>/login (POST,
// CSRF token required), /<mode>/count, /<mode>/whoami, /<mode>/logout (POST), /<mode>/fill?n=
// (n bytes of incompressible data in the session), for five modes: signed and encrypted client-side
// sessions, server-side sessions in the memory store, and the `big` mode (compress + chunk: a
// client session over 4 KB) and `api` (server-side, the id in the x-session-id header). The
// secrets are those of the Express and cookie-session apps of the cross-login tests.
export const SECRET = 'web-test-secret'
export const KEYS = ['web-test-key-1', 'web-test-key-0']

export const MODES = {
  signed: { kind: 'client', keys: KEYS },
  encrypted: { kind: 'client', keys: KEYS, encrypt: true, name: 'sealed' },
  store: { secret: SECRET, resave: false, saveUninitialized: false, cookie: { maxAge: 3600000 } },
  big: { kind: 'client', keys: KEYS, compress: true, chunk: true, name: 'big' },
  api: { secret: SECRET, resave: false, saveUninitialized: false, header: 'x-session-id' }
}

/** `n` characters a deflate cannot shrink much (a fixed pseudo-random sequence: no crypto needed). */
function noise (n) {
  const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
  let x = 2463534242
  let s = ''
  for (let i = 0; i < n; i++) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    s += abc[(x >>> 0) & 63]
  }
  return s
}

export async function route (s, request, path) {
  if (request.method === 'POST' && !(await s.verifyCsrf(request))) return { status: 403, body: { error: 'invalid csrf token' } }
  switch (path) {
    case '/token': return { body: { token: s.csrfToken() } }
    case '/login': {
      const user = new URL(request.url).searchParams.get('user')
      await s.regenerate()
      s.user = user
      s.n = 0
      return { body: { user } }
    }
    case '/count':
      s.n = (s.n || 0) + 1
      return { body: { user: s.user ?? null, n: s.n } }
    case '/fill':
      s.pad = noise(Number(new URL(request.url).searchParams.get('n')))
      return { body: { n: s.pad.length } }
    case '/whoami': return { body: { user: s.user ?? null, n: s.n ?? null, id: s.id ?? null, pad: s.pad ? s.pad.length : 0 } }
    case '/logout':
      await s.destroy()
      return { body: { user: null } }
  }
  return { status: 404, body: { error: 'not found' } }
}

/** A fetch handler over session-core/web's getSession (Bun.serve, Deno.serve, a Worker). */
export function makeFetch (getSession, runtime) {
  return async function fetch (request) {
    const url = new URL(request.url)
    const [, mode, ...rest] = url.pathname.split('/')
    if (mode === 'runtime') return new Response(runtime)
    const options = MODES[mode]
    if (!options) return new Response('not found', { status: 404 })
    try {
      const s = await getSession(request, options)
      const r = await route(s, request, '/' + rest.join('/'))
      return await s.apply(Response.json(r.body, { status: r.status || 200 }))
    } catch (e) {
      return new Response(String(e && e.stack), { status: 500 })
    }
  }
}
