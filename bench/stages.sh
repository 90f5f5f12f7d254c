#!/bin/bash
# The wall time of every stage of `alpacafarm run` (the whole benchmark) for the quick and default recipes, as one table.
# Each recipe runs in a home of its own under ROOT (ROOT/quick, ROOT/default); a stage already stored there is reused and
# shows as such, so use an empty ROOT to time everything. JSON outputs are kept as ROOT/RECIPE.json.
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
for recipe in "${recipes[@]}"; do
  started=$(date +%s)
  $A run --recipe "$recipe" --seeds "$seeds" --threads "${THREADS:-2}" --home "$root/$recipe" --format json > "$root/$recipe.json"
  echo "$recipe: $(( $(date +%s) - started )) s for the command" >&2
done
python3 - "$root" "${recipes[@]}" <<'PY'
import json, sys
root, recipes = sys.argv[1], sys.argv[2:]
runs = {r: json.load(open(f"{root}/{r}.json"))["stages"] for r in recipes}
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
PY
