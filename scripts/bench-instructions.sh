#!/usr/bin/env bash
# Instructions executed by `maintsim run` on the std workload and by the
# peers' bare typed-heap loop, counted by valgrind's cachegrind: unlike wall
# time on this shared VM, the count hardly moves from run to run, so it
# tells a change that removes work from the machine's noise (it does not see
# cache misses or the two goroutines' overlap: confirm with
# scripts/bench-peers.sh). Needs valgrind (apt-get install -y valgrind);
# each maintsim run takes ~20 s under it.
#
#   scripts/bench-instructions.sh            # std
#   CONFIG=large scripts/bench-instructions.sh
#   TOP=20 scripts/bench-instructions.sh     # and the 20 functions with the most
set -euo pipefail
cd "$(dirname "$0")/.."
CONFIG=${CONFIG:-std}
PEERS=${PEERS:-../shared/peers}
OUT=${OUT:-out/bench}
TOP=${TOP:-0}
command -v valgrind >/dev/null || { echo "bench-instructions: valgrind is not installed (apt-get install -y valgrind)" >&2; exit 2; }
mkdir -p "$OUT"
go build -o "$OUT/maintsim" ./cmd/maintsim
declare -A PEERFLAGS=([std]="-tenants 1000 -slots 64 -days 30 -tasks 10 -seed 1"
                      [large]="-tenants 10000 -slots 640 -days 30 -tasks 10 -seed 1")
irs() { valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file="$1" "${@:2}" 2>&1 >/dev/null | awk '/I *refs:/ { gsub(",", "", $NF); print $NF }'; }
m=$(irs "$OUT/cg.maintsim.$CONFIG" "$OUT/maintsim" run "scenarios/bench/$CONFIG.yaml")
if [ -d "$PEERS/cmd/desheap" ]; then
  (cd "$PEERS" && go build -o "$OLDPWD/$OUT/desheap" ./cmd/desheap)
  # shellcheck disable=SC2086
  p=$(irs "$OUT/cg.peer.$CONFIG" "$OUT/desheap" -queue typed ${PEERFLAGS[$CONFIG]})
  awk -v m="$m" -v p="$p" -v c="$CONFIG" 'BEGIN { printf "%-6s maintsim %6.0f M instructions | bare typed loop %5.0f M | ratio %.2fx\n", c, m / 1e6, p / 1e6, m / p }'
else
  awk -v m="$m" -v c="$CONFIG" 'BEGIN { printf "%-6s maintsim %6.0f M instructions\n", c, m / 1e6 }'
fi
if [ "$TOP" -gt 0 ]; then
  cg_annotate --show-percs=no "$OUT/cg.maintsim.$CONFIG" 2>/dev/null |
    awk '/file:function/ { f = 1; next } f && NF > 1 { print $1, $NF }' | head -n "$TOP"
fi
