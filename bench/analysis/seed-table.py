#!/usr/bin/env python3
"""The closing table over seeds from `alpacafarm run --format json` outputs made one seed (or several) at a time: per
method, the mean over seeds of the simulated and gold win rates and of the paired difference to SFT (each ± the SE across
seeds; "(k/n)" seeds whose own difference clears 2 paired SE), and the mean length. A file holding several seeds counts
as its summary's means. Usage: bench/analysis/seed-table.py RUN.json [RUN.json ...]"""
import json, statistics, sys

rows = {}
for path in sys.argv[1:]:
    summary = json.load(open(path))["summary"]
    for r in summary["rows"]:
        rows.setdefault(r["method"], []).append(r)

def mean_se(values):
    values = [v for v in values if v is not None]
    if not values: return "–"
    se = statistics.stdev(values) / len(values) ** 0.5 if len(values) > 1 else float("nan")
    return f"{statistics.mean(values):.2f} ± {se:.2f}"

def diff(rs, key):
    ds = [r[key] for r in rs if r.get(key)]
    if not ds: return "–"
    clear = sum(d["clear_2_se"] for d in ds)
    return f"{mean_se([d['mean'] for d in ds])} ({clear}/{sum(d['seeds'] for d in ds)})"

def own(r, key):
    d = r.get(key)
    return "–" if not d else f"{d['mean']:.2f} ± {d['se']:.2f} ({d['clear_2_se']}/{d['seeds']})"

print("| method | seeds | simulated | gold | Δ simulated vs SFT | Δ gold vs SFT | length |")
print("|---|---:|---:|---:|---:|---:|---:|")
for method, rs in rows.items():
    if len(rs) == 1 and len(rs[0]["row_names"]) > 1:
        # One file of several seeds: its own means and SEs across seeds.
        r = rs[0]
        print(f"| {method} | {len(r['row_names'])} | {r['simulated']:.2f} ± {r['simulated_se']:.2f} | {r['gold']:.2f} ± {r['gold_se']:.2f} | "
              f"{own(r, 'simulated_vs_sft')} | {own(r, 'gold_vs_sft')} | {r['avg_length']:.0f} |")
        continue
    print(f"| {method} | {len(rs)} | {mean_se([r['simulated'] for r in rs])} | {mean_se([r['gold'] for r in rs])} | "
          f"{diff(rs, 'simulated_vs_sft')} | {diff(rs, 'gold_vs_sft')} | {statistics.mean(r['avg_length'] for r in rs):.0f} |")
