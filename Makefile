# session-core. `make demo` runs the demo app, `make test` runs every test; each installs what it needs.
SHELL := /bin/bash
.SHELLFLAGS := -eo pipefail -c
ENV := . .tools/env &&
# On some machines of this kind /dev/null is a regular file, not the null device: what one program
# writes "to /dev/null" the next one reads back. cargo probes each target with `rustc -`, whose input
# is /dev/null, and caches the answer; a probe that read junk fails and stays failed. So every cargo
# step first empties /dev/null when it is a plain file (a no-op for the real device), and drops a
# cached failed probe. wasm32 builds keep a target folder of their own.
NULLFIX := { [ -c /dev/null ] || : > /dev/null; } &&
WASM := CARGO_TARGET_DIR=target/wasm
WASM_PROBE := $(NULLFIX) { grep -qs '"success":false' target/wasm/.rustc_info.json && rm -f target/wasm/.rustc_info.json; true; } &&
LOGS := target/test-logs

.PHONY: axum-api bench-axum recordings demo-two fuzz differential test-differential all tools deps demo-deps system-deps cli pkg test test-rust test-wasm test-node test-counts test-cluster lint demo vectors bench clean

all: pkg

tools: .tools/env
.tools/env: scripts/bootstrap.sh Cargo.lock
	bash scripts/bootstrap.sh

deps: node_modules/.deps-ok
node_modules/.deps-ok: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Debian packages the tests use: redis-server (the Redis tests start their own on a loopback port),
# chromium (the browser tests drive it headless through playwright-core; no browser download) and
# python3-venv (the MongoDB test installs its server, NX-27017, into a venv: tests/node/mongo-server.js).
system-deps:
	@missing=""; command -v redis-server >/dev/null || missing="$$missing redis-server"; \
	  command -v chromium >/dev/null || missing="$$missing chromium"; \
	  python3 -c 'import ensurepip, venv' 2>/dev/null || missing="$$missing python3-venv"; \
	  if [ -n "$$missing" ]; then echo "installing$$missing (Debian)"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing) >/dev/null; fi

# The native command-line tool (src/bin/session-core.rs).
cli:
	$(NULLFIX) cargo build --bin session-core

pkg: tools deps
	bash scripts/build-pkg.sh

# Every test: native (cargo), inside wasm (wasm-pack test --node), Node (the npm package).
test: test-rust test-wasm test-node test-counts test-differential

# With the Rust server layer (features tower, redis: src/server/, examples-rust/); one feature set
# for all three runs, so the crate is built once. system-deps first: the interop tests use redis-server.
RUST_FEATURES := --features tower,redis
test-rust: system-deps
	@mkdir -p $(LOGS)
	@$(NULLFIX) { grep -qs '"success":false' target/.rustc_info.json && rm -f target/.rustc_info.json; true; }
	$(NULLFIX) cargo test $(RUST_FEATURES) --all-targets 2>&1 | tee $(LOGS)/rust.log
	$(NULLFIX) cargo test $(RUST_FEATURES) --doc 2>&1 | tail -n 3
	$(NULLFIX) cargo test $(RUST_FEATURES) --test vectors -- --nocapture 2>&1 | tee $(LOGS)/rust-vectors.log
	@$(MAKE) --no-print-directory axum-api

# The axum API the interop tests run (tests/node/rust-interop.test.js, tests/cluster/rust-cluster.test.js):
# cargo test builds it, but only cargo build puts it at target/debug/examples/axum-api.
axum-api: system-deps
	@$(NULLFIX) { grep -qs '"success":false' target/.rustc_info.json && rm -f target/.rustc_info.json; true; }
	$(NULLFIX) cargo build --quiet $(RUST_FEATURES) --example axum-api

test-wasm: tools
	@mkdir -p $(LOGS)
	$(WASM_PROBE) $(ENV) $(WASM) wasm-pack test --node --mode no-install -- --test vectors -- --nocapture 2>&1 | tee $(LOGS)/wasm.log

# The Node tests load a test build too (tests/node/rust-interop.test.js runs the axum example that
# test-rust built: make test runs test-rust first) (the client build with the `test-api` feature: the
# test-only exports the published package lacks), named by SESSION_CORE_TEST_BUILD.
test-node: pkg deps demo-deps system-deps cli
	@mkdir -p $(LOGS)
	bash scripts/build-test-api.sh
	SESSION_CORE_TEST_BUILD=target/wasm-test-api node --test --test-reporter=spec tests/node/ 2>&1 | tee $(LOGS)/node.log

# Native = wasm on seeded random and hostile cases of every vector kind (scripts/differential.js):
# a small count here; `make differential N=1000000` for the long run.
test-differential: pkg
	$(NULLFIX) DIFF_PROFILE=debug node scripts/differential.js 5000

differential: pkg
	$(NULLFIX) node scripts/differential.js $(or $(N),100000)

# Redis Cluster failover under traffic (a 3+3 Cluster, five masters killed; about a minute), and the
# Express demo with the axum API on one Cluster (a few seconds): apart from `make test` to keep it
# short; .ci/run runs both.
test-cluster: pkg deps system-deps axum-api
	@mkdir -p $(LOGS)
	node --test --test-reporter=spec tests/cluster/ 2>&1 | tee $(LOGS)/cluster.log

# The vector runners must have run the same cases (scripts/check-counts.sh); it also repeats what the
# docs test ran (every example of README.md and docs/: tests/node/docs-examples.test.js).
test-counts:
	@bash scripts/check-counts.sh $(LOGS)

# The JS in standard's style (https://standardjs.com: the style the JS follows; it fails on a
# duplicate key among much else), then the Rust: rustfmt and clippy for every build.
JS_SOURCES := "js/**/*.js" "js/**/*.mjs" "tests/node/**/*.js" "tests/node/**/*.mjs" "scripts/**/*.js" "bench/**/*.js" "examples-node/*.js"
lint: deps
	npx standard $(JS_SOURCES)
	$(NULLFIX) cargo fmt --check
	$(NULLFIX) cargo clippy --all-targets -- -D warnings
	$(NULLFIX) cargo clippy $(RUST_FEATURES) --all-targets -- -D warnings
	$(WASM_PROBE) $(WASM) cargo clippy --lib --target wasm32-unknown-unknown -- -D warnings
	$(NULLFIX) CARGO_TARGET_DIR=target/wasm-lean cargo clippy --lib --target wasm32-unknown-unknown --no-default-features -- -D warnings
	$(NULLFIX) CARGO_TARGET_DIR=target/wasm-client cargo clippy --lib --target wasm32-unknown-unknown --no-default-features --features client -- -D warnings

# The fuzz targets under libFuzzer, FUZZ_SECONDS each (default 60); FUZZ_TARGETS picks some.
fuzz: tools
	bash scripts/fuzz.sh

demo-deps: pkg
	cd examples-node && npm install --no-audit --no-fund --loglevel=error --install-links=false

demo: demo-deps
	cd examples-node && node server.js

# Two demo instances (ports 3001 and 3002) sharing one Redis (REDIS_URL, or a redis-server it starts).
demo-two: demo-deps system-deps
	cd examples-node && node two.js

# The Express recordings the Rust layer replays (tests/recordings/express.json).
recordings: pkg deps
	node scripts/record-scenarios.js

vectors: pkg deps
	bash scripts/build-test-api.sh
	node scripts/gen-vectors.js
	node scripts/gen-session-vectors.js
	node scripts/gen-client-vectors.js
	node scripts/gen-csrf-vectors.js
	node scripts/gen-frame-vectors.js
	node scripts/gen-checks-vectors.js
	node scripts/gen-flow-vectors.js

# Every benchmark figure (bench/run.js says which and how): about 11 minutes; BENCH_QUICK=1 for a
# one-round smoke run. Results in bench/results/latest.json; a full run redraws bench/chart.svg.
bench: pkg deps
	$(NULLFIX) cargo build --quiet --release --example native
	$(NULLFIX) node bench/run.js
	$(MAKE) bench-axum

# The Rust layer: axum hello-world bare vs SessionLayer vs tower-sessions, server CPU per
# request from getrusage (bench/axum/main.rs); BENCH_QUICK=1 for a short run.
bench-axum:
	$(NULLFIX) cargo build --quiet --release -p session-core-bench-axum
	target/release/bench-axum

clean:
	rm -rf target pkg pkg-web
