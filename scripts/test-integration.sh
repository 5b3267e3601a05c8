#!/usr/bin/env bash
# The integration suite in a real VS Code extension host (see test/host/). Assumes `npm run build`
# and `npm run compile-tests` have run. Exits with the suite's status.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/test/host/setup.sh"
workspace=$(mktemp -d "${TMPDIR:-/tmp}/grounded-ws-XXXXXX")
trap 'rm -rf "$workspace"' EXIT
cp -r "$root/test/fixtures/workspace/." "$workspace/"
screenshot_args=()
if [ -n "${GROUNDED_SCREENSHOT:-}" ]; then screenshot_args=(--screenshot "$GROUNDED_SCREENSHOT"); fi
node "$root/test/host/run-tests.mjs" \
  --ext "$root" \
  --tests "$root/out/test/integration/index.js" \
  --workspace "$workspace" \
  --preinstall "$root/test/host/chat-host-stub" \
  --enable-proposed-api grounded-tests.chathost \
  --timeout "${GROUNDED_HOST_TIMEOUT:-300}" \
  "${screenshot_args[@]}"
