#!/usr/bin/env bash
# Builds the wasm once and assembles the npm package in pkg/ from the generated glue, js/ and
# pkg-template/. wasm-opt is never run (Debian's binaryen 108 breaks wasm-bindgen output).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
. .tools/env

# its own target folder, as in the Makefile (see NULLFIX and WASM there): /dev/null emptied when it
# is a plain file, a cached failed target probe dropped
[ -c /dev/null ] || : > /dev/null
export CARGO_TARGET_DIR=target/wasm
if grep -qs '"success":false' target/wasm/.rustc_info.json; then rm -f target/wasm/.rustc_info.json; fi
cargo build --quiet --lib --release --target wasm32-unknown-unknown
unset CARGO_TARGET_DIR
wasm=target/wasm/wasm32-unknown-unknown/release/session_core.wasm
glue=target/wasm-glue
rm -rf "$glue" && mkdir -p "$glue/node" "$glue/web"
wasm-bindgen --target nodejs --out-dir "$glue/node" --out-name session_core "$wasm"
wasm-bindgen --target web --out-dir "$glue/web" --out-name session_core "$wasm"

rm -rf pkg && mkdir -p pkg/wasm pkg/wasm-web
cp "$glue"/node/session_core.js "$glue"/node/session_core_bg.wasm "$glue"/node/session_core.d.ts pkg/wasm/
cp "$glue"/web/session_core.js "$glue"/web/session_core_bg.wasm "$glue"/web/session_core.d.ts pkg/wasm-web/
# js/ (hand-written) and pkg-template/ (package.json, types, README)
cp -R js/. pkg/
cp -R pkg-template/. pkg/
cp LICENSE README.md pkg/
node scripts/build-inspector.js
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n1)
node -e '
  const fs = require("fs"); const p = "pkg/package.json"
  const j = JSON.parse(fs.readFileSync(p, "utf8")); j.version = process.argv[1]
  fs.writeFileSync(p, JSON.stringify(j, null, 2) + "\n")' "$version"
echo "pkg/: session-core@$version ($(wc -c < pkg/wasm/session_core_bg.wasm) bytes of wasm)"
