#!/usr/bin/env bash
# Kept for callers of the old path: the stack commands are delivery/cli/ (typed, on the Automation API and the pinned
# CLI). `exec` leaves no shell between the caller and node, so signals reach the module directly.
#   scripts/stack.sh <preview|up|refresh|drift|check> <stack> [extra pulumi args...]  =  npm run stack -- <same>
set -euo pipefail
exec node --import tsx "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/delivery/cli/main.ts" "$@"
