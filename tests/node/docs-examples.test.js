'use strict'
// Every example in README.md and docs/*.md runs as written, and every link between them resolves.
//
// The fenced blocks, by the language their fence names (tests/node/docs-blocks.js reads them):
// - `js`, `cjs` (CommonJS) and `mjs` (an ES module) RUN, each in its own Node process, in one
//   scratch app that has the packed package installed (`npm pack` of pkg/, installed once per run,
//   as tests/node/package.test.js installs it) and, linked from this repository's node_modules,
//   what examples import beside it: express (Express 5), redis, hono, @hono/node-server.
//   A complete program runs as it is. A fragment says in its fence which harness runs it:
//     ```js harness=express      an Express app `app` (and `express`) with session-core/express
//                                 (its MemoryStore; resave and saveUninitialized false) before it;
//     ```js harness=express-app  the same app without any middleware: the fragment adds its own.
//   The harness puts the fragment in a block after those lines and calls `app.listen()` after it.
//   Servers: tests/node/docs-listen.js is preloaded into every example; whatever port an example
//   listens on, its server gets a free loopback one, and once it listens every route the app
//   registered is requested in order (`GET /` for a server that is not Express), with one cookie
//   jar; a 5xx fails the example; then the server is closed and the process exits. An example that
//   starts no server must end by itself (within 20 s).
//   The environment holds what examples read from it: SESSION_SECRET, KEY_NEW and KEY_OLD, and, for
//   a fence marked `needs=redis`, REDIS_URL: a real redis-server on a loopback port
//   (tests/node/redis-servers.js), started only when a block needs it.
// - `ts` blocks compile with TypeScript 7 under `strict` (module nodenext, the package's own .d.ts,
//   @types/node and @types/express), each alone. (tests/node/types.test.js compiles them again
//   with 5.9 and 7 and stricter flags, beside @types/express-session.)
// - `rust` blocks are doctests: src/lib.rs includes README.md and each docs page that has one
//   (`#[doc = include_str!(…)]`), so `cargo test --doc` (make test-rust) compiles them; `no_run`
//   for a server that listens, never `ignore` (it compiles nothing). Checked here: the inclusion.
// - `sh`/`bash` blocks run in the scratch app (its node_modules/.bin on PATH, `set -e`), unless
//   the fence says `not-run="why"`; so does `html` (a browser page: never run here).
// - `text`, `diff`, `json`, `jsonc`, `toml`, `yaml` are not code. A fence with no language, or one
//   not listed here, fails.
// Any block of a runnable kind that is neither run nor marked fails the test. At the end it prints
// what ran (`docs examples: …`); scripts/check-counts.sh repeats that line in make test's output.
//
// Links: every relative link and image in README.md and docs/*.md names a file that exists, and its
// #anchor (or a bare #anchor) is a heading of that Markdown file as GitHub makes anchors. The
// README links every docs page and stays within 250 lines.
const test = require('node:test')
const assert = require('node:assert')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { execFileSync, spawn } = require('node:child_process')
const { root, docFiles, blocks, anchors, links } = require('./docs-blocks')

const pkgDir = process.env.SESSION_CORE_PKG || path.join(root, 'pkg')
const tsc7 = path.join(path.dirname(require.resolve('typescript/package.json')), 'bin', 'tsc')

const RUN = new Set(['js', 'cjs', 'mjs'])
const SHELL = new Set(['sh', 'bash'])
const NOT_CODE = new Set(['text', 'diff', 'json', 'jsonc', 'toml', 'yaml'])
const HARNESSES = {
  express: {
    says: 'an Express 5 app with session-core/express (MemoryStore) before the fragment',
    prelude: "const express = require('express')\nconst app = express()\n" +
      "app.use(require('session-core/express')({ secret: process.env.SESSION_SECRET, resave: false, saveUninitialized: false }))\n"
  },
  'express-app': {
    says: 'an Express 5 app, the fragment adds its middleware',
    prelude: "const express = require('express')\nconst app = express()\n"
  }
}
// What examples import beside session-core: linked into the scratch app from this repository.
const LINKS = { express: 'express5', redis: 'redis', hono: 'hono', '@hono/node-server': '@hono/node-server', '@types/node': '@types/node', '@types/express': '@types/express' }
const ENV = {
  SESSION_SECRET: 'docs-examples: a long random secret, not this one',
  KEY_NEW: 'docs-examples: the newest key, at least 32 bytes',
  KEY_OLD: 'docs-examples: the key before it, at least 32 b'
}

const all = docFiles().flatMap((file) => blocks(fs.readFileSync(path.join(root, file), 'utf8')).map((b) => ({ ...b, file, where: `${file}:${b.line}` })))
const marked = (b) => typeof b.attrs['not-run'] === 'string' && b.attrs['not-run'].trim() !== ''
const runs = all.filter((b) => RUN.has(b.lang) && !marked(b))
const compiles = all.filter((b) => b.lang === 'ts' && !marked(b))
const doctests = all.filter((b) => b.lang === 'rust')
const shells = all.filter((b) => SHELL.has(b.lang) && !marked(b))
const notRun = all.filter((b) => !NOT_CODE.has(b.lang) && b.lang !== 'rust' && marked(b))
const unmarked = all.filter((b) => b.lang === 'html' && !marked(b))
const unknown = all.filter((b) => !RUN.has(b.lang) && !SHELL.has(b.lang) && !NOT_CODE.has(b.lang) && !['ts', 'rust', 'html'].includes(b.lang))
const ran = { js: 0, harness: {}, ts: 0, sh: 0 }

test.after(() => {
  const harnessed = Object.entries(ran.harness).map(([h, n]) => `${n} in harness ${h}`).join(', ')
  const byLang = (list) => [...new Set(list.map((b) => b.lang))].map((l) => `${list.filter((b) => b.lang === l).length} ${l}`).join(', ')
  console.log(`docs examples: ${ran.js} js run${harnessed ? ` (${harnessed})` : ''}, ${ran.ts} ts compiled, ${doctests.length} rust doctests (cargo test --doc), ` +
    `${ran.sh} sh run, ${notRun.length} marked not run (${byLang(notRun) || 'none'}), ${unmarked.length + unknown.length} unmarked`)
})

test('every fenced block is of a known kind, and each runnable one is run or says why not', () => {
  assert.deepStrictEqual(unknown.map((b) => `${b.where} \`\`\`${b.info}`), [], 'fences without a known language (name one: js, ts, sh, text, …)')
  assert.deepStrictEqual(unmarked.map((b) => `${b.where} \`\`\`${b.info}`), [], 'blocks nothing runs here: mark them not-run="why"')
  for (const b of all.filter((b) => RUN.has(b.lang))) {
    const h = b.attrs.harness
    if (h !== undefined) {
      assert.ok(Object.hasOwn(HARNESSES, h), `${b.where}: unknown harness ${h}`)
      assert.notStrictEqual(b.lang, 'mjs', `${b.where}: a harness runs CommonJS fragments`)
    }
  }
  for (const b of doctests) {
    assert.ok(!/\bignore\b/.test(b.info), `${b.where}: \`ignore\` compiles nothing; use no_run for a server`)
  }
  assert.ok(runs.length > 0 && compiles.length > 0 && doctests.length > 0, 'the docs have js, ts and rust examples')
})

test('every relative link and anchor in README.md and docs/ resolves', () => {
  const text = new Map(docFiles().map((f) => [f, fs.readFileSync(path.join(root, f), 'utf8')]))
  const anchorsOf = new Map()
  const anchorsIn = (file) => {
    if (!anchorsOf.has(file)) anchorsOf.set(file, anchors(text.get(file) ?? fs.readFileSync(path.join(root, file), 'utf8')))
    return anchorsOf.get(file)
  }
  const broken = []
  let checked = 0
  for (const [file, body] of text) {
    for (const { line, target } of links(body)) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue // https:, mailto:
      checked++
      const [rel, anchor] = target.split('#')
      const to = rel ? path.posix.normalize(path.posix.join(path.posix.dirname(file), decodeURIComponent(rel))) : file
      if (to.startsWith('..') || !fs.existsSync(path.join(root, to))) {
        broken.push(`${file}:${line}: ${target}: no file ${to}`)
        continue
      }
      if (anchor === undefined) continue
      if (!to.endsWith('.md')) broken.push(`${file}:${line}: ${target}: an anchor into a file that is not Markdown`)
      else if (!anchorsIn(to).includes(anchor)) broken.push(`${file}:${line}: ${target}: ${to} has no heading #${anchor}`)
    }
  }
  assert.deepStrictEqual(broken, [])
  assert.ok(checked > 50, `links checked: ${checked}`)
})

test('the README is one page that leads to every docs page', () => {
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8')
  const lines = readme.split('\n').length - (readme.endsWith('\n') ? 1 : 0)
  assert.ok(lines <= 250, `README.md has ${lines} lines`)
  assert.match(readme.split('\n').slice(0, 6).join('\n'), /make demo[\s\S]*make test/, 'its first lines are the two commands')
  const linked = new Set(links(readme).map((l) => l.target.split('#')[0]))
  for (const f of docFiles().slice(1)) assert.ok(linked.has(f), `README links ${f}`)
})

test('the rust blocks are doctests: src/lib.rs includes each file that has one', () => {
  const lib = fs.readFileSync(path.join(root, 'src', 'lib.rs'), 'utf8')
  for (const file of new Set(doctests.map((b) => b.file))) {
    assert.ok(lib.includes(`include_str!("../${file}")`), `src/lib.rs includes ${file} as doctests`)
  }
})

test('the examples run, compile and build as written', async (t) => {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'session-core-docs-'))
  t.after(() => fs.rmSync(scratch, { recursive: true, force: true }))
  install(scratch)
  let redis = null
  if (runs.some((b) => b.attrs.needs === 'redis')) {
    redis = await require('./redis-servers').standalone()
    t.after(() => redis.stop())
  }
  const env = { ...process.env, ...ENV, PATH: `${path.join(scratch, 'node_modules', '.bin')}${path.delimiter}${process.env.PATH}` }
  delete env.NODE_TEST_CONTEXT
  delete env.NODE_ENV
  delete env.NODE_OPTIONS
  if (redis) env.REDIS_URL = redis.url

  // two at a time (the machine has two cores); each subtest waits for its own result
  const pool = limit(2)
  const jobs = [
    ...runs.map((b, i) => ({ b, kind: 'js', label: `${b.where} ${b.lang}${b.attrs.harness ? ` in harness ${b.attrs.harness} (${HARNESSES[b.attrs.harness].says})` : ''}`, result: pool(() => runJs(scratch, env, b, i)) })),
    ...compiles.map((b, i) => ({ b, kind: 'ts', label: `${b.where} ts, compiled strict`, result: pool(() => compileTs(scratch, b, i)) })),
    ...shells.map((b) => ({ b, kind: 'sh', label: `${b.where} ${b.lang}`, result: pool(() => run('bash', ['-e', '-o', 'pipefail', '-c', b.code], { cwd: scratch, env, timeout: 30000 })) }))
  ]
  for (const job of jobs) {
    await t.test(job.label, async () => {
      const r = await job.result
      assert.strictEqual(r.status, 0, `${job.b.where} failed (status ${r.status}${r.timedOut ? ', timed out' : ''}):\n${r.output}`)
      if (job.kind === 'js') {
        ran.js++
        if (job.b.attrs.harness) ran.harness[job.b.attrs.harness] = (ran.harness[job.b.attrs.harness] || 0) + 1
        const requests = r.output.split('\n').filter((l) => l.startsWith('docs-request: '))
        if (job.b.attrs.harness) assert.ok(requests.length > 0, 'the harness made its requests')
        t.diagnostic(`${job.b.where}: ${requests.map((l) => l.slice(14)).join(', ') || 'no server'}`)
      } else {
        ran[job.kind]++
      }
    })
  }
})

/** The scratch app: the packed package installed as a user installs it, and the examples' other imports. */
function install (scratch) {
  const [info] = JSON.parse(execFileSync('npm', ['pack', pkgDir, '--json', '--pack-destination', scratch], { encoding: 'utf8' }))
  fs.writeFileSync(path.join(scratch, 'package.json'), JSON.stringify({ name: 'docs-examples', private: true }))
  execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', '--loglevel=error', path.join(scratch, info.filename)], { cwd: scratch })
  const linked = new Set()
  // a package; an @types package with its dependencies, flat, as npm installs them (so the
  // package's own types and @types/express augment the same express-serve-static-core)
  const link = (name, from = name) => {
    if (linked.has(name) || fs.existsSync(path.join(scratch, 'node_modules', name))) return
    linked.add(name)
    const to = path.join(scratch, 'node_modules', name)
    fs.mkdirSync(path.dirname(to), { recursive: true })
    fs.symlinkSync(path.join(root, 'node_modules', from), to, 'dir')
    const { dependencies = {} } = JSON.parse(fs.readFileSync(path.join(root, 'node_modules', from, 'package.json'), 'utf8'))
    if (name.startsWith('@types/')) for (const dep of Object.keys(dependencies)) link(dep)
  }
  for (const [name, from] of Object.entries(LINKS)) link(name, from)
}

function runJs (scratch, env, b, i) {
  const harness = b.attrs.harness && HARNESSES[b.attrs.harness]
  const head = `// ${b.where}${harness ? ` (harness ${b.attrs.harness})` : ''}\n`
  const code = harness ? `${head}${harness.prelude}{\n${b.code}}\napp.listen(3000)\n` : head + b.code
  const file = path.join(scratch, `example-${i + 1}.${b.lang === 'mjs' ? 'mjs' : b.lang === 'cjs' ? 'cjs' : 'js'}`)
  fs.writeFileSync(file, code)
  return run(process.execPath, ['--require', path.join(__dirname, 'docs-listen.js'), file], { cwd: scratch, env, timeout: 20000 })
}

function compileTs (scratch, b, i) {
  const dir = path.join(scratch, 'ts')
  fs.mkdirSync(dir, { recursive: true })
  const file = `example-${i + 1}.ts`
  fs.writeFileSync(path.join(dir, file), `// ${b.where}\n${b.code}`)
  const config = path.join(dir, `tsconfig.${i + 1}.json`)
  fs.writeFileSync(config, JSON.stringify({
    compilerOptions: { module: 'nodenext', target: 'es2022', strict: true, types: ['node'], noEmit: true, skipLibCheck: true },
    files: [file]
  }))
  return run(process.execPath, [tsc7, '-p', config, '--pretty', 'false'], { cwd: dir, env: process.env, timeout: 60000 })
}

function run (cmd, args, { cwd, env, timeout }) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    let timedOut = false
    child.stdout.on('data', (d) => { output += d })
    child.stderr.on('data', (d) => { output += d })
    const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL') }, timeout)
    child.on('close', (status) => {
      clearTimeout(timer)
      resolve({ status, output, timedOut })
    })
  })
}

/** A pool running at most `n` of the functions it is given at once; each call gives its result's Promise. */
function limit (n) {
  let active = 0
  const queue = []
  const next = () => {
    if (active >= n || !queue.length) return
    active++
    const { fn, resolve } = queue.shift()
    fn().then(resolve).finally(() => { active--; next() })
  }
  return (fn) => new Promise((resolve) => { queue.push({ fn, resolve }); next() })
}
