#!/usr/bin/env bash
# DNS benchmark: Roster side by side with NSD, Knot and unbound on one data
# set (1,000 services x 3 instances on 1,000 nodes, TTL 0), driven by dnsperf
# over UDP and TCP on loopback. Not a test: scripts/test does not run it.
#
#   bench/dns/run.sh [--seconds N] [--rate QPS] [--large N] [--rounds N] [--servers roster,nsd,knot,unbound]
#
# Builds roster (Release, in $ROSTER_BUILD_DIR, default build/) unless
# ROSTER_BIN points at a binary, installs nsd, knot, unbound, dnsperf and dig
# with apt-get if they are missing, runs every server alone in turn and prints
# a Markdown table (copied into docs/performance.md, section DNS). About 4
# minutes with the defaults (10 s per run), plus the 100,000-instance load.
# Details of the data set and the method: bench/dns/bench.py.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/../../scripts/lib.sh"

ensure_packages nsd knot unbound dnsperf bind9-dnsutils python3 util-linux
if [ -z "${ROSTER_BIN:-}" ]; then
  configure_and_build roster
  ROSTER_BIN="$BUILD_DIR/agent/roster"
fi
log "roster: $ROSTER_BIN ($(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet 2>/dev/null || echo ', with uncommitted changes'))"
log "load before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
exec python3 "$HERE/bench.py" --roster "$ROSTER_BIN" "$@"
