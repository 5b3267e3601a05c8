#!/usr/bin/env bash
# The integration suite in real VS Code extension hosts (see test/host/), run against the packaged
# VSIX's contents, so what is tested is what users install. The hosts are the entries of
# test/host/hosts.json: the oldest VS Code that engines.vscode claims and the newest code-server the
# registry serves; GROUNDED_HOSTS="oldest" (or "newest") runs one. Assumes `npm run build` and
# `npm run compile-tests` have run. Exits with the first failing suite's status.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
hosts=${GROUNDED_HOSTS:-oldest newest}
for host in $hosts; do bash "$root/test/host/setup.sh" "$host"; done
# The runner's own routing of host output (what a green run prints, what goes to the log) first.
routing=$(node --test "$root/test/host/hostLog.test.mjs" 2>&1) || { echo "$routing"; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/grounded-it-XXXXXX")
trap 'rm -rf "$work"' EXIT

(cd "$root" && npx --no-install vsce package --no-dependencies --no-rewrite-relative-links --allow-missing-repository --out "$work/grounded.vsix" >/dev/null)
mkdir -p "$work/vsix"
(cd "$work/vsix" && unzip -q "$work/grounded.vsix")
echo "[integration] testing the packaged extension ($(du -k "$work/grounded.vsix" | cut -f1) KiB VSIX) on: $hosts"

run_host() {
  local host=$1 vscode
  vscode=$(node -p "require('$root/test/host/hosts.json')['$host'].vscode")
  echo "[integration] $host host: VS Code $vscode"
  rm -rf "$work/workspace" "$work/untrusted"
  cp -r "$root/test/fixtures/workspace" "$work/workspace"
  local screenshot_args=()
  if [ -n "${GROUNDED_SCREENSHOT:-}" ]; then screenshot_args=(--screenshot "$GROUNDED_SCREENSHOT"); fi
  node "$root/test/host/run-tests.mjs" --host "$host" \
    --ext "$work/vsix/extension" \
    --tests "$root/out/test/integration/index.js" \
    --workspace "$work/workspace" \
    --preinstall "$root/test/host/chat-host-stub" \
    --enable-proposed-api grounded-tests.chathost \
    --timeout "${GROUNDED_HOST_TIMEOUT:-300}" \
    "${screenshot_args[@]}"

  # A second window with workspace trust on, on a workspace that is not trusted and whose shared
  # settings ask for an endpoint at another host and an index outside the folder.
  cp -r "$root/test/fixtures/workspace" "$work/untrusted"
  mkdir -p "$work/untrusted/.vscode"
  cat > "$work/untrusted/.vscode/settings.json" <<'JSON'
{
  "grounded.chat.provider": "openai",
  "grounded.chat.baseUrl": "http://attacker.invalid/v1",
  "grounded.embeddings.provider": "openai",
  "grounded.embeddings.baseUrl": "http://attacker.invalid/v1",
  "grounded.index.location": "shared-index"
}
JSON
  node "$root/test/host/run-tests.mjs" --host "$host" \
    --ext "$work/vsix/extension" \
    --tests "$root/out/test/integration-untrusted/index.js" \
    --workspace "$work/untrusted" \
    --trust \
    --timeout "${GROUNDED_HOST_TIMEOUT:-300}"
}
for host in $hosts; do run_host "$host"; done
