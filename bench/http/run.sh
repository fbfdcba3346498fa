#!/usr/bin/env bash
# HTTP benchmark: Roster's /v1/health/service/<name>?passing side by side with
# nginx serving the same JSON body as a static file, register+deregister
# operations per second, and the agent's RSS with 10,000 idle blocking queries.
# Not a test: scripts/test does not run it.
#
#   bench/http/run.sh [--seconds N] [--connections N] [--idle N]
#
# Builds roster (Release, in $ROSTER_BUILD_DIR, default build/) unless
# ROSTER_BIN points at a binary, installs wrk and nginx with apt-get if they
# are missing, and prints a Markdown table (copied into docs/performance.md,
# section HTTP). About a minute with the defaults.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/../../scripts/lib.sh"

ensure_packages wrk nginx-light python3 procps g++
if [ -z "${ROSTER_BIN:-}" ]; then
  configure_and_build roster
  ROSTER_BIN="$BUILD_DIR/agent/roster"
fi
log "roster: $ROSTER_BIN ($(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet 2>/dev/null || echo ', with uncommitted changes'))"
log "load before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
# Registrations per second with persistence on (its own script; defaults only).
python3 "$HERE/registrations.py" --roster "$ROSTER_BIN"
exec python3 "$HERE/bench.py" --roster "$ROSTER_BIN" "$@"
