# session-core. `make demo` runs the demo app, `make test` runs every test; each installs what it needs.
SHELL := /bin/bash
.SHELLFLAGS := -eo pipefail -c
ENV := . .tools/env &&
# wasm32 builds get a target folder of their own, and a cached failure of cargo's probe of the
# target (`rustc - --print=cfg …`) is dropped first: on this machine kind that probe has been seen
# to fail inside a target folder shared with the native build, and cargo caches the failure.
WASM := CARGO_TARGET_DIR=target/wasm
WASM_PROBE := { grep -qs '"success":false' target/wasm/.rustc_info.json && rm -f target/wasm/.rustc_info.json; true; } &&
LOGS := target/test-logs

.PHONY: all tools deps demo-deps system-deps cli pkg test test-rust test-wasm test-node test-counts lint demo vectors bench clean

all: pkg

tools: .tools/env
.tools/env: scripts/bootstrap.sh Cargo.lock
	bash scripts/bootstrap.sh </dev/null

deps: node_modules/.deps-ok
node_modules/.deps-ok: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Debian packages the tests use: redis-server (the Redis tests start their own on a loopback port)
# and chromium (the browser tests drive it headless through playwright-core; no browser download).
system-deps:
	@missing=""; command -v redis-server >/dev/null || missing="$$missing redis-server"; \
	  command -v chromium >/dev/null || missing="$$missing chromium"; \
	  if [ -n "$$missing" ]; then echo "installing$$missing (Debian)"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing) >/dev/null; fi

# The native command-line tool (src/bin/session-core.rs).
cli:
	cargo build --bin session-core </dev/null

pkg: tools
	bash scripts/build-pkg.sh </dev/null

# Every test: native (cargo), inside wasm (wasm-pack test --node), Node (the npm package).
test: test-rust test-wasm test-node test-counts

# cargo and rustc get no standard input: cargo's probe of the target runs `rustc -`, which reads
# stdin, and a CI runner's stdin may hold anything.
test-rust:
	@mkdir -p $(LOGS)
	cargo test --all-targets </dev/null 2>&1 | tee $(LOGS)/rust.log
	cargo test --doc </dev/null 2>&1 | tail -n 3
	cargo test --test vectors -- --nocapture </dev/null 2>&1 | tee $(LOGS)/rust-vectors.log

test-wasm: tools
	@mkdir -p $(LOGS)
	$(WASM_PROBE) $(ENV) $(WASM) wasm-pack test --node --mode no-install -- --test vectors -- --nocapture </dev/null 2>&1 | tee $(LOGS)/wasm.log

test-node: pkg deps demo-deps system-deps cli
	@mkdir -p $(LOGS)
	node --test --test-reporter=spec tests/node/ 2>&1 | tee $(LOGS)/node.log

# The three runners must have run the same number of vector cases.
test-counts:
	@bash scripts/check-counts.sh $(LOGS)

lint:
	cargo fmt --check </dev/null
	cargo clippy --all-targets -- -D warnings </dev/null
	$(WASM_PROBE) $(WASM) cargo clippy --lib --target wasm32-unknown-unknown -- -D warnings </dev/null

demo-deps: pkg
	cd examples-node && npm install --no-audit --no-fund --loglevel=error --install-links=false

demo: demo-deps
	cd examples-node && node server.js

vectors: pkg deps
	node scripts/gen-vectors.js
	node scripts/gen-session-vectors.js
	node scripts/gen-client-vectors.js

bench: pkg deps
	node bench/middleware.js
	node bench/express.js

clean:
	rm -rf target pkg pkg-web
