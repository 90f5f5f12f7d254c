#!/bin/bash
# The SFT policy decoded colder, as a row: Best-of-n with n = 1 keeps its only candidate, so each row is SFT sampled once
# at temperature T (top-p 0.9), evaluated like every policy. Validation board at each T, eval-805 at the two nearest the
# temperature PPO's optimum comes to under the evaluator's 0.7 (plugins/Ppo/README.md); then the proxy reward and KL of
# SFT sampled at T on unlabeled instructions, as PPO's rollouts are. Default recipe, seed 0, 2 threads.
# Usage: bench/sweeps/sharpened-sft.sh HOME    (CLI: set A, default "dotnet run --project src/Host --")
set -euo pipefail
home=${1:?usage: $0 HOME}
A=${A:-dotnet run --project src/Host --}
for t in 0.7 0.53 0.37 0.25 0.15 0; do
  $A run --home "$home" --recipe default --threads 2 --methods best-of-n --eval-split validation \
    --set best-of-n.n=1 --set best-of-n.temperature="$t" --set best-of-n.top_p=0.9 | tail -3
done
for t in 0.37 0.25; do
  $A run --home "$home" --recipe default --threads 2 --methods best-of-n \
    --set best-of-n.n=1 --set best-of-n.temperature="$t" --set best-of-n.top_p=0.9 | tail -3
done
$A leaderboard --home "$home"
# The bench reads the home's SFT policy and reward model: HOME must hold one pipeline (seed 0's) and no other policy.
policies=("$home"/artifacts/policy/*/)
rewards=("$home"/artifacts/rewardmodel/*/)
if [ ${#policies[@]} -ne 1 ] || [ ${#rewards[@]} -ne 1 ]; then
  echo "$0: $home holds ${#policies[@]} policies and ${#rewards[@]} reward models; the bench needs exactly one of each" >&2
  exit 2
fi
policy=${policies[0]}
reward=${rewards[0]}
dotnet run -c Release --project "$(dirname "$0")/../AlpacaFarm.Bench.Modeling" -- --threads 2 --only sharpen \
  --policy "$policy" --reward "$reward" --temperatures 1,0.8,0.65,0.53,0.4
