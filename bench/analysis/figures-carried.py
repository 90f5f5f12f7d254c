#!/usr/bin/env python3
"""Which figures of the READMEs at an older revision no document carries now.

Reads the root README and the plugin READMEs as they were at REV (git show) and every Markdown file of the working tree
(README.md, docs/, plugins/, src/, bench/), and prints, per old README, the decimal figures (numbers with a point or a
thousands comma; version strings left out) that appear in none of them. An empty list means every figure moved
somewhere, docs/results/ above all; it does not say the figure kept its context.

Usage: python3 bench/analysis/figures-carried.py REV   (from the repository root)
"""
import argparse
import glob
import re
import subprocess

FIGURE = re.compile(r"\d+(?:[.,]\d+)+")
VERSION = re.compile(r"\d+\.\d+\.\d+")
OLD_READMES = ["README.md"] + [f"plugins/{p}/README.md" for p in ["BestOfN", "Dpo", "ExpertIteration", "FeedMe", "Ppo", "Quark"]]
NOW = ["README.md", "docs/**/*.md", "plugins/**/*.md", "src/**/*.md", "bench/**/*.md"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("rev", help="the older revision (commit, tag or branch)")
    args = parser.parse_args()

    carried = set()
    for pattern in NOW:
        for path in glob.glob(pattern, recursive=True):
            with open(path, encoding="utf-8") as file:
                carried.update(FIGURE.findall(file.read()))

    missing_anywhere = 0
    for readme in OLD_READMES:
        old = subprocess.run(["git", "show", f"{args.rev}:{readme}"], capture_output=True, text=True, check=True).stdout
        figures = {f for f in FIGURE.findall(old) if not VERSION.fullmatch(f)}
        missing = sorted(figures - carried)
        missing_anywhere += len(missing)
        print(f"{readme}: {len(figures)} figures, {len(missing)} missing" + (f": {' '.join(missing)}" if missing else ""))
    raise SystemExit(1 if missing_anywhere else 0)


if __name__ == "__main__":
    main()
