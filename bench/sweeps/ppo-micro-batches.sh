#!/bin/bash
# PPO's training time per step against micro_batch_size: three steps at each (rollout batch, step batch, micro-batch),
# validation split, default recipe, seed 0, 2 threads; prints each run's wall time and minor page faults, then the
# per-step time split from its steps.csv. A micro-batch as large as the step batch is the whole-minibatch pass.
# Usage: bench/sweeps/ppo-micro-batches.sh HOME    (CLI: set A, default "dotnet run --project src/Host --")
set -euo pipefail
home=${1:?usage: $0 HOME}
A=${A:-dotnet run --project src/Host --}
for setting in "256 128 128" "256 128 64" "512 256 256" "512 256 64"; do
  set -- $setting
  /usr/bin/time -f "rollouts $1, step batch $2, micro-batch $3: %e s wall, %R minor page faults" \
    $A run --home "$home" --recipe default --threads 2 --methods ppo --eval-split validation --set ppo.total_steps=3 \
    --set ppo.warmup_steps=1 --set ppo.whiten_rewards=false --set ppo.rollout_batch_size="$1" --set ppo.step_batch_size="$2" \
    --set ppo.micro_batch_size="$3" 2>&1 | tail -1
  newest=$(ls -td "$home"/runs/*/ | head -1)
  cut -d, -f1,13-15 "$newest/steps.csv"
done
