#!/usr/bin/env bash
# Reads the `vectors: … total=N` line each runner printed (the Node log has two: the package's
# runner and session-core/web's, `web vectors: …`) and fails unless all four agree. Then repeats
# what the docs test ran (`docs examples: …`, tests/node/docs-examples.test.js) and fails when it
# did not run or left a block of a runnable kind unmarked.
set -euo pipefail
logs=${1:-target/test-logs}
get() { grep -h 'vectors: .*total=[0-9]*' "$logs/$1" | grep -v 'web vectors:' | grep -o 'total=[0-9]*' | tail -n1 | sed 's/.*total=//'; }
getweb() { grep -ho 'web vectors: .*total=[0-9]*' "$logs/$1" | tail -n1 | sed 's/.*total=//'; }
native=$(get rust-vectors.log || true); wasm=$(get wasm.log || true); node=$(get node.log || true); web=$(getweb node.log || true)
echo "vector cases run: native=${native:-none} wasm=${wasm:-none} node=${node:-none} web=${web:-none}"
docs=$(grep -ho 'docs examples: .*' "$logs/node.log" 2>/dev/null | tail -n1 || true)
echo "${docs:-docs examples: none (tests/node/docs-examples.test.js did not run)}"
status=0
if [ -z "$native" ] || [ "$native" != "$wasm" ] || [ "$native" != "$node" ] || [ "$native" != "$web" ]; then
  echo "FAIL: the four runners did not run the same vector cases" >&2
  status=1
fi
if [ -z "$docs" ] || ! grep -q ', 0 unmarked$' <<< "$docs"; then
  echo "FAIL: the docs examples did not all run (tests/node/docs-examples.test.js)" >&2
  status=1
fi
exit $status
