#!/usr/bin/env bash
# The README screenshot: @grounded answering a question about a real repository in the newest VS Code
# host, with the test chat model (no real model is reachable here, so its reply says "fake model reply").
#   bash scripts/screenshot.sh <repository folder> "<question>" [out.png]
# Assumes `npm run build` and `npm run compile-tests`; the folder is copied, never written.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
repo=$1 question=$2 out=${3:-$root/media/screenshot-chat.png}
host=${GROUNDED_HOST:-newest}
bash "$root/test/host/setup.sh" "$host"
work=$(mktemp -d "${TMPDIR:-/tmp}/grounded-shot-XXXXXX")
trap 'rm -rf "$work"' EXIT
(cd "$root" && npx --no-install vsce package --no-dependencies --no-rewrite-relative-links --allow-missing-repository --out "$work/g.vsix" >/dev/null)
mkdir -p "$work/vsix" && (cd "$work/vsix" && unzip -q "$work/g.vsix")
cp -r "$repo" "$work/workspace"
GROUNDED_SCREENSHOT_QUESTION=$question node "$root/test/host/run-tests.mjs" --host "$host" \
  --ext "$work/vsix/extension" --tests "$root/out/test/screenshot/index.js" --workspace "$work/workspace" \
  --preinstall "$root/test/host/chat-host-stub" --enable-proposed-api grounded-tests.chathost \
  --timeout 300 --screenshot "$out"
