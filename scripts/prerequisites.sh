#!/usr/bin/env bash
# The one list of what the tests need from the machine, checked before anything runs (`npm test` and
# `.ci/run` both start here). Missing Debian packages are installed when that is possible (root, with
# apt-get on PATH, and GROUNDED_NO_INSTALL unset); otherwise one line names every missing package and the
# command that installs them, and the script exits 1 at once instead of minutes into the suite.
set -uo pipefail

NODE_MIN=22 # vectra 0.15 (the store) declares node >=22; package.json's engines.node says the same

# "<Debian package> <check>": the check is a command name, or dpkg:<package> for a library.
REQUIRED=(
  "chromium chromium"         # the browser that drives the VS Code workbench
  "ripgrep rg"                # VS Code's search; seeds @vscode/ripgrep so it downloads nothing
  "build-essential make"      # node-gyp builds code-server's native modules
  "build-essential g++"
  "python3 python3"           # node-gyp
  "pkg-config pkg-config"     # kerberos' build
  "libkrb5-dev krb5-config"   # kerberos' headers (code-server's native dependency)
  "unzip unzip"               # unpacks the VSIX the integration suite tests
)

# Only bash builtins, so the check also works on a PATH that lacks the tools it looks for.
missing_packages() {
  local seen=" " entry pkg check
  for entry in "${REQUIRED[@]}"; do
    pkg=${entry%% *}
    check=${entry#* }
    command -v "$check" >/dev/null 2>&1 && continue
    [[ $seen == *" $pkg "* ]] || seen+="$pkg "
  done
  seen=${seen# }
  echo "${seen% }"
}

node_problem() {
  local version
  if ! command -v node >/dev/null 2>&1; then
    echo "Node $NODE_MIN or newer (no node on PATH)"
    return
  fi
  version=$(node -p 'process.versions.node' 2>/dev/null) || version=0
  [ "${version%%.*}" -ge "$NODE_MIN" ] 2>/dev/null || echo "Node $NODE_MIN or newer (this is $version)"
}

can_install() {
  [ -z "${GROUNDED_NO_INSTALL:-}" ] && [ "$EUID" = 0 ] && command -v apt-get >/dev/null 2>&1
}

install_packages() {
  echo "prerequisites: installing $* (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

main() {
  local missing node
  missing=$(missing_packages)
  if [ -n "$missing" ] && can_install; then
    # shellcheck disable=SC2086 # one word a package
    install_packages $missing || echo "prerequisites: apt-get failed" >&2
    missing=$(missing_packages)
  fi
  node=$(node_problem)
  [ -z "$missing" ] && [ -z "$node" ] && return 0
  local parts=()
  [ -n "$missing" ] && parts+=("missing Debian packages: $missing; install them with: sudo apt-get install -y $missing")
  [ -n "$node" ] && parts+=("needs $node")
  local IFS='|'
  local line="${parts[*]}"
  echo "prerequisites: ${line//|/; also }" >&2
  return 1
}

main
