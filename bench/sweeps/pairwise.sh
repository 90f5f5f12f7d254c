#!/bin/bash
# Defaults of the methods that learn from the shared pairs directly (Binary FeedME, Binary reward conditioning, DPO with
# its IPO and SimPO losses), chosen on the farm's validation split (never eval-805): default recipe, seed 0, 2 threads.
# Each setting is one `run` of one method with --set overrides: "METHOD NAME=VALUE ...". Rows are named
# METHOD-default-s0[-hHASH] on the validation board; each run's lines go to OUT/N-METHOD.log.
# Usage: bench/sweeps/pairwise.sh HOME OUT [SETTING ...]    (CLI: set A, default "dotnet run --project src/Host --")
set -euo pipefail
home=${1:?usage: $0 HOME OUT [SETTING ...]}
out=${2:?usage: $0 HOME OUT [SETTING ...]}
shift 2
A=${A:-dotnet run --project src/Host --}
settings=("$@")
if [ ${#settings[@]} -eq 0 ]; then
  # Every setting spelled out in full, so the list reruns the same way whatever the plugins' defaults are.
  settings=(
    "binary-feedme learning_rate=3e-4 epochs=1 batch_size=32"
    "binary-feedme learning_rate=1e-4 epochs=1 batch_size=32"
    "binary-feedme learning_rate=1e-3 epochs=1 batch_size=32"
    "binary-reward-conditioning learning_rate=3e-4 epochs=1 batch_size=32"
    "binary-reward-conditioning learning_rate=1e-3 epochs=1 batch_size=32"
    "dpo loss=dpo beta=0.1 learning_rate=1e-4 epochs=2 batch_size=64"
    "dpo loss=dpo beta=0.1 learning_rate=3e-5 epochs=2 batch_size=64"
    "dpo loss=dpo beta=0.1 learning_rate=3e-4 epochs=2 batch_size=64"
    "dpo loss=dpo beta=0.5 learning_rate=1e-4 epochs=2 batch_size=64"
    "dpo loss=ipo beta=0.1 learning_rate=1e-4 epochs=2 batch_size=64"
    "dpo loss=simpo simpo_beta=2 simpo_gamma=1 learning_rate=1e-4 epochs=2 batch_size=64"
  )
fi
mkdir -p "$out"
n=0
for setting in "${settings[@]}"; do
  n=$((n + 1))
  read -r method pairs <<< "$setting"
  sets=()
  for pair in $pairs; do sets+=(--set "$method.$pair"); done
  echo "== $setting" | tee "$out/$n-$method.log"
  $A run --home "$home" --recipe default --threads 2 --methods "$method" --eval-split validation "${sets[@]}" 2>&1 | tee -a "$out/$n-$method.log" | tail -4
done
$A leaderboard --home "$home"
