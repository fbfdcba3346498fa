#!/usr/bin/env bash
# Tier-C gossip benchmark (bench/gossip/netns.py): N real agents, each in its
# own network namespace on one bridge; a partition between two halves by
# blackhole routes, writes on both sides, then the heal: time until every
# agent lists every agent alive and until every replica is identical; kill -9
# detection. Needs root and iproute2. Not a test: scripts/test does not run it.
#
#   bench/gossip/netns.sh [-n 20] [--rounds 3] [--partition-seconds 60] [--kills 1] [--keep]
#   bench/gossip/netns.sh --cleanup-stale      # namespaces left by a killed run
#
# Builds roster (Release, in $ROSTER_BUILD_DIR, default build/) unless
# ROSTER_BIN points at a binary. About (partition-seconds + 20 s) per round.
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
exec python3 "$HERE/netns.py" --roster "$ROSTER_BIN" "$@"
