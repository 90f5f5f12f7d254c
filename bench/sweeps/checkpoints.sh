#!/bin/bash
# Every checkpoint a method run saved (checkpoints/step-N in its work directory for PPO and Quark, checkpoints/epoch-N
# for DPO), scored on eval-805 (simulated and gold win rate): the curve that shows where gold peaks while the proxy keeps
# rising. Rows are named METHOD-step-N-KEY12 (or -epoch-N-) on the farm board; none is the run's own row.
# Usage: bench/sweeps/checkpoints.sh HOME RUN_KEY METHOD [CLI]    (alpacafarm runs lists keys; CLI defaults to "dotnet run --project src/Host --")
set -euo pipefail
home=${1:?usage: $0 HOME RUN_KEY METHOD [CLI]}
key=${2:?usage: $0 HOME RUN_KEY METHOD [CLI]}
method=${3:?usage: $0 HOME RUN_KEY METHOD [CLI]}
A=${4:-dotnet run --project src/Host --}
work=$(ls -d "$home"/runs/"$key"* | head -1)
for checkpoint in $(ls -d "$work"/checkpoints/*-* | sort -V); do
  $A evaluate --home "$home" --policy "$checkpoint" --name "$method-$(basename "$checkpoint")-${key:0:12}" --threads 2
done
$A leaderboard --home "$home"
