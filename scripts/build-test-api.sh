#!/usr/bin/env bash
# The test build: the client build with the `test-api` feature (sealWithNonce, openSealed, the raw
# keygrip helpers, csrfTokenWithSalt), which the published package lacks. Built into the client
# build's own target folder, so only session-core itself is compiled again (the dependencies are
# shared), without wasm-opt; the Node vector runner loads it from the folder SESSION_CORE_TEST_BUILD
# names (target/wasm-test-api). Run by `make test-node`.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
. .tools/env
dir=target/wasm-client
[ -c /dev/null ] || : > /dev/null
if grep -qs '"success":false' "$dir/.rustc_info.json"; then rm -f "$dir/.rustc_info.json"; fi
CARGO_TARGET_DIR=$dir cargo build --quiet --lib --release --target wasm32-unknown-unknown --no-default-features --features test-api
out=target/wasm-test-api
rm -rf "$out"
wasm-bindgen --target nodejs --out-dir "$out" --out-name session_core "$dir/wasm32-unknown-unknown/release/session_core.wasm"
# the client build's own artifact again in place (cargo keeps both; the next build-pkg relinks it)
