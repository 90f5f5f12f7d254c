#!/usr/bin/env python3
"""A controlled pair of outputs files for asking what the reward model pays for a repeated list member. From the first
outputs file's "list" answers that name a member twice or more, writes OUT/repeated.json (those answers as they are) and
OUT/distinct.json (the same answers with every repeat replaced by a member of the same kind that the answer lacks,
taken in alphabetical order from the members named at least MIN_SEEN times across all the files given). Answers with
no such replacement left are dropped from both, so the two files hold the same instructions in the same order; score
both with `--only parts` of bench/AlpacaFarm.Bench.Modeling. OUT/repaired.json is the whole first file with those
answers repaired, for `alpacafarm evaluate` and `compare` against the file as it was.
Usage: bench/analysis/list-variants.py OUT OUTPUTS.json [MORE_OUTPUTS.json ...]    (python3, standard library only)"""
import collections
import json
import os
import sys

from farm_lists import load, parse

MIN_SEEN = 3

if len(sys.argv) < 3:
    sys.exit(__doc__)
out, files = sys.argv[1], sys.argv[2:]
contents = [load(f) for f in files]
rows = [[r for r in content if r.get("dataset") == "list"] for content in contents]
seen = collections.defaultdict(collections.Counter)
for row in (r for file_rows in rows for r in file_rows):
    parsed = parse(row["output"])
    if parsed:
        seen[parsed[0]].update(parsed[1])
repeated, distinct = [], []
for row in rows[0]:
    parsed = parse(row["output"])
    if not parsed or len(set(parsed[1])) == len(parsed[1]):
        continue
    kind, members, render = parsed
    spare = [m for m in sorted(seen[kind]) if seen[kind][m] >= MIN_SEEN and m not in members]
    fixed, used = [], set()
    for m in members:
        if m in used:
            if not spare:
                break
            m = spare.pop(0)
        fixed.append(m)
        used.add(m)
    if len(fixed) < len(members):
        continue
    repeated.append(row)
    distinct.append({**row, "output": render(fixed), "generator": row.get("generator", "") + "-distinct"})
repairs = {r["instruction"]: r["output"] for r in distinct}
whole = [{**r, "output": repairs.get(r["instruction"], r["output"])} for r in contents[0]]
os.makedirs(out, exist_ok=True)
for name, data in (("repeated.json", repeated), ("distinct.json", distinct), ("repaired.json", whole)):
    with open(os.path.join(out, name), "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False, indent=1)
print(f"{len(repeated)} list answers with a repeated member written to {out}/repeated.json and, repaired, to {out}/distinct.json")
