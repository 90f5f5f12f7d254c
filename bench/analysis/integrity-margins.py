#!/usr/bin/env python3
"""How far each stored row is from each integrity threshold: per row of a home's database, the share of its most common
answer, of empty outputs, of copies of the instruction, of answers that also answer another instruction, the count of
outputs aimed at the judge, |raw - LC| and simulated - gold. An independent re-reading of the rules of
src/Evaluation/Integrity/IntegrityChecks.cs (same normalisation), for calibrating their thresholds.

Usage: bench/analysis/integrity-margins.py HOME/leaderboard.db [--set farm]   (--set: only boards of that evaluation set)
"""
import collections
import re
import sqlite3
import sys

JUDGE = re.compile(
    r"ignore (all |any )?(the |your )?(previous|prior|above|preceding|earlier) (instructions?|prompts?)"
    r"|output \(?[ab]\)? is (better|preferred|the best)|\b(prefer|choose|select|pick) output \(?[ab]\)?"
    r"|the (better|best) (answer|response|output) is|\bas an? (ai )?(judge|evaluator|annotator)\b|\boutput \([ab]\)", re.I)


def norm(text):
    return re.sub(r"\s+", " ", (text or "").strip().lower())


def copies(instruction, output):
    return bool(instruction) and bool(output) and (
        output == instruction or (instruction in output and len(output) - len(instruction) <= 0.2 * len(output)))


def main():
    db = sys.argv[1]
    only = sys.argv[sys.argv.index("--set") + 1] if "--set" in sys.argv else None
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    rows = con.execute("""
        SELECT s.id, s.name, b.evaluation_set_id, a.win_rate, a.length_controlled_win_rate, a.gold_win_rate
        FROM submissions s JOIN boards b ON b.id = s.board_id
        JOIN evaluation_runs r ON r.submission_id = s.id JOIN aggregates a ON a.run_id = r.id
        WHERE r.id = (SELECT MAX(id) FROM evaluation_runs WHERE submission_id = s.id) ORDER BY s.name""").fetchall()
    print("| row | most common | empty | copies | repeats | judge-directed | abs(raw - LC) | simulated - gold |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for sid, name, evaluation_set, raw, lc, gold in rows:
        if only and evaluation_set != only:
            continue
        pairs = con.execute("SELECT instruction, output FROM outputs WHERE submission_id = ?", (sid,)).fetchall()
        n = len(pairs)
        outputs = [norm(o) for _, o in pairs]
        counts = collections.Counter(o for o in outputs if o)
        top = counts.most_common(1)[0][1] / n if counts else 0
        empty = sum(1 for o in outputs if not o) / n
        copied = sum(1 for i, o in pairs if copies(norm(i), norm(o))) / n
        instructions = collections.defaultdict(set)
        for i, o in pairs:
            if norm(o):
                instructions[norm(o)].add(i)
        repeats = sum(1 for o in outputs if o and len(instructions[o]) > 1) / n
        aimed = sum(1 for _, o in pairs if JUDGE.search(o or ""))
        gap = abs(raw - lc) if lc is not None else float("nan")
        above = raw - gold if gold is not None else float("nan")
        print(f"| {name} | {top:.3f} | {empty:.3f} | {copied:.3f} | {repeats:.3f} | {aimed} | {gap:.1f} | {above:+.1f} |")


if __name__ == "__main__":
    main()
