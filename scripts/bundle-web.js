'use strict'
// session-core/web's modules for pkg/web/: each entry (index.*.js for a runtime, core.js for the
// vector runner) bundled by esbuild into one ES module with what it imports from js/ (the same
// source as the Node doors), the wasm glue (../wasm-web-client/) left as an import. Run by
// scripts/build-pkg.sh after js/ is copied into pkg/.
const path = require('node:path')
const esbuild = require('esbuild')

const root = path.join(__dirname, '..')
const entries = ['index.node.js', 'index.deno.js', 'index.workerd.js', 'index.browser.js', 'core.js']

esbuild.buildSync({
  entryPoints: entries.map((f) => path.join(root, 'js', 'web', f)),
  outdir: path.join(root, 'pkg', 'web'),
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  external: ['../wasm-web-client/*', 'node:fs'],
  legalComments: 'none',
  logLevel: 'warning',
  banner: { js: '// session-core/web: built by scripts/bundle-web.js (esbuild) from js/web/ and the modules it shares with the Node doors.' }
})
