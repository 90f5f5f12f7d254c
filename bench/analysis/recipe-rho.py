#!/usr/bin/python3
"""Spearman rho between two recipes' benchmark tables (issue 33: does the quick recipe rank the methods as default does?).

Usage: bench/analysis/recipe-rho.py A.json B.json [--gold] [--per-seed]
Each file is the output of `alpacafarm run --recipe R --seeds S --format json`. Rows are matched by variant ("sft",
"ppo", "quark-hf6776f85", ...); the statistic is simulated win rate (mean over the file's seeds), or gold with --gold.
Prints both rankings side by side and rho (scipy.stats.spearmanr, average ranks for ties). --per-seed also ranks each
of A's seeds against B's mean, and B's seeds against each other and against the mean of B's other seeds: how close a
recipe comes to itself from seed to seed.
"""
import itertools
import json
import re
import sys

from scipy.stats import spearmanr


def load(path):
    data = json.load(open(path))
    return data.get("summary", data), data.get("rows", [])


def means(summary, column):
    return {row["variant"]: (row["method"], row[column]) for row in summary["rows"]}


def per_seed(rows, column):
    """{seed: {variant: value}} from the per-seed rows (named METHOD-RECIPE-sSEED[-hHASH])."""
    key = "win_rate" if column == "simulated" else "gold_win_rate"
    table = {}
    for run in rows:
        match = re.fullmatch(r"(.+)-[a-z]+-s(\d+)(-h[0-9a-f]+)?", run["name"])
        if match and run.get("row"):
            table.setdefault(int(match.group(2)), {})[match.group(1) + (match.group(3) or "")] = run["row"][key]
    return table


def rho(x, y, names):
    return spearmanr([x[n] for n in names], [y[n] for n in names]).correlation


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    column = "gold" if "--gold" in sys.argv else "simulated"
    if len(args) != 2:
        sys.exit(__doc__)
    (sa, rows_a), (sb, rows_b) = load(args[0]), load(args[1])
    a, b = means(sa, column), means(sb, column)
    shared = [v for v in a if v in b and a[v][1] is not None and b[v][1] is not None]
    print(f"| method | {sa['recipe']} (seeds {','.join(map(str, sa['seeds']))}) | {sb['recipe']} (seeds {','.join(map(str, sb['seeds']))}) |")
    print("|---|---:|---:|")
    for v in sorted(shared, key=lambda v: -b[v][1]):
        print(f"| {a[v][0]} | {a[v][1]:.2f} | {b[v][1]:.2f} |")
    mean_b = {v: b[v][1] for v in shared}
    print(f"\nSpearman rho ({column}) over {len(shared)} rows: {rho({v: a[v][1] for v in shared}, mean_b, shared):.3f}")
    if "--per-seed" not in sys.argv:
        return
    seeds_a, seeds_b = per_seed(rows_a, column), per_seed(rows_b, column)
    for s, row in sorted(seeds_a.items()):
        print(f"{sa['recipe']} seed {s} against {sb['recipe']}'s mean: {rho(row, mean_b, shared):.3f}")
    for s, t in itertools.combinations(sorted(seeds_b), 2):
        print(f"{sb['recipe']} seed {s} against seed {t}: {rho(seeds_b[s], seeds_b[t], shared):.3f}")
    for s in sorted(seeds_b):
        others = [t for t in seeds_b if t != s]
        if others:
            rest = {v: sum(seeds_b[t][v] for t in others) / len(others) for v in shared}
            print(f"{sb['recipe']} seed {s} against the mean of its other seeds: {rho(seeds_b[s], rest, shared):.3f}")


if __name__ == "__main__":
    main()
