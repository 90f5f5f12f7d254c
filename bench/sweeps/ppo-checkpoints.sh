#!/bin/bash
# Every checkpoint a PPO run reported, scored on eval-805 (simulated and gold win rate): the curve that shows where
# PPO's gold preference peaks while the proxy keeps rising. Rows are named ppo-step-N-KEY12 on the farm board.
# Usage: bench/sweeps/ppo-checkpoints.sh HOME RUN_KEY [CLI]    (alpacafarm runs lists keys; CLI defaults to "dotnet run --project src/Host --")
set -euo pipefail
home=${1:?usage: $0 HOME RUN_KEY [CLI]}
key=${2:?usage: $0 HOME RUN_KEY [CLI]}
A=${3:-dotnet run --project src/Host --}
work=$(ls -d "$home"/runs/"$key"* | head -1)
for checkpoint in $(ls -d "$work"/checkpoints/step-* | sort -t- -k2 -n); do
  step=${checkpoint##*step-}
  $A evaluate --home "$home" --policy "$checkpoint" --name "ppo-step-$step-${key:0:12}" --threads 2
done
$A leaderboard --home "$home"
