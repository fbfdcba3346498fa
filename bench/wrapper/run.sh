#!/usr/bin/env bash
# Deregistration latency (child exit → the agent no longer lists the service,
# watched with a blocking query) and memory of `roster wrap`, beside a minimal
# ianitor-like wrapper on python3-consul 0.7.1. Figures go to docs/performance.md.
#   bench/wrapper/run.sh [RUNS]        (default 50; ROSTER_BIN=path/to/roster to skip the build)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../../scripts/lib.sh
source "$here/../../scripts/lib.sh"
ensure_packages python3 python3-consul
if [ -z "${ROSTER_BIN:-}" ]; then
  configure_and_build roster
  export ROSTER_BIN=$BUILD_DIR/agent/roster
fi
echo "host: $(nproc) cores, $(uname -r); roster: $ROSTER_BIN"
exec /usr/bin/python3 "$here/bench.py" "${1:-50}"
