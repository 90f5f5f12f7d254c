#!/bin/bash
# Expert Iteration's fine-tune, chosen on the farm's validation split (never eval-805): default recipe, seed 0, 2
# threads. The first run draws the Best-of-16 selection on the 20,000 unlabeled instructions into HOME's
# cache/expert-iteration/; the others differ only in the fine-tune and reuse it (run prints which row is which).
# Usage: bench/sweeps/expert-iteration-fine-tune.sh HOME [CLI]    (CLI defaults to "dotnet run --project src/Host --")
set -euo pipefail
home=${1:?usage: $0 HOME [CLI]}
A=${2:-dotnet run --project src/Host --}
for setting in "1.5e-3 1" "5e-4 1" "1.5e-3 2" "1.5e-3 4" "5e-4 2"; do
  set -- $setting
  $A run --home "$home" --recipe default --threads 2 --methods expert-iteration --eval-split validation \
    --set expert-iteration.learning_rate="$1" --set expert-iteration.epochs="$2"
done
$A leaderboard --home "$home"
