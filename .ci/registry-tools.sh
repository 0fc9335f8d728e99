#!/usr/bin/env bash
# The real registry tools the image-copy test runs against: skopeo and the CNCF distribution registry, from Debian's
# packages (`skopeo`, `docker-registry`). Installed only when missing; on a machine without apt-get or root the test
# skips and says what to install.
set -euo pipefail

if command -v skopeo >/dev/null && command -v docker-registry >/dev/null; then exit 0; fi
if ! command -v apt-get >/dev/null; then
    echo "registry tools: no apt-get here; the image-copy test will skip (install skopeo and docker-registry)" >&2
    exit 0
fi
sudo=""
if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo="sudo -n"; else
        echo "registry tools: not root and no sudo; the image-copy test will skip (apt-get install skopeo docker-registry)" >&2
        exit 0
    fi
fi
export DEBIAN_FRONTEND=noninteractive
# The package lists may be missing on a fresh image; update them only when an install needs it.
$sudo apt-get install -y -q --no-install-recommends skopeo docker-registry >&2 ||
    { $sudo apt-get update -q >&2 && $sudo apt-get install -y -q --no-install-recommends skopeo docker-registry >&2; }
