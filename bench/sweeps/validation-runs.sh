#!/bin/bash
# The loop every method's validation sweep shares: one `run` per setting on the farm's validation split (never eval-805),
# default recipe, seed 0, 2 threads. A setting is "METHOD NAME=VALUE ..." (the overrides passed as --set METHOD.NAME=VALUE);
# rows are named METHOD-default-s0[-hHASH] on the validation board and each run's lines go to OUT/N-METHOD.log.
# Usage: bench/sweeps/validation-runs.sh HOME OUT SETTING...    (CLI: set A, default "dotnet run --project src/Host --";
# SEED, default 0, runs the whole pipeline at another seed: rows METHOD-default-sSEED[-hHASH])
set -euo pipefail
home=${1:?usage: $0 HOME OUT SETTING...}
out=${2:?usage: $0 HOME OUT SETTING...}
shift 2
A=${A:-dotnet run --project src/Host --}
seed=${SEED:-0}
mkdir -p "$out"
n=0
for setting in "$@"; do
  n=$((n + 1))
  read -r method pairs <<< "$setting"
  sets=()
  for pair in $pairs; do sets+=(--set "$method.$pair"); done
  echo "== $setting" | tee "$out/$n-$method.log"
  $A run --home "$home" --recipe default --threads 2 --seed "$seed" --methods "$method" --eval-split validation "${sets[@]}" 2>&1 | tee -a "$out/$n-$method.log" | tail -4
done
$A leaderboard --home "$home"
