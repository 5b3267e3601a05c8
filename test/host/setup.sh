#!/usr/bin/env bash
# Installs the offline VS Code extension host used by the integration tests: code-server 4.100.3
# (VS Code 1.100.3 on Node 20) and playwright-core, from the npm registry, into $DIR
# (default .vscode-test/cs, gitignored). Needs Debian's chromium, ripgrep, build tools, python3 and
# libkrb5-dev (.ci/run installs them). Idempotent: returns at once when the right versions are there.
set -euo pipefail
DIR=${DIR:-$(cd "$(dirname "$0")/../.." && pwd)/.vscode-test/cs}
CODE_SERVER_VERSION=4.100.3
PLAYWRIGHT_VERSION=1.65.1
RG_VERSION=v13.0.0-10 # what @vscode/ripgrep@1.15.11 (a code-server dependency) downloads

# Written only after a complete install, so an interrupted one is redone.
STAMP="$DIR/installed"
WANT="code-server@$CODE_SERVER_VERSION playwright-core@$PLAYWRIGHT_VERSION"
installed() {
  [ "$(cat "$STAMP" 2>/dev/null)" = "$WANT" ] &&
    node -e "process.exit(require('$DIR/node_modules/code-server/package.json').version === '$CODE_SERVER_VERSION' && require('$DIR/node_modules/playwright-core/package.json').version === '$PLAYWRIGHT_VERSION' ? 0 : 1)" 2>/dev/null
}
if installed; then exit 0; fi

fail() { echo "test/host/setup.sh: $*" >&2; exit 1; }
# code-server 4.100.x's postinstall refuses any Node major but 20.
node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" = 20 ] || fail "code-server $CODE_SERVER_VERSION needs Node 20, this is Node $(node -v)"
command -v rg >/dev/null || fail "ripgrep (rg) is missing: apt-get install -y ripgrep"
command -v chromium >/dev/null || fail "chromium is missing: apt-get install -y chromium"

mkdir -p "$DIR/tmp"
# @vscode/ripgrep's postinstall downloads rg from GitHub; its cache is seeded with Debian's rg instead.
RGC="$DIR/tmp/vscode-ripgrep-cache-1.15.11"
mkdir -p "$RGC"
tar czf "$RGC/ripgrep-$RG_VERSION-x86_64-unknown-linux-musl.tar.gz" -C "$(dirname "$(command -v rg)")" rg

# Native modules (argon2, node-pty, kerberos …) are compiled by node-gyp, which downloads Node's headers
# from nodejs.org unless told where they are: point it at the running Node's own (the Debian/NodeSource
# `nodejs` package ships them in <prefix>/include/node).
if [ -z "${npm_config_nodedir:-}" ]; then
  prefix=$(node -p 'require("path").resolve(process.execPath, "../..")')
  [ -f "$prefix/include/node/node.h" ] || fail "Node's headers are not in $prefix/include/node; set npm_config_nodedir to a folder that has include/node"
  export npm_config_nodedir=$prefix
fi

cd "$DIR"
# No stamp: start from scratch (npm would call a half-done install "up to date" and skip postinstalls).
rm -rf node_modules package-lock.json installed
[ -f package.json ] || echo '{"name":"grounded-test-host","private":true}' > package.json
# code-server's postinstall refuses root without unsafe-perm; node-pty's runs `npx node-gyp` (needs yes).
TMPDIR="$DIR/tmp" npm_config_unsafe_perm=true npm_config_yes=true \
  npm install --no-audit --no-fund --loglevel=error "code-server@$CODE_SERVER_VERSION" "playwright-core@$PLAYWRIGHT_VERSION"
echo "$WANT" > "$STAMP"
installed || fail "$WANT did not install in $DIR"
