#!/usr/bin/env python3
"""Where a method's gain goes, over seeds: `compare A-default-sN B-default-sN --by-dataset --json` for each seed, and per
dataset the mean difference (simulated, gold) ± the SE across seeds, with both rows' mean lengths.
Usage: bench/analysis/by-dataset-seeds.py HOME A B [SEEDS]   (A, B: row prefixes such as rloo, sft; SEEDS default 0,1,2;
CLI: set A_CLI, default "dotnet run --project src/Host --")"""
import json, os, shlex, statistics, subprocess, sys

home, a, b = sys.argv[1:4]
seeds = (sys.argv[4] if len(sys.argv) > 4 else "0,1,2").split(",")
cli = shlex.split(os.environ.get("A_CLI", "dotnet run --project src/Host --"))
runs = []
for seed in seeds:
    out = subprocess.run(cli + ["compare", f"{a}-default-s{seed}", f"{b}-default-s{seed}", "--by-dataset", "--json", "--home", home],
                         check=True, capture_output=True, text=True).stdout
    runs.append(json.loads(out))

def mean_se(values):
    return statistics.mean(values), (statistics.stdev(values) / len(values) ** 0.5 if len(values) > 1 else float("nan"))

print(f"{a} − {b}, seeds {','.join(seeds)}: mean over seeds ± SE across seeds")
print("| dataset | pairs | simulated Δ | gold Δ | length " + a + " | length " + b + " |")
print("|---|---:|---:|---:|---:|---:|")
rows = [("all", runs[0]["pairs"], [r["simulated_difference"] for r in runs], [r["gold_difference"] for r in runs], None, None)]
for i, d in enumerate(runs[0]["by_dataset"]):
    per = [r["by_dataset"][i] for r in runs]
    rows.append((d["dataset"], d["pairs"], [p["simulated_difference"] for p in per], [p["gold_difference"] for p in per],
                 statistics.mean(p["avg_length_a"] for p in per), statistics.mean(p["avg_length_b"] for p in per)))
for name, pairs, sim, gold, la, lb in rows:
    (sm, ss), (gm, gs) = mean_se(sim), mean_se(gold)
    lengths = "| – | – |" if la is None else f"| {la:.0f} | {lb:.0f} |"
    print(f"| {name} | {pairs} | {sm:+.2f} ± {ss:.2f} | {gm:+.2f} ± {gs:.2f} {lengths}")
