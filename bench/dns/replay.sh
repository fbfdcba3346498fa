#!/usr/bin/env bash
# Instruction counts of Responder's cached path on the bench data set, with no
# sockets (repeatable on a busy machine): builds bench/dns/replay.cpp against
# the Release libraries in $BUILD (default build-dnsperf/) and runs it under
# callgrind. Needs the query file of bench.py (written here when missing).
#
#   bench/dns/replay.sh [passes] [udp|tcp]   # then callgrind_annotate the printed file
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BUILD=${BUILD:-$ROOT/build-dnsperf}
PASSES=${1:-3}
MODE=${2:-udp}
OUT=${OUT:-/tmp/roster-dns-replay}
mkdir -p "$OUT"
cmake --build "$BUILD" --target roster_dns_core >/dev/null
[ -f "$OUT/queries.txt" ] || python3 -c "import sys; sys.path.insert(0, '$HERE'); import bench; bench.write_data('$OUT')"
g++ -std=c++20 -O2 -fno-ipa-icf -g -I"$ROOT" "$HERE/replay.cpp" -o "$OUT/replay" \
  "$BUILD/dns/libroster_dns_core.a" "$BUILD/registry/libroster_registry.a" "$BUILD/common/libroster_common.a" \
  -lldns -lpthread
"$OUT/replay" "$OUT/queries.txt" "$PASSES" "$MODE"
for pass in replay_cold replay_warm; do
  valgrind --tool=callgrind --collect-atstart=no --toggle-collect="*$pass*" \
    --callgrind-out-file="$OUT/callgrind.$pass" "$OUT/replay" "$OUT/queries.txt" 2 "$MODE" >/dev/null 2>&1
  ir=$(callgrind_annotate "$OUT/callgrind.$pass" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}')
  echo "$pass ($MODE): $ir instructions, $((ir / $(wc -l < "$OUT/queries.txt"))) per query  ($OUT/callgrind.$pass)"
done
