#!/bin/bash
# PPO's default row against SFT's on eval-805 at several seeds (each seed trains its own SFT policy, pairs and reward
# model first), then `compare --by-dataset` for each: how much of the PPO − SFT margin is the seed's draw.
# Usage: bench/sweeps/ppo-seeds.sh HOME SEED...    (CLI: set A, default "dotnet run --project src/Host --")
set -euo pipefail
home=${1:?usage: $0 HOME SEED...}
shift
A=${A:-dotnet run --project src/Host --}
for seed in "$@"; do
  $A run --home "$home" --recipe default --threads 2 --methods ppo --seed "$seed" | tail -6
done
for seed in "$@"; do
  $A compare "ppo-default-s$seed" "sft-default-s$seed" --home "$home" --by-dataset
done
