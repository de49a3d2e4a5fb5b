'use strict'
// The package's TypeScript types, compiled as a user compiles them: the built package's .d.ts files
// and the @types packages installed into a scratch project, with TypeScript 5.9 (the `typescript5`
// devDependency) and 7 (`typescript`, what `npm install typescript` installs now), under the README's
// tsconfig plus the stricter flags `tsc --init` turns on. Each TypeScript snippet of the README
// compiles as written, alone; so do the drop-ins' test apps and the README's first example with
// connect-redis's RedisStore (and, with @types/express-session, stores typed by express-session's
// types); so does everything in one program (both entry points together); all of it again with
// @types/express-session and @types/cookie-session installed and loaded (5.9 loads every installed
// @types package, 7 those listed in `types`); and wrong options are type errors.
//
// TypeScript 7 runs as its CLI (a native binary, about a second a program). TypeScript 5.9 runs in
// this process through its API, every program sharing one cache of parsed files; it checks every
// file but TypeScript's own lib files and @types/node (neither can hold an error of ours, and
// checking them would triple the time), with skipLibCheck off, so conflicts inside the .d.ts files
// of session-core and the @types packages are reported.
const test = require('node:test')
const assert = require('node:assert')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { spawn } = require('node:child_process')

const root = path.join(__dirname, '..', '..')
const pkgDir = process.env.SESSION_CORE_PKG || path.join(root, 'pkg')
const typesDir = path.join(root, 'tests', 'types')
const ts5 = require('typescript5')
const tsc7 = path.join(path.dirname(require.resolve('typescript/package.json')), 'bin', 'tsc')

// The TypeScript of README.md and docs/*.md (docs/typescript.md, docs/web-runtimes.md): every ```ts
// block, and the ```jsonc tsconfig. ("README" below means all of them.)
const docs = require('./docs-blocks')
const blocks = docs.docFiles().flatMap((f) => docs.blocks(fs.readFileSync(path.join(root, f), 'utf8')))
const snippets = blocks.filter((b) => b.lang === 'ts').map((b) => b.code)
const tsconfigs = blocks.filter((b) => b.lang === 'jsonc' && b.code.includes('"compilerOptions"')).map((b) => b.code)

// On top of the README's tsconfig: no output, the .d.ts files checked (skipLibCheck off, so a
// conflict between declarations is reported), and the two flags `tsc --init` adds that change what
// type-checks.
const STRICTER = { noEmit: true, skipLibCheck: false, exactOptionalPropertyTypes: true, noUncheckedIndexedAccess: true }
const LEGACY_TYPES = ['express-session', 'cookie-session']

test('the README shows TypeScript snippets and a tsconfig for TypeScript 7', () => {
  assert.ok(snippets.length >= 2, 'README has ```ts blocks')
  assert.ok(snippets.some((s) => s.includes("from 'session-core/express'")), 'a session-core/express snippet')
  assert.ok(snippets.some((s) => s.includes("from 'session-core/cookie-session'")), 'a session-core/cookie-session snippet')
  assert.ok(snippets.some((s) => s.includes("from 'session-core/hono'") && s.includes("c.get('session')")), 'a session-core/hono snippet')
  assert.strictEqual(tsconfigs.length, 1, 'README has one ```jsonc tsconfig block')
  const { config, error } = ts5.parseConfigFileTextToJson('tsconfig.json', tsconfigs[0])
  assert.ifError(error)
  assert.ok(Array.isArray(config.compilerOptions.types), 'it says what to list in "types"')
})

test('the types compile as a user compiles them, with TypeScript 5.9 and 7', async (t) => {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'session-core-types-'))
  t.after(() => fs.rmSync(scratch, { recursive: true, force: true }))
  const installs = { plain: install(path.join(scratch, 'plain'), []), legacy: install(path.join(scratch, 'legacy'), LEGACY_TYPES) }

  // Programs: each README snippet alone; the express app (with exact.ts's type assertions, and,
  // with the legacy @types installed, app-both.ts, which still augments 'express-session'); the
  // cookie-session app; everything together (the snippets also as ES modules).
  const readmeFiles = snippets.map((_, i) => `readme-${i + 1}.ts`)
  // The README's first example with connect-redis, whose .d.ts imports express-session's types:
  // without @types/express-session that import fails inside connect-redis's own .d.ts (TS7016)
  // unless skipLibCheck is on (as `tsc --init` writes it), so that one program turns it on there.
  const programs = (legacy) => [
    ...readmeFiles.map((f) => ({ name: `README snippet ${f.match(/\d+/)[0]}`, files: [f] })),
    { name: 'session-core/express app', files: ['app.ts', 'exact.ts', ...(legacy ? ['app-both.ts'] : [])] },
    { name: 'connect-redis store', files: ['connect-redis.ts'], ...(legacy ? {} : { options: { skipLibCheck: true } }) },
    ...(legacy ? [{ name: "stores typed by express-session's types", files: ['express-session-store.ts'] }] : []),
    { name: 'session-core/cookie-session and cookie-parser app', files: ['client.ts'] },
    { name: 'everything in one program', files: [...readmeFiles, ...readmeFiles.map((f) => f.replace(/\.ts$/, '.mts')), 'app.ts', 'client.ts', ...(legacy ? ['app-both.ts'] : [])] }
  ]
  // TypeScript 5.9 loads every installed @types package when `types` is unset (null resets the
  // README's list); TypeScript 7 loads only those listed, so the legacy runs list them.
  const cases = []
  for (const [installName, legacy] of [['plain', false], ['legacy', true]]) {
    const dir = installs[installName]
    for (const version of ['5.9', '7']) {
      const types = !legacy ? undefined : version === '5.9' ? null : [...readmeTypes(), ...LEGACY_TYPES]
      for (const p of programs(legacy)) {
        const label = `TypeScript ${version} · ${legacy ? 'with @types/express-session and @types/cookie-session' : 'session-core alone'} · ${p.name}`
        cases.push({ label, version, config: writeConfig(dir, p.files, types, p.options), expect: 'pass', loads: legacy ? LEGACY_TYPES : [] })
      }
    }
  }
  for (const version of ['5.9', '7']) {
    cases.push({ label: `TypeScript ${version} · wrong options are type errors`, version, config: writeConfig(installs.plain, ['bad.ts']), expect: 'fail', loads: [] })
  }

  // TypeScript 7 in the background, one program at a time; 5.9 here meanwhile.
  const results = new Map()
  let chain = Promise.resolve()
  for (const c of cases.filter((c) => c.version === '7')) {
    results.set(c, chain = chain.then(() => runTsc7(c.config)))
  }
  const host = cachedHost()
  for (const c of cases) {
    await t.test(c.label, async () => {
      const r = c.version === '5.9' ? runTs5(c.config, host) : await results.get(c)
      for (const name of c.loads) {
        assert.ok(r.files.some((f) => f.endsWith(`/@types/${name}/index.d.ts`)), `@types/${name} is in the program`)
      }
      if (c.expect === 'pass') {
        assert.strictEqual(r.status, 0, r.output)
      } else {
        assert.notStrictEqual(r.status, 0)
        for (const line of ['bad.ts(3,', 'bad.ts(4,', 'bad.ts(5,', 'bad.ts(6,', 'bad.ts(7,', 'bad.ts(8,']) assert.ok(r.output.includes(line), r.output)
      }
    })
  }
})

/** The README tsconfig's `types`. */
function readmeTypes () {
  return ts5.parseConfigFileTextToJson('tsconfig.json', tsconfigs[0]).config.compilerOptions.types
}

/**
 * A scratch project: session-core installed as the package ships (its package.json and .d.ts
 * files); @types/node and @types/express (and the given @types packages) and their dependencies
 * linked from this repository's node_modules, flat as npm installs them; the README's tsconfig and
 * snippets; the apps of tests/types.
 */
function install (dir, extraTypes) {
  const modules = path.join(dir, 'node_modules')
  copyTypes(pkgDir, path.join(modules, 'session-core'))
  const linked = new Set()
  const link = (name) => { // with its dependencies, flat, as npm installs them
    if (linked.has(name)) return
    linked.add(name)
    const from = path.join(root, 'node_modules', name)
    fs.mkdirSync(path.dirname(path.join(modules, name)), { recursive: true })
    fs.symlinkSync(from, path.join(modules, name), 'dir')
    const { dependencies = {} } = JSON.parse(fs.readFileSync(path.join(from, 'package.json'), 'utf8'))
    for (const dep of Object.keys(dependencies)) link(dep)
  }
  for (const name of ['node', 'express', ...extraTypes]) link(`@types/${name}`)
  link('hono') // session-core/hono's types import Hono's (an optional peer)
  // connect-redis with its peers, as npm installs it. Its files are copied, not linked: a link's
  // real path is in this repository, where @types/express-session would be found from it.
  copyTypes(path.join(root, 'node_modules', 'connect-redis'), path.join(modules, 'connect-redis'))
  link('redis')
  link('express-session')
  if (extraTypes.includes('express-session')) { // connect-mongo's types need express-session's
    copyTypes(path.join(root, 'node_modules', 'connect-mongo'), path.join(modules, 'connect-mongo'))
    link('mongodb')
  }
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'scratch', private: true }))
  fs.writeFileSync(path.join(dir, 'tsconfig.readme.json'), tsconfigs[0])
  snippets.forEach((s, i) => {
    fs.writeFileSync(path.join(dir, `readme-${i + 1}.ts`), s)
    fs.writeFileSync(path.join(dir, `readme-${i + 1}.mts`), s)
  })
  for (const f of fs.readdirSync(typesDir)) {
    if (f.endsWith('.ts')) fs.copyFileSync(path.join(typesDir, f), path.join(dir, f))
  }
  return dir
}

function copyTypes (from, to) {
  fs.mkdirSync(to, { recursive: true })
  for (const e of fs.readdirSync(from, { withFileTypes: true })) {
    const src = path.join(from, e.name)
    if (e.isDirectory()) copyTypes(src, path.join(to, e.name))
    else if (/\.d\.[cm]?ts$/.test(e.name) || e.name === 'package.json') fs.copyFileSync(src, path.join(to, e.name))
  }
}

let configs = 0
/** A tsconfig extending the README's, with the stricter flags (and `options`); `types` overridden when given. */
function writeConfig (dir, files, types, options) {
  const compilerOptions = { ...STRICTER, ...options }
  if (types !== undefined) compilerOptions.types = types
  const file = path.join(dir, `tsconfig.${++configs}.json`)
  fs.writeFileSync(file, JSON.stringify({ extends: './tsconfig.readme.json', compilerOptions, files }, null, 2))
  return file
}

function runTsc7 (config) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [tsc7, '-p', config, '--pretty', 'false', '--listFiles'], { cwd: path.dirname(config) })
    let output = ''
    child.stdout.on('data', (d) => { output += d })
    child.stderr.on('data', (d) => { output += d })
    child.on('close', (status) => {
      const lines = output.split('\n')
      const files = lines.filter((l) => /^\/.*\.d?\.?[cm]?ts$/.test(l)) // --listFiles: absolute paths
      const errors = lines.filter((l) => !files.includes(l)).join('\n')
      resolve({ status, output: `${config}:\n${errors}`, files })
    })
  })
}

/** A compiler host whose parsed files are shared by every program (they are the same files). */
function cachedHost () {
  const host = ts5.createCompilerHost({})
  const cache = new Map()
  const getSourceFile = host.getSourceFile
  host.getSourceFile = (fileName, languageVersion, ...rest) => {
    const key = `${fileName}\0${JSON.stringify(languageVersion)}`
    if (!cache.has(key)) cache.set(key, getSourceFile.call(host, fileName, languageVersion, ...rest))
    return cache.get(key)
  }
  return host
}

function runTs5 (config, host) {
  const parsed = ts5.getParsedCommandLineOfConfigFile(config, {}, { ...ts5.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts5.flattenDiagnosticMessageText(d.messageText, '\n')) } })
  const program = ts5.createProgram({ rootNames: parsed.fileNames, options: parsed.options, host, configFileParsingDiagnostics: parsed.errors })
  const checked = program.getSourceFiles().filter((sf) => !program.isSourceFileDefaultLibrary(sf) && !/[\\/]@types[\\/]node[\\/]/.test(sf.fileName))
  const diagnostics = [
    ...parsed.errors,
    ...program.getOptionsDiagnostics(),
    ...program.getGlobalDiagnostics(),
    ...checked.flatMap((sf) => [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)])
  ]
  const output = ts5.formatDiagnostics(diagnostics, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => path.dirname(config), getNewLine: () => '\n' })
  return { status: diagnostics.length ? 1 : 0, output: `${config}:\n${output}`, files: program.getSourceFiles().map((sf) => sf.fileName) }
}
