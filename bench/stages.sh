#!/bin/bash
# The wall time of every stage of `alpacafarm run` (the whole benchmark) for the quick and default recipes, as one table.
# Each recipe runs in a home of its own under ROOT (ROOT/quick, ROOT/default); a stage already stored there is reused and
# shows as such, so use an empty ROOT to time everything. JSON outputs are kept as ROOT/RECIPE.json. A second table gives
# each stage's useful work (tokens, GFLOP/s and the share of the fp32 matmul peak, measured first in the same command).
# Usage: bench/stages.sh ROOT [SEEDS] [RECIPE ...]   (SEEDS default 0; recipes default "quick default";
#        CLI: set A, default "dotnet run -c Release --project src/Host --"; THREADS default 2)
set -euo pipefail
root=${1:?usage: $0 ROOT [SEEDS] [RECIPE ...]}
seeds=${2:-0}
shift $(( $# >= 2 ? 2 : 1 ))
recipes=("$@")
[ ${#recipes[@]} -eq 0 ] && recipes=(quick default)
A=${A:-dotnet run -c Release --project "$(dirname "$0")/../src/Host" --}
mkdir -p "$root"
# The fp32 matmul peak of this machine at these threads, measured in the same command as the stages it divides.
peak=$(dotnet run -c Release --project "$(dirname "$0")/AlpacaFarm.Bench.Modeling" -- --threads "${THREADS:-2}" --only peak \
  | awk -F'|' '/fp32 matmul peak/ { gsub(/[^0-9.]/, "", $2); print $2 }')
echo "fp32 matmul peak: $peak GFLOP/s" >&2
for recipe in "${recipes[@]}"; do
  started=$(date +%s)
  $A run --recipe "$recipe" --seeds "$seeds" --threads "${THREADS:-2}" --home "$root/$recipe" --format json > "$root/$recipe.json"
  echo "$recipe: $(( $(date +%s) - started )) s for the command" >&2
done
python3 - "$root" "$peak" "${recipes[@]}" <<'PY'
import json, sys
root, peak, recipes = sys.argv[1], float(sys.argv[2]), sys.argv[3:]
outputs = {r: json.load(open(f"{root}/{r}.json")) for r in recipes}
runs = {r: outputs[r]["stages"] for r in recipes}
keys = []
for r in recipes:
    for s in runs[r]:
        if (s["seed"], s["stage"]) not in keys: keys.append((s["seed"], s["stage"]))
def cell(r, k):
    s = next((s for s in runs[r] if (s["seed"], s["stage"]) == k), None)
    if s is None: return ""
    return f'{s["seconds"]:.1f} s' + (" (stored)" if s["reused"] else "") + ("" if s.get("succeeded", True) else " (failed)")
print("| seed | stage | " + " | ".join(recipes) + " |")
print("|---|---|" + "---:|" * len(recipes))
for k in keys: print(f"| {k[0]} | {k[1]} | " + " | ".join(cell(r, k) for r in recipes) + " |")
print("| | total | " + " | ".join(f'{sum(s["seconds"] for s in runs[r]):.1f} s' for r in recipes) + " |")
# Each stage's useful work (the host's ComputeMeter): tokens through forward-only passes and through training, and
# useful GFLOP/s against the peak measured above. Stages found stored did no work and are left out.
print()
print(f"Useful work per stage; fp32 matmul peak {peak:.0f} GFLOP/s (measured in this command). FLOPs: "
      + outputs[recipes[0]]["flop_formula"] + ".")
for r in recipes:
    print()
    print(f"| {r}: seed | stage | wall | forward-only tokens | trained tokens | useful tokens/s | useful GFLOP/s | % of peak |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for s in runs[r]:
        if s["reused"] or "useful_gflop" not in s: continue
        sec = max(s["seconds"], 1e-9)
        tokens = s["inference_tokens"] + s["trained_tokens"]
        print(f'| {s["seed"]} | {s["stage"]} | {s["seconds"]:.1f} s | {s["inference_tokens"]:,} | {s["trained_tokens"]:,} | '
              f'{tokens / sec:,.0f} | {s["useful_gflop"] / sec:.1f} | {100 * s["useful_gflop"] / sec / peak:.0f}% |')
PY
