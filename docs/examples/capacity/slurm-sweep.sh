#!/bin/bash
# Run a maintsim sweep as a Slurm job array, then merge the shards.
#
#   SHARDS=16 docs/examples/capacity/slurm-sweep.sh docs/examples/capacity/sweep.yaml
#
# Run from a login node, the script submits itself as an array of SHARDS
# tasks and a merge job that starts when every task has succeeded
# (--dependency=afterok). In each array task Slurm sets SLURM_ARRAY_TASK_ID
# (and _MIN, _MAX), from which `maintsim sweep --shard N` picks shard K of N
# by itself. Shard files are written atomically into OUT; `maintsim merge`
# lists any run still missing. Rerun a failed task K (0-based) by hand,
# naming its shard: `maintsim sweep SWEEP.yaml --shard $((K+1))/N --out OUT/`
# (an `sbatch --array=K` of this script is a one-task array, which
# `--shard N` refuses rather than guess).
#
# Environment: SHARDS (default 8), OUT (default results), CPUS (cores per
# task, default 4), TIME (per task, default 01:00:00), MAINTSIM (the binary,
# default maintsim on PATH), SBATCH_ARGS (extra sbatch options: partition,
# account, …).
set -euo pipefail

SWEEP=${1:?usage: $0 SWEEP.yaml}
SHARDS=${SHARDS:-8}
OUT=${OUT:-results}
CPUS=${CPUS:-4}
TIME=${TIME:-01:00:00}
MAINTSIM=${MAINTSIM:-maintsim}
NAME=$(basename "$SWEEP"); NAME=${NAME%.yaml}; NAME=${NAME%.yml}

if [[ -n "${SLURM_ARRAY_TASK_ID:-}" ]]; then
  # One array task: one shard.
  mkdir -p "$OUT"
  exec "$MAINTSIM" sweep "$SWEEP" --shard "$SHARDS" --workers "${SLURM_CPUS_PER_TASK:-1}" --out "$OUT/"
fi

if [[ "${MAINTSIM_MERGE:-}" == 1 ]]; then
  # The merge job.
  exec "$MAINTSIM" merge "$OUT/$NAME".shard-*-of-"$SHARDS".jsonl \
    --out "$OUT/summary.json" --csv "$OUT/summary.csv" --runs-csv "$OUT/runs.csv" --html "$OUT/sweep.html"
fi

# On the login node: submit the array and the merge job.
mkdir -p "$OUT/logs"
export SHARDS OUT MAINTSIM
# shellcheck disable=SC2086
array=$(sbatch --parsable ${SBATCH_ARGS:-} --job-name="maintsim-$NAME" \
  --array="0-$((SHARDS - 1))" --cpus-per-task="$CPUS" --time="$TIME" \
  --output="$OUT/logs/%x-%a.out" --export=ALL "$0" "$SWEEP")
array=${array%%;*}
# shellcheck disable=SC2086
merge=$(sbatch --parsable ${SBATCH_ARGS:-} --job-name="maintsim-$NAME-merge" \
  --dependency="afterok:$array" --cpus-per-task=1 --time=00:30:00 \
  --output="$OUT/logs/%x.out" --export=ALL,MAINTSIM_MERGE=1 "$0" "$SWEEP")
echo "submitted array job $array ($SHARDS shards) and merge job ${merge%%;*} → $OUT/"
