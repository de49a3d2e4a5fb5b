#!/usr/bin/env bash
# Installs what the build needs into .tools/ (git-ignored) and writes .tools/env.
# Every step is skipped when its tool is already there, so a second run takes well under a second.
# Steps follow shared/notes/wasm-toolchain.md: wasm32 target (rustup, else Debian's rustc-web with a
# std built once), wasm-bindgen-cli at exactly Cargo.lock's version, wasm-pack. wasm-opt is never used.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tools="$root/.tools"
mkdir -p "$tools/bin"
log() { printf 'bootstrap: %s\n' "$*" >&2; }
# On some machines of this kind /dev/null is a regular file that keeps what was written to it, and
# rustc probes read their input from it: empty it before each cargo or rustc step (see the Makefile).
nullfix() { [ -c /dev/null ] || : > /dev/null; }

# .tools/env names no absolute path, so a copied or moved checkout keeps working: it finds its
# folder when sourced, from BASH_SOURCE in bash, else from the current folder (the Makefile and
# scripts/ source it from the repository root).
env_lines=(
  "# Written by scripts/bootstrap.sh; paths are relative to this file's folder."
  "_sc_tools=\$(CDPATH= cd -- \"\$(dirname -- \"\${BASH_SOURCE:-.tools/env}\")\" && pwd) || _sc_tools=\"\$(pwd)/.tools\""
  "export PATH=\"\$_sc_tools/bin:\$PATH\""
)

probe_wasm() {
  nullfix
  echo '' | rustc --target wasm32-unknown-unknown --crate-type lib --emit metadata -o /dev/null - >/dev/null 2>&1
}

# 1. the wasm32 target
if ! probe_wasm; then
  log "adding the wasm32-unknown-unknown target with rustup"
  if ! timeout 300 rustup target add wasm32-unknown-unknown >&2 || ! probe_wasm; then
    log "rustup could not add the target: falling back to Debian's rustc-web"
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rustc-web cargo-web rust-web-src lld-22 >&2
    mkdir -p "$tools/deb-bin"
    for t in rustc cargo rustdoc; do
      src=$(ls /usr/bin/$t-web 2>/dev/null || ls /usr/lib/rust-web/bin/$t 2>/dev/null || true)
      [ -n "$src" ] && ln -sf "$src" "$tools/deb-bin/$t"
    done
    export PATH="$tools/deb-bin:$PATH"
    export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=wasm-ld-22
    if ! probe_wasm; then
      scratch=$(mktemp -d)
      nullfix
      (cd "$scratch" && cargo init -q --lib --name stdbuild &&
        RUSTC_BOOTSTRAP=1 RUSTFLAGS=-Cembed-bitcode=yes cargo build -q --release \
          --target wasm32-unknown-unknown -Zbuild-std=std,panic_abort,test >&2)
      dest="$(rustc --print sysroot)/lib/rustlib/wasm32-unknown-unknown/lib"
      mkdir -p "$dest"
      find "$scratch/target/wasm32-unknown-unknown/release/deps" \( -name 'lib*.rlib' -o -name 'lib*.rmeta' \) \
        ! -name 'libstdbuild*' -exec cp {} "$dest/" \;
      rm -rf "$scratch"
    fi
    probe_wasm || { log "no wasm32 std could be installed"; exit 1; }
    env_lines+=("export PATH=\"\$_sc_tools/deb-bin:\$PATH\"" "export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=wasm-ld-22")
  fi
fi

# 2. wasm-bindgen-cli at exactly the version in Cargo.lock
want=$(grep -A1 '^name = "wasm-bindgen"$' "$root/Cargo.lock" 2>/dev/null | sed -n 's/^version = "\(.*\)"$/\1/p' | head -n1 || true)
[ -n "$want" ] || want=$(sed -n 's/^wasm-bindgen = { version = "=\([0-9.]*\)".*/\1/p; s/^wasm-bindgen = "=\([0-9.]*\)".*/\1/p' "$root/Cargo.toml" | head -n1)
have=$("$tools/bin/wasm-bindgen" --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have" != "$want" ]; then
  log "installing wasm-bindgen-cli $want (a few minutes, once)"
  # --locked fails on these registries (a pinned webpki-roots is missing), so resolve afresh.
  nullfix
  cargo install -q wasm-bindgen-cli --version "$want" --root "$tools" --force >&2
fi

# 3. wasm-pack
if ! "$tools/bin/wasm-pack" --version >/dev/null 2>&1; then
  log "installing wasm-pack (a few minutes, once)"
  nullfix
  cargo install -q wasm-pack --root "$tools" --locked >&2
fi

# Guard: never let a wasm-opt run (Debian's binaryen 108 breaks wasm-bindgen output). Builds pass --no-opt.
printf '%s\n' "${env_lines[@]}" "unset _sc_tools" > "$tools/env"
log "tools ready in .tools/"
