#!/usr/bin/env bash
# make fuzz: runs every fuzz target (fuzz/fuzz_targets, bodies in fuzz/targets.rs) under libFuzzer
# for FUZZ_SECONDS each (default 60), then prints executions and findings per target.
# cargo-fuzz needs nightly flags: RUSTC_BOOTSTRAP=1 is set here only, for these builds only (no
# rust-toolchain file; nothing else changes). cargo-fuzz is installed into .tools/ when absent.
# Each target starts from the committed seeds (fuzz/corpus/<target>, read-only) and grows a scratch
# corpus in target/fuzz-corpus/<target>. A crash is copied into fuzz/regressions/<target>/, which
# the stable test tests/fuzz_corpus.rs replays: commit it, fix it, and make it a vector.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
. .tools/env
seconds=${FUZZ_SECONDS:-60}
only=${FUZZ_TARGETS:-}
[ -c /dev/null ] || : > /dev/null
if ! command -v cargo-fuzz >/dev/null; then
  echo "fuzz: installing cargo-fuzz into .tools/ (once)"
  cargo install --quiet --locked cargo-fuzz --root .tools || { echo "fuzz: cargo-fuzz could not be installed" >&2; exit 2; }
fi
export RUSTC_BOOTSTRAP=1
targets=$(sed -n 's/^name = "\(.*\)"$/\1/p' fuzz/Cargo.toml | grep -v '^session-core-fuzz$')
[ -n "$only" ] && targets=$only
echo "fuzz: building the targets (release, address sanitizer)"
(cd fuzz && cargo fuzz build --release) >/dev/null 2>target/fuzz-build.log || { tail -30 target/fuzz-build.log >&2; exit 2; }
summary=()
found=0
for t in $targets; do
  scratch=target/fuzz-corpus/$t
  mkdir -p "$scratch" fuzz/regressions/$t
  log=target/fuzz-$t.log
  echo "fuzz: $t for ${seconds}s"
  (cd fuzz && cargo fuzz run --release "$t" "../$scratch" "corpus/$t" -- \
    -max_total_time="$seconds" -max_len=8192 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1) >"$log" 2>&1
  code=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  crashes=0
  for f in fuzz/artifacts/$t/*; do
    [ -f "$f" ] || continue
    cp "$f" fuzz/regressions/$t/ && rm -f "$f"
    crashes=$((crashes + 1))
  done
  if [ "$code" -ne 0 ] && [ "$crashes" -eq 0 ]; then crashes="?"; fi
  [ "$crashes" != 0 ] && found=1
  summary+=("$(printf '  %-15s %14s executions   %s findings' "$t" "${execs:-?}" "$crashes")")
done
echo "fuzz: ${seconds}s per target, $(date -u +%Y-%m-%d)"
printf '%s\n' "${summary[@]}"
if [ "$found" -ne 0 ]; then
  echo "fuzz: findings copied into fuzz/regressions/ (tests/fuzz_corpus.rs replays them); logs in target/fuzz-*.log" >&2
  exit 1
fi
