#!/usr/bin/env bash
# Runs a peer's own test suite against session-core's drop-in, from a scratch folder outside the
# repo (the peer's code is never copied into this project).
#
#   scripts/peer-suite.sh express-session /path/to/expressjs/session   # a checkout or a bare git dir
#   scripts/peer-suite.sh cookie-session /path/to/expressjs/cookie-session
#
# It extracts the peer's test/ into a temporary folder, points the peer's module paths at
# pkg/express through a small shim, installs the suite's own dev dependencies and runs mocha.
set -euo pipefail
peer=${1:?peer name: express-session}
src=${2:?path to the peer repository (work tree or git dir)}
root=$(cd "$(dirname "$0")/.." && pwd)
[ -f "$root/pkg/cookie-session/index.js" ] || make -C "$root" pkg >/dev/null
scratch=$(mktemp -d /tmp/peer-suite.XXXXXX)
trap 'rm -rf "$scratch"' EXIT

# The peer's test/ and package.json into the scratch folder, from a work tree or a git dir.
extract() {
  if [ -d "$src/.git" ] || [ -f "$src/HEAD" ]; then
    git --git-dir="$( [ -d "$src/.git" ] && echo "$src/.git" || echo "$src")" archive HEAD test package.json | tar -x -C "$scratch"
  else
    cp -R "$src/test" "$src/package.json" "$scratch/"
  fi
  cd "$scratch"
}

case "$peer" in
  express-session)
    extract
    mkdir -p session test/fixtures
    echo "module.exports = require('$root/pkg/express')" > index.js
    for pair in cookie:Cookie memory:MemoryStore store:Store session:Session; do
      echo "module.exports = require('../').${pair#*:}" > "session/${pair%%:*}.js"
    done
    (sh test/support/gencert.sh >/dev/null 2>&1) || echo "peer-suite: openssl missing: the https tests will fail"
    deps=$(node -e 'const d=require("./package.json").devDependencies;console.log(["mocha","supertest","after","cookie-parser","express"].map(n=>n+"@"+d[n]).join(" "))')
    npm install --no-audit --no-fund --loglevel=error --no-save $deps >/dev/null
    npx mocha --check-leaks --reporter spec test/ 2>&1 | tee "$root/target/peer-suite-$peer.log" | tail -n 40 || true
    ;;
  cookie-session)
    extract
    echo "module.exports = require('$root/pkg/cookie-session')" > index.js
    deps=$(node -e 'const d=require("./package.json").devDependencies;console.log(["mocha","supertest","connect"].map(n=>n+"@"+d[n]).join(" "))')
    npm install --no-audit --no-fund --loglevel=error --no-save $deps >/dev/null
    npx mocha --check-leaks --reporter spec test/ 2>&1 | tee "$root/target/peer-suite-$peer.log" | tail -n 40 || true
    ;;
  *)
    echo "unknown peer: $peer" >&2
    exit 2
    ;;
esac
