#!/usr/bin/env python3
"""How a policy answers the farm's "list" instructions, from AlpacaEval-format outputs files (the home's outputs/*.json):
per file, the share of list answers in the numbered format ("Here are 3 fruits:\n1. cherry ...") rather than the
sentence one ("Some fruits are plum, lemon and mango."), and the share that name one member twice or more.
Usage: bench/analysis/list-members.py OUTPUTS.json ...    (python3, standard library only)"""
import re
import sys

from farm_lists import load, parse

if len(sys.argv) < 2:
    sys.exit(__doc__)
print("| outputs | list answers | parsed | numbered | a member repeated |")
print("|---|---|---|---|---|")
for path in sys.argv[1:]:
    answers = [row["output"] for row in load(path) if row.get("dataset") == "list"]
    parsed = [p[1] for p in map(parse, answers) if p]
    numbered = sum(1 for a in answers if re.search(r"^1\. ", a, re.M))
    repeated = sum(1 for m in parsed if len(set(m)) < len(m))
    share = lambda k, n: f"{100 * k / n:.1f} %" if n else "–"
    print(f"| {path.rsplit('/', 1)[-1]} | {len(answers)} | {len(parsed)} | {share(numbered, len(answers))} | {share(repeated, len(parsed))} |")
