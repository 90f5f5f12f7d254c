#!/bin/bash
# Each method row of one seed, made before and after a change, compared with `alpacafarm compare` (paired differences
# over the same instructions, simulated and gold): the issue-34 rule that more than 2 paired SE is a change of result.
# The BEFORE home's eval-805 outputs (outputs/NAME.json) are scored into the AFTER home as "before-NAME" rows (the farm's
# evaluation has no randomness, so they score as they did there), then each AFTER row is compared with its before-row.
# Usage: bench/analysis/before-after.sh BEFORE_HOME AFTER_HOME [SEED] [RECIPE]   (seed 0, recipe default;
#        CLI: set A, default "dotnet run -c Release --project src/Host --")
set -euo pipefail
before=${1:?usage: $0 BEFORE_HOME AFTER_HOME [SEED] [RECIPE]}
after=${2:?usage: $0 BEFORE_HOME AFTER_HOME [SEED] [RECIPE]}
seed=${3:-0}
recipe=${4:-default}
A=${A:-dotnet run -c Release --project "$(dirname "$0")/../../src/Host" --}
echo "| row | simulated after − before | paired SE | gold after − before | paired SE | beyond 2 paired SE |"
echo "|---|---:|---:|---:|---:|---|"
for file in "$before"/outputs/*-"$recipe"-s"$seed".json "$before"/outputs/*-"$recipe"-s"$seed"-*.json; do
  [ -e "$file" ] || continue
  name=$(basename "$file" .json)
  [ -e "$after/outputs/$name.json" ] || { echo "| $name | (no row after) | | | | |"; continue; }
  $A evaluate --outputs "$file" --reference farm --name "before-$name" --recipe "$recipe" --home "$after" --json > /dev/null
  $A compare "$name" "before-$name" --home "$after" --json | python3 -c '
import json, sys
d = json.load(sys.stdin); name = sys.argv[1]
sim, sse, gold, gse = d["simulated_difference"], d["simulated_paired_se"], d["gold_difference"], d["gold_paired_se"]
beyond = [w for w, x, se in (("simulated", sim, sse), ("gold", gold, gse)) if se and abs(x) > 2 * se]
flag = ", ".join(beyond) or "no"
print(f"| {name} | {sim:+.2f} | {sse:.2f} | {gold:+.2f} | {gse:.2f} | {flag} |")' "$name"
done
