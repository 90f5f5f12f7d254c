#!/bin/bash
# Methods' default rows against SFT's on eval-805 at several seeds (each seed trains its own SFT policy, pairs and reward
# model first), then `compare --by-dataset` of each method with that seed's SFT row: how much of a margin is the seed's draw.
# Usage: bench/sweeps/seeds.sh HOME METHOD[,METHOD...] SEED...    (CLI: set A, default "dotnet run --project src/Host --")
set -euo pipefail
home=${1:?usage: $0 HOME METHODS SEED...}
methods=${2:?usage: $0 HOME METHODS SEED...}
shift 2
A=${A:-dotnet run --project src/Host --}
for seed in "$@"; do
  $A run --home "$home" --recipe default --threads 2 --methods "$methods" --seed "$seed" | tail -8
done
for seed in "$@"; do
  for method in ${methods//,/ }; do
    $A compare "$method-default-s$seed" "sft-default-s$seed" --home "$home" --by-dataset
  done
done
