#!/usr/bin/env bash
# Installs the offline VS Code extension host used by the integration tests: code-server 4.100.3
# (VS Code 1.100.3 on Node 20) and playwright-core, from the npm registry, into $DIR.
# Needs Debian's chromium and ripgrep (.ci/run installs them). Idempotent: a second run does nothing.
set -euo pipefail
DIR=${DIR:-$(cd "$(dirname "$0")/../.." && pwd)/.vscode-test/cs}
CODE_SERVER_VERSION=4.100.3
PLAYWRIGHT_VERSION=1.65.1

installed() {
  node -e "process.exit(require('$DIR/node_modules/code-server/package.json').version === '$CODE_SERVER_VERSION' && require('$DIR/node_modules/playwright-core/package.json').version === '$PLAYWRIGHT_VERSION' ? 0 : 1)" 2>/dev/null
}
if installed; then exit 0; fi

command -v rg >/dev/null || { echo "setup.sh: ripgrep (rg) is missing: apt-get install -y ripgrep" >&2; exit 1; }
mkdir -p "$DIR/tmp"
# @vscode/ripgrep's postinstall downloads rg from GitHub; its cache is seeded with Debian's rg instead.
RGC="$DIR/tmp/vscode-ripgrep-cache-1.15.11"
mkdir -p "$RGC"
tar czf "$RGC/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$(dirname "$(command -v rg)")" rg
cd "$DIR"
[ -f package.json ] || echo '{"name":"grounded-test-host","private":true}' > package.json
# code-server's postinstall refuses root without unsafe-perm; node-pty's runs `npx node-gyp` (needs yes).
TMPDIR="$DIR/tmp" npm_config_unsafe_perm=true npm_config_yes=true \
  npm install --no-audit --no-fund --loglevel=error "code-server@$CODE_SERVER_VERSION" "playwright-core@$PLAYWRIGHT_VERSION"
installed
