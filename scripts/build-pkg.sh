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
rm -rf "$glue" && mkdir -p "$glue/node" "$glue/client" "$glue/tools" "$glue/web" "$glue/web-client"
wasm-bindgen --target nodejs --out-dir "$glue/node" --out-name session_core "$lean"
wasm-bindgen --target nodejs --out-dir "$glue/client" --out-name session_core "$client"
wasm-bindgen --target nodejs --out-dir "$glue/tools" --out-name session_core "$wasm"
wasm-bindgen --target web --out-dir "$glue/web" --out-name session_core "$wasm"
# session-core/web's sessions: the client build (no tools), web target
wasm-bindgen --target web --out-dir "$glue/web-client" --out-name session_core "$client"

# wasm-opt -O3 from npm's binaryen (pinned in package-lock.json; Debian's binaryen 108 breaks
# wasm-bindgen output and is never used). Measured: smaller, and HMAC-bound calls faster. Results
# are cached by the input's hash, so an unchanged build costs nothing here.
wasm_opt=node_modules/binaryen/bin/wasm-opt
cache=target/wasm-opt-cache
mkdir -p "$cache"
for d in node client tools web web-client; do
  f="$glue/$d/session_core_bg.wasm"
  key=$(sha256sum "$f" | cut -c1-32)
  if [ ! -f "$cache/$key.wasm" ]; then
    [ -x "$wasm_opt" ] || { echo "build-pkg: $wasm_opt is missing: run npm ci (make deps)" >&2; exit 1; }
    node "$wasm_opt" -O3 "$f" -o "$cache/$key.tmp" && mv "$cache/$key.tmp" "$cache/$key.wasm"
  fi
  cp "$cache/$key.wasm" "$f"
done

rm -rf pkg && mkdir -p pkg/wasm pkg/wasm-client pkg/wasm-tools pkg/wasm-web pkg/wasm-web-client
cp "$glue"/node/session_core.js "$glue"/node/session_core_bg.wasm "$glue"/node/session_core.d.ts pkg/wasm/
cp "$glue"/client/session_core.js "$glue"/client/session_core_bg.wasm "$glue"/client/session_core.d.ts pkg/wasm-client/
cp "$glue"/tools/session_core.js "$glue"/tools/session_core_bg.wasm "$glue"/tools/session_core.d.ts pkg/wasm-tools/
cp "$glue"/web/session_core.js "$glue"/web/session_core_bg.wasm "$glue"/web/session_core.d.ts pkg/wasm-web/
cp "$glue"/web-client/session_core.js "$glue"/web-client/session_core_bg.wasm "$glue"/web-client/session_core.d.ts pkg/wasm-web-client/
# the web-target glue is an ES module (session-core/web and /browser import it, in every runtime)
echo '{ "type": "module" }' > pkg/wasm-web/package.json
echo '{ "type": "module" }' > pkg/wasm-web-client/package.json
# js/ (hand-written) and pkg-template/ (package.json, types, README)
cp -R js/. pkg/
cp -R pkg-template/. pkg/
cp LICENSE README.md pkg/
# session-core/web is ES modules only (workerd, Deno, browsers), made from the same source as the
# Node doors: each entry bundled by esbuild with the modules it shares with them (js/flow/,
# js/options.js, js/redact.js: CommonJS, no Node built-ins), the wasm glue left as an import.
rm -f pkg/web/*.js
node scripts/bundle-web.js
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
  for f in pkg/web/*.js pkg/wasm-web-client/session_core.js; do
    f=${f#pkg/}
    echo "    (name = \"session-core/$f\", esModule = embed \"node_modules/session-core/$f\"),"
  done
  echo '    (name = "session-core/wasm-web-client/session_core_bg.wasm", wasm = embed "node_modules/session-core/wasm-web-client/session_core_bg.wasm"),'
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
