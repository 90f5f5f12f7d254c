#!/bin/bash
# Best-of-n's candidate decoding, chosen on the farm's validation split (never eval-805): n = 16 at each
# (temperature, top-p), default recipe, seed 0, 2 threads. Each setting is a row of the validation board; the SFT
# policy and reward model are trained (or found) in HOME first.
# Usage: bench/sweeps/best-of-n-decoding.sh HOME [CLI]    (CLI defaults to "dotnet run --project src/Host --")
set -euo pipefail
home=${1:?usage: $0 HOME [CLI]}
A=${2:-dotnet run --project src/Host --}
for setting in "1.0 0.9" "0.7 0.9" "1.0 1.0" "0.7 1.0" "1.3 0.9" "0.5 0.9" "0.3 0.9" "0.3 1.0" "0.5 1.0"; do
  set -- $setting
  $A run --home "$home" --recipe default --threads 2 --methods best-of-n --eval-split validation \
    --set best-of-n.temperature="$1" --set best-of-n.top_p="$2"
done
$A leaderboard --home "$home"   # the validation board: one row per setting (run prints which is which)
