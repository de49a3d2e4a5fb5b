#!/usr/bin/env bash
# Builds the wasm once and assembles the npm package in pkg/ from the generated glue, js/ and
# pkg-template/. wasm-opt is never run (Debian's binaryen 108 breaks wasm-bindgen output).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
. .tools/env

# Three builds of the core, each in its own target folder (as in the Makefile: see NULLFIX and WASM
# there; /dev/null emptied when it is a plain file, a cached failed target probe dropped):
# - lean (no default features): what session-core/express and the helpers load;
# - client (feature `client`): what cookie-session and cookie-parser load;
# - tools (default features: inspect, audit, the CLI): the npm CLI, inspect/audit, the browser build.
build() { # <target dir> <cargo args...>
  local dir=$1; shift
  [ -c /dev/null ] || : > /dev/null
  if grep -qs '"success":false' "$dir/.rustc_info.json"; then rm -f "$dir/.rustc_info.json"; fi
  CARGO_TARGET_DIR=$dir cargo build --quiet --lib --release --target wasm32-unknown-unknown "$@"
}
build target/wasm-lean --no-default-features
build target/wasm-client --no-default-features --features client
build target/wasm
lean=target/wasm-lean/wasm32-unknown-unknown/release/session_core.wasm
client=target/wasm-client/wasm32-unknown-unknown/release/session_core.wasm
wasm=target/wasm/wasm32-unknown-unknown/release/session_core.wasm
glue=target/wasm-glue
rm -rf "$glue" && mkdir -p "$glue/node" "$glue/client" "$glue/tools" "$glue/web"
wasm-bindgen --target nodejs --out-dir "$glue/node" --out-name session_core "$lean"
wasm-bindgen --target nodejs --out-dir "$glue/client" --out-name session_core "$client"
wasm-bindgen --target nodejs --out-dir "$glue/tools" --out-name session_core "$wasm"
wasm-bindgen --target web --out-dir "$glue/web" --out-name session_core "$wasm"

# wasm-opt -O3 from npm's binaryen (pinned in package-lock.json; Debian's binaryen 108 breaks
# wasm-bindgen output and is never used). Measured: smaller, and HMAC-bound calls faster. Results
# are cached by the input's hash, so an unchanged build costs nothing here.
wasm_opt=node_modules/binaryen/bin/wasm-opt
cache=target/wasm-opt-cache
mkdir -p "$cache"
for d in node client tools web; do
  f="$glue/$d/session_core_bg.wasm"
  key=$(sha256sum "$f" | cut -c1-32)
  if [ ! -f "$cache/$key.wasm" ]; then
    [ -x "$wasm_opt" ] || { echo "build-pkg: $wasm_opt is missing: run npm ci (make deps)" >&2; exit 1; }
    node "$wasm_opt" -O3 "$f" -o "$cache/$key.tmp" && mv "$cache/$key.tmp" "$cache/$key.wasm"
  fi
  cp "$cache/$key.wasm" "$f"
done

rm -rf pkg && mkdir -p pkg/wasm pkg/wasm-client pkg/wasm-tools pkg/wasm-web
cp "$glue"/node/session_core.js "$glue"/node/session_core_bg.wasm "$glue"/node/session_core.d.ts pkg/wasm/
cp "$glue"/client/session_core.js "$glue"/client/session_core_bg.wasm "$glue"/client/session_core.d.ts pkg/wasm-client/
cp "$glue"/tools/session_core.js "$glue"/tools/session_core_bg.wasm "$glue"/tools/session_core.d.ts pkg/wasm-tools/
cp "$glue"/web/session_core.js "$glue"/web/session_core_bg.wasm "$glue"/web/session_core.d.ts pkg/wasm-web/
# the web-target glue is an ES module (session-core/web and /browser import it, in every runtime)
echo '{ "type": "module" }' > pkg/wasm-web/package.json
# js/ (hand-written) and pkg-template/ (package.json, types, README)
cp -R js/. pkg/
cp -R pkg-template/. pkg/
cp LICENSE README.md pkg/
# session-core/web is ES modules only (workerd, Deno, browsers): js/options.js, the one CommonJS
# file it shares, is written out again as a module (the same code; only its export line differs).
sed -e "/^'use strict'$/d" -e 's/^module\.exports = { describeOptions }$/export { describeOptions }/' js/options.js > pkg/web/options.js
grep -q '^export { describeOptions }$' pkg/web/options.js || { echo "build-pkg: js/options.js's export line changed: update the web copy's sed" >&2; exit 1; }
# The crossing's flag tables: js/native.js's block between its `// ---- flags: begin/end ----` lines,
# each `const NAME = {` exported (one source for the Node and the web crossing).
{ echo '// Written by scripts/build-pkg.sh from js/native.js (its flags block): do not edit.'
  sed -n '/^\/\/ ---- flags: begin ----$/,/^\/\/ ---- flags: end ----$/p' js/native.js | sed -e 's/^const \([A-Z_]*\) = /export const \1 = /'; } > pkg/web/flags.js
for t in IN OUT LOADED COMMIT COMMITTED; do
  grep -q "^export const $t = " pkg/web/flags.js || { echo "build-pkg: js/native.js's flags block has no $t: update scripts/build-pkg.sh" >&2; exit 1; }
done
# Functions session-core/web shares with the Node drop-ins, written out from their one source: each
# between `// ---- NAME: begin ----` and `// ---- NAME: end ----` lines of its file, exported.
block() { # <file> <function name>
  sed -n "/^\/\/ ---- $2: begin ----\$/,/^\/\/ ---- $2: end ----\$/p" "$1" | sed -e "s/^function $2 /export function $2 /"
}
{ echo '// Written by scripts/build-pkg.sh from js/cookie-session/index.js, js/express/session.js and js/redact.js: do not edit.'
  echo "import { COMMIT } from './flags.js'"
  echo
  block js/cookie-session/index.js commitFields
  block js/cookie-session/index.js tooLargeError
  block js/express/session.js regeneratedError
  block js/redact.js show; } > pkg/web/shared.js
for f in commitFields tooLargeError regeneratedError show; do
  grep -q "^export function $f (" pkg/web/shared.js || { echo "build-pkg: the $f block is gone from its file: update scripts/build-pkg.sh" >&2; exit 1; }
done
# req.session.increment/push's bookkeeping (js/express/delta.js's ops block), for session-core/web's
{ echo '// Written by scripts/build-pkg.sh from js/express/delta.js (its ops block): do not edit.'
  sed -n '/^\/\/ ---- ops: begin ----$/,/^\/\/ ---- ops: end ----$/p' js/express/delta.js
  echo 'export { increment, push, opsText, settled, setLoaded }'; } > pkg/web/ops.js
for f in increment push opsText settled setLoaded; do
  grep -q "^function $f (" pkg/web/ops.js || { echo "build-pkg: js/express/delta.js's ops block has no $f: update scripts/build-pkg.sh" >&2; exit 1; }
done
# workerd run directly (no bundler): an example config whose module list is made here from the
# package's files, so it names every module session-core/web and session-core/hono import (the
# tests run workerd from this file: it cannot drift from the package).
entry=$(node -p 'require("./pkg/package.json").exports["./web"].workerd.replace(/^\.\//, "")')
{ cat <<'CAPNP'
# session-core/web (and session-core/hono) on workerd run without a bundler: copy this file next to
# your node_modules, put your Worker's modules first, keep the session-core modules as listed, and
# `workerd serve workerd.capnp`. Written by the package's build from its files (every module the
# `workerd` condition's entry imports). A bundler resolving the `workerd` condition (wrangler) needs
# none of this.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [ (name = "main", worker = .worker) ],
  sockets = [ (name = "http", address = "127.0.0.1:8080", http = (), service = "main") ],
);

const worker :Workerd.Worker = (
  modules = [
    (name = "worker.mjs", esModule = embed "worker.mjs"),
    # ---- session-core: begin ----
CAPNP
  echo "    (name = \"session-core/web\", esModule = \"export * from './$entry'; export { default } from './$entry'\"),"
  echo '    (name = "session-core/hono", esModule = embed "node_modules/session-core/hono/index.mjs"),'
  for f in pkg/web/*.js pkg/wasm-web/session_core.js; do
    f=${f#pkg/}
    echo "    (name = \"session-core/$f\", esModule = embed \"node_modules/session-core/$f\"),"
  done
  echo '    (name = "session-core/wasm-web/session_core_bg.wasm", wasm = embed "node_modules/session-core/wasm-web/session_core_bg.wasm"),'
  cat <<'CAPNP'
    # ---- session-core: end ----
  ],
  compatibilityDate = "2025-01-01",
);
CAPNP
} > pkg/web/workerd.capnp
node scripts/build-inspector.js
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n1)
node -e '
  const fs = require("fs"); const p = "pkg/package.json"
  const j = JSON.parse(fs.readFileSync(p, "utf8")); j.version = process.argv[1]
  fs.writeFileSync(p, JSON.stringify(j, null, 2) + "\n")' "$version"
echo "pkg/: session-core@$version (wasm: $(wc -c < pkg/wasm/session_core_bg.wasm) bytes lean, $(wc -c < pkg/wasm-client/session_core_bg.wasm) with the client side, $(wc -c < pkg/wasm-tools/session_core_bg.wasm) with the tools)"
