#!/usr/bin/env bash
# How `check` and `sweep` scale from one worker to two: each pair runs the
# command with --workers 1 and then --workers 2, back to back (one moment
# of a VM whose speed changes from second to second), and prints both wall
# times and their ratio; the last line is the median of the pairs' ratios.
# See BENCHMARKS.md ("Parallel sweeps and checks", ninth round).
#
#   scripts/bench-scaling.sh              # check --runs 20000, 9 pairs
#   WHAT=sweep PAIRS=5 scripts/bench-scaling.sh
#   BIN=/tmp/other/maintsim scripts/bench-scaling.sh   # another build
set -euo pipefail
cd "$(dirname "$0")/.."
PAIRS=${PAIRS:-9}
WHAT=${WHAT:-check}
OUT=${OUT:-out/bench}
BIN=${BIN:-}
if [ -z "$BIN" ]; then
  mkdir -p "$OUT"
  go build -o "$OUT/maintsim" ./cmd/maintsim
  BIN=$OUT/maintsim
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() { cat "$tmp/err" >&2; exit 1; }
run() { # run WORKERS: one run's wall seconds (to the 0.1 ms)
  local t0 t1
  case $WHAT in
    check) t0=$EPOCHREALTIME; "$BIN" check --runs 20000 --workers "$1" >/dev/null 2>"$tmp/err" || fail; t1=$EPOCHREALTIME ;;
    sweep) t0=$EPOCHREALTIME; "$BIN" sweep scenarios/bench/sweep.yaml --workers "$1" --out "$tmp/w$1.jsonl" >/dev/null 2>"$tmp/err" || fail; t1=$EPOCHREALTIME ;;
    *) echo "bench-scaling: WHAT is check or sweep, not $WHAT" >&2; exit 2 ;;
  esac
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }'
}

for ((i = 1; i <= PAIRS; i++)); do
  one=$(run 1); two=$(run 2)
  if [ "$WHAT" = sweep ] && ! cmp -s "$tmp/w1.jsonl" "$tmp/w2.jsonl"; then
    echo "bench-scaling: sweep's records differ between 1 and 2 workers" >&2; exit 1
  fi
  awk -v a="$one" -v b="$two" 'BEGIN { printf "%s  1 worker %.3f s  2 workers %.3f s  %.2fx\n", "'"$WHAT"'", a, b, a / b }'
done | tee "$tmp/pairs"
awk '{ print $NF }' "$tmp/pairs" | tr -d x | sort -n |
  awk '{ a[NR] = $1 } END { m = NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "median of %d pairs: %.2fx (%.2f-%.2fx)\n", NR, m, a[1], a[NR] }'
