#!/bin/bash
# What the sandbox costs and what a hidden world is worth, on this machine:
#  1. a built-in method (METHOD, default dpo) run in process, then submitted as its plugin folder (bubblewrap), at each
#     seed, in one home: the method stage's wall time and method seconds of each, and whether the rows agree;
#  2. the time `submit` spends listing a plugin's methods in a worker (a command refused right after, against one refused
#     before any worker starts).
# Usage: bench/sandbox.sh HOME [RECIPE] [SEEDS] [METHOD]   (RECIPE default tiny, SEEDS default "1 2 3";
#        CLI: set A, default "dotnet run -c Release --project src/Host --"; THREADS default 2). The in-process run trains
#        what the seed needs first; the submission then finds it stored, so only the method's stages are compared.
set -euo pipefail
home=${1:?usage: $0 HOME [RECIPE] [SEEDS] [METHOD]}
recipe=${2:-tiny}
seeds=${3:-1 2 3}
method=${4:-dpo}
A=${A:-dotnet run -c Release --project "$(dirname "$0")/../src/Host" --}
plugins=$($A info --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["submissions"]["plugins_folder"])')
mkdir -p "$home"
for seed in $seeds; do
  $A run --methods "$method" --seed "$seed" --recipe "$recipe" --threads "${THREADS:-2}" --home "$home" --format json > "$home/run-$seed.json"
  $A submit "$plugins/$method" --method "$method" --seed "$seed" --recipe "$recipe" --threads "${THREADS:-2}" --home "$home" --format json > "$home/submit-$seed.json"
done
python3 - "$home" "$method" $seeds <<'PY'
import json, sys
home, method, seeds = sys.argv[1], sys.argv[2], sys.argv[3:]
print("| seed | in process: stage, method | submitted: stage, method | same win rates |")
print("|---|---:|---:|---|")
for seed in seeds:
    cells, rows = [], []
    for kind in ("run", "submit"):
        d = json.load(open(f"{home}/{kind}-{seed}.json"))
        stage = next(s for s in d["stages"] if s["stage"] in (method, f"{method}.{method}"))
        row = next(r for r in d["rows"] if r["name"].startswith(f"{method}"))
        cells.append(f'{stage["seconds"]:.1f} s, {row["method_seconds"]:.1f} s')
        rows.append((row["row"]["win_rate"], row["row"]["gold_win_rate"]))
    print(f"| {seed} | {cells[0]} | {cells[1]} | {'yes' if rows[0] == rows[1] else 'no: ' + str(rows)} |")
PY
for i in 1 2 3; do
  s=$(date +%s.%N); $A submit "$plugins/$method" --method "$method" --set no_such_key=1 --home "$home" > /dev/null 2>&1 || true; e=$(date +%s.%N)
  t=$(date +%s.%N); $A submit "$plugins/$method" --method "$method" --name sft --home "$home" > /dev/null 2>&1 || true; f=$(date +%s.%N)
  echo "listing in a worker: $(python3 -c "print(f'{($e - $s) - ($f - $t):.2f}')") s (refused after it: $(python3 -c "print(f'{$e - $s:.2f}')") s, before it: $(python3 -c "print(f'{$f - $t:.2f}')") s)"
done
