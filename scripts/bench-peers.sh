#!/usr/bin/env bash
# Side by side: `maintsim run` on scenarios/bench/{std,large}.yaml against the
# bare typed-heap Go loop of shared/peers (same workload), interleaved, same
# machine, same moment. Prints medians and the ratio. See BENCHMARKS.md.
#
#   scripts/bench-peers.sh                 # std and large, 5 reps
#   CONFIGS=std REPS=3 scripts/bench-peers.sh
#   PEERS=/path/to/shared/peers scripts/bench-peers.sh
set -euo pipefail
cd "$(dirname "$0")/.."
REPS=${REPS:-5}
CONFIGS=${CONFIGS:-"std large"}
PEERS=${PEERS:-../shared/peers}
OUT=${OUT:-out/bench}
mkdir -p "$OUT"

go build -o "$OUT/maintsim" ./cmd/maintsim
have_peer=0
if [ -d "$PEERS/cmd/desheap" ]; then
  (cd "$PEERS" && go build -o "$OLDPWD/$OUT/desheap" ./cmd/desheap) && have_peer=1
else
  echo "bench: no peers at $PEERS; measuring maintsim alone" >&2
fi

declare -A PEERFLAGS=([std]="-tenants 1000 -slots 64 -days 30 -tasks 10 -seed 1"
                      [large]="-tenants 10000 -slots 640 -days 30 -tasks 10 -seed 1")
# elapsed seconds (to the 0.1 ms: GNU time's %e has 10 ms steps, a third
# of the peer's whole std run) and peak RSS (KiB, from GNU time) of one
# command.
measure() {
  local tv t0 t1; tv=$(mktemp)
  t0=$EPOCHREALTIME
  /usr/bin/time -f '%M' -o "$tv" "$@" >/dev/null 2>&1 || true
  t1=$EPOCHREALTIME
  printf '%s %s\n' "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }')" "$(cat "$tv")"
  rm -f "$tv"
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

for cfg in $CONFIGS; do
  : > "$OUT/$cfg.maintsim"; : > "$OUT/$cfg.peer"
  for ((rep = 1; rep <= REPS; rep++)); do
    # Alternate which goes first so drift hits both alike.
    if (( rep % 2 )); then order="m p"; else order="p m"; fi
    for who in $order; do
      if [ "$who" = m ]; then
        measure "$OUT/maintsim" run "scenarios/bench/$cfg.yaml" >> "$OUT/$cfg.maintsim"
      elif [ $have_peer = 1 ]; then
        # shellcheck disable=SC2086
        measure "$OUT/desheap" -queue typed ${PEERFLAGS[$cfg]} >> "$OUT/$cfg.peer"
      fi
    done
  done
  m=$(cut -d' ' -f1 "$OUT/$cfg.maintsim" | median); mr=$(cut -d' ' -f2 "$OUT/$cfg.maintsim" | median)
  if [ $have_peer = 1 ]; then
    p=$(cut -d' ' -f1 "$OUT/$cfg.peer" | median); pr=$(cut -d' ' -f2 "$OUT/$cfg.peer" | median)
    ratio=$(awk -v a="$m" -v b="$p" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }')
    # The median of the ratios of each repetition's adjacent pair: on a
    # VM whose speed changes from one second to the next, a pair run
    # back to back sees one moment, and the medians above may not.
    pairs=$(paste -d' ' <(cut -d' ' -f1 "$OUT/$cfg.maintsim") <(cut -d' ' -f1 "$OUT/$cfg.peer") |
      awk '$2 > 0 { print $1 / $2 }' | median)
    printf '%-6s maintsim %7.3f s %7.1f MiB | bare typed loop %7.3f s %6.1f MiB | ratio %sx, of pairs %.2fx (load %s)\n' \
      "$cfg" "$m" "$(awk -v k="$mr" 'BEGIN{print k/1024}')" "$p" "$(awk -v k="$pr" 'BEGIN{print k/1024}')" "$ratio" "$pairs" "$(cut -d' ' -f1 /proc/loadavg)"
  else
    printf '%-6s maintsim %7.3f s %7.1f MiB\n' "$cfg" "$m" "$(awk -v k="$mr" 'BEGIN{print k/1024}')"
  fi
done
