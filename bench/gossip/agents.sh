#!/usr/bin/env bash
# Tier-B gossip benchmark (bench/gossip/agents.py): N real agents on
# loopback, gently joined; idle bytes, propagation, kill -9 detection and
# graceful leave; with --freeze-ms, false failures while one agent is frozen.
# Not a test: scripts/test does not run it.
#
#   bench/gossip/agents.sh [-n 50] [--idle 60] [--kills 3] [--profile lan] [--no-encrypt]
#   bench/gossip/agents.sh -n 50 --freeze-ms 800 --freeze-minutes 10 [--freeze-via sigstop] --only freeze
#
# Builds roster (Release, in $ROSTER_BUILD_DIR, default build/) unless
# ROSTER_BIN points at a binary. A few minutes with the defaults.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/../../scripts/lib.sh"

if [ -z "${ROSTER_BIN:-}" ]; then
  configure_and_build roster
  ROSTER_BIN="$BUILD_DIR/agent/roster"
fi
log "roster: $ROSTER_BIN ($(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet 2>/dev/null || echo ', with uncommitted changes'))"
log "load before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
ulimit -n 65536 2>/dev/null || true
exec python3 "$HERE/agents.py" --roster "$ROSTER_BIN" "$@"
