#!/usr/bin/env python3
"""Stage wall times of several `alpacafarm run --format json` outputs side by side (one column per file, one row per
stage, a stage found stored marked so), with each column's total and the ratio of each column to the first.
Usage: bench/analysis/stage-columns.py LABEL=FILE [LABEL=FILE ...]"""
import json, sys

columns = []
for arg in sys.argv[1:]:
    label, _, path = arg.partition("=")
    stages = json.load(open(path))["stages"]
    columns.append((label, {s["stage"]: s for s in stages}, [s["stage"] for s in stages]))
order = []
for _, _, names in columns:
    order += [n for n in names if n not in order]

def cell(stages, name):
    s = stages.get(name)
    if s is None: return "–"
    return f'{s["seconds"]:.1f} s' + (" (stored)" if s["reused"] else "")

print("| stage | " + " | ".join(label for label, _, _ in columns) + " |")
print("|---|" + "---:|" * len(columns))
for name in order:
    print(f"| {name} | " + " | ".join(cell(stages, name) for _, stages, _ in columns) + " |")
totals = [sum(s["seconds"] for s in stages.values()) for _, stages, _ in columns]
print("| total | " + " | ".join(f"{t:.0f} s ({t / 60:.1f} min)" for t in totals) + " |")
print("| total / first | " + " | ".join(f"{t / totals[0]:.2f}" for t in totals) + " |")
