#!/usr/bin/python3
"""Spearman rho between two recipes' benchmark tables (issue 33: does the quick recipe rank the methods as default does?).

Usage: bench/analysis/recipe-rho.py A.json B.json [--gold]
Each file is the output of `alpacafarm run --recipe R --seeds S --format json` (or its "summary" object). Rows are matched
by variant ("sft", "ppo", "quark-hf6776f85", ...); the statistic is simulated win rate (mean over the file's seeds), or gold
with --gold. Prints both rankings side by side and rho (scipy.stats.spearmanr, average ranks for ties).
"""
import json
import sys

from scipy.stats import spearmanr


def rows(path, column):
    data = json.load(open(path))
    summary = data.get("summary", data)
    return summary["recipe"], summary["seeds"], {row["variant"]: (row["method"], row[column]) for row in summary["rows"]}


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    column = "gold" if "--gold" in sys.argv else "simulated"
    if len(args) != 2:
        sys.exit(__doc__)
    (ra, sa, a), (rb, sb, b) = rows(args[0], column), rows(args[1], column)
    shared = [v for v in a if v in b and a[v][1] is not None and b[v][1] is not None]
    print(f"| method | {ra} (seeds {','.join(map(str, sa))}) | {rb} (seeds {','.join(map(str, sb))}) |")
    print("|---|---:|---:|")
    for v in sorted(shared, key=lambda v: -b[v][1]):
        print(f"| {a[v][0]} | {a[v][1]:.2f} | {b[v][1]:.2f} |")
    rho = spearmanr([a[v][1] for v in shared], [b[v][1] for v in shared]).correlation
    print(f"\nSpearman rho ({column}) over {len(shared)} rows: {rho:.3f}")


if __name__ == "__main__":
    main()
