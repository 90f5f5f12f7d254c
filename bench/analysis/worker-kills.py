#!/usr/bin/env python3
"""Submitted runs of the given methods before and after a moment (the host fix's first run), by outcome, with the
failures whose worker was killed (exit 137) counted apart: the figures of the community-methods study's last section.
Usage: bench/analysis/worker-kills.py HOME FIX_TIME METHOD...   (FIX_TIME: ISO 8601 UTC, e.g. 2026-12-07T19:25:10Z;
CLI: set A_CLI, default "dotnet run --project src/Host --")"""
import collections, json, os, shlex, subprocess, sys
from datetime import datetime

home, fix, methods = sys.argv[1], datetime.fromisoformat(sys.argv[2].replace("Z", "+00:00")), set(sys.argv[3:])
cli = shlex.split(os.environ.get("A_CLI", "dotnet run --project src/Host --"))
runs = json.loads(subprocess.run(cli + ["runs", "--json", "--home", home], check=True, capture_output=True, text=True).stdout)
counts = collections.Counter()
for run in runs:
    if run["method"] not in methods:
        continue
    when = "after" if datetime.fromisoformat(run["started_at"].replace("Z", "+00:00")) >= fix else "before"
    outcome = "killed (137)" if "exited with code 137" in (run["reason"] or "") else run["status"]
    counts[(when, outcome)] += 1
for when in ("before", "after"):
    print(f"{when}: " + ", ".join(f"{outcome} {n}" for (w, outcome), n in sorted(counts.items()) if w == when))
