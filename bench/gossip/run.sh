#!/usr/bin/env bash
# Tier-A gossip benchmark (gossip.md §4): the real protocol code (gossip/)
# on the in-memory network with a virtual clock, so N=1,000 fits one process
# and the figures do not depend on the machine's load. Not a test.
#
#   bench/gossip/run.sh            # every scenario up to N=1,000 (≈ 30 minutes of wall time;
#                                  # the replica runs at N=1,000 take ≈ 4.6 GB of RAM each)
#   bench/gossip/run.sh 10k        # N=10,000 from a pre-converged start (≈ 10 GB of RAM
#                                  # per run, runs one at a time, ≈ 10 minutes in all)
#   bench/gossip/run.sh detect     # one scenario; see gossip_sim_bench.cpp for options
#
# Builds gossip_sim_bench (Release, in $ROSTER_BUILD_DIR, default build/).
# Figures go to docs/performance.md, section Gossip.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/../../scripts/lib.sh"

configure_and_build gossip_sim_bench
BENCH="$BUILD_DIR/bench/gossip/gossip_sim_bench"
log "gossip_sim_bench ($(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?'))"

run() { echo "\$ gossip_sim_bench $*"; "$BENCH" "$@"; echo; }
if [ "${1:-}" = 10k ]; then
  run detect --n 10000 --kills 10 --start converged
  run propagate --n 10000 --rounds 10 --start converged
  run idle --n 10000 --seconds 120 --envelope 31 --start converged
  run antientropy --n 10000 --seconds 120 --start converged
  exit 0
fi
if [ $# -gt 0 ]; then exec "$BENCH" "$@"; fi
run detect --n 100 --kills 20
run detect --n 1000 --kills 10
run quiet --n 100 --minutes 30 --loss 0.10
run quiet --n 100 --minutes 30 --freeze
run propagate --n 100 --rounds 20
run propagate --n 1000 --rounds 10
run propagate --n 1000 --rounds 10 --loss 0.10
run idle --n 1000 --seconds 300 --envelope 31
run antientropy --n 1000 --seconds 300
run leave --n 100 --rounds 10
run restart --n 100 --rounds 10
run heal --n 100 --seconds 120
run register --n 100 --rounds 20
run register --n 1000 --rounds 10
run register --n 1000 --rounds 10 --loss 0.10
run heal --n 100 --seconds 120 --replica
run heal --n 1000 --seconds 120 --replica
