#!/bin/bash
# PPO's farm defaults, chosen on the farm's validation split (never eval-805): default recipe, seed 0, 2 threads. Every
# setting is one `run --methods ppo` with --set overrides; rows are named ppo-default-s0-hHASH on the validation board
# and each run's lines (with its hyperparameters) go to OUT/ppo-N.log. Pass settings as arguments to run a subset,
# each a space-separated list of NAME=VALUE, e.g. "learning_rate=3e-4 kl_coef=0.05".
# Usage: bench/sweeps/ppo.sh HOME OUT [SETTING ...]    (CLI: set A, default "dotnet run --project src/Host --")
set -euo pipefail
home=${1:?usage: $0 HOME OUT [SETTING ...]}
out=${2:?usage: $0 HOME OUT [SETTING ...]}
shift 2
A=${A:-dotnet run --project src/Host --}
settings=("$@")
if [ ${#settings[@]} -eq 0 ]; then
  # Every setting spelled out in full, so the list reruns the same way whatever the plugin's defaults are.
  r64="rollout_batch_size=64 step_batch_size=32"
  r256="rollout_batch_size=256 step_batch_size=128"
  settings=(
    "whiten_rewards=true $r64 learning_rate=1e-4 kl_coef=0.0067"
    "whiten_rewards=false $r64 learning_rate=1e-4 kl_coef=0.0067"
    "whiten_rewards=false $r64 learning_rate=3e-4 kl_coef=0.0067"
    "whiten_rewards=false $r64 learning_rate=1e-3 kl_coef=0.0067"
    "whiten_rewards=false $r256 learning_rate=1e-4 kl_coef=0.0067"
    "whiten_rewards=false $r256 learning_rate=2e-4 kl_coef=0.0067"
    "whiten_rewards=false $r256 learning_rate=1e-4 kl_coef=0.05"
    "whiten_rewards=false $r256 learning_rate=1e-4 kl_coef=0.2"
    "whiten_rewards=false $r256 learning_rate=2e-4 kl_coef=0.2"
    "whiten_rewards=false $r256 learning_rate=1e-4 kl_coef=0.5"
    "whiten_rewards=false $r256 learning_rate=1e-4 kl_coef=0.1"
    "whiten_rewards=false $r256 learning_rate=1e-4 kl_coef=0.2 total_steps=80"
  )
fi
mkdir -p "$out"
n=0
for setting in "${settings[@]}"; do
  n=$((n + 1))
  sets=()
  for pair in $setting; do sets+=(--set "ppo.$pair"); done
  echo "== $setting" | tee "$out/ppo-$n.log"
  $A run --home "$home" --recipe default --threads 2 --methods ppo --eval-split validation "${sets[@]}" 2>&1 | tee -a "$out/ppo-$n.log" | tail -4
done
$A leaderboard --home "$home"
