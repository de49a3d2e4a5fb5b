#!/usr/bin/env bash
# Reads the `vectors: … total=N` line each runner printed and fails unless all three agree.
set -euo pipefail
logs=${1:-target/test-logs}
get() { grep -ho 'vectors: .*total=[0-9]*' "$logs/$1" | tail -n1 | sed 's/.*total=//'; }
native=$(get rust-vectors.log || true); wasm=$(get wasm.log || true); node=$(get node.log || true)
echo "vector cases run: native=${native:-none} wasm=${wasm:-none} node=${node:-none}"
if [ -z "$native" ] || [ "$native" != "$wasm" ] || [ "$native" != "$node" ]; then
  echo "FAIL: the three runners did not run the same vector cases" >&2
  exit 1
fi
