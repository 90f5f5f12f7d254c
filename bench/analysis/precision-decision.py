#!/usr/bin/env python3
"""Issue 34's bf16-mixed decision: each row of the default benchmark made in bf16-mixed against the same row made in fp32,
seed by seed, through `compare` (paired over the same eval-805 instructions, simulated and gold). A row "misses" on a judge
when |bf16 − fp32| > 2 paired SE. bf16-mixed may become the default only if the misses are no more than chance allows:
under no change a judge misses with probability P(|Z| > 2) = 4.55 %, so the script prints the expected count and the
one-sided binomial p-value of the count seen.

Two layouts:
  bench/analysis/precision-decision.py HOME [SEEDS] [RECIPE]
      one home holding both: NAME-RECIPE-sSEED (fp32) and NAME-RECIPE-sSEED-bf16 (what `run --precision bf16-mixed` names);
  bench/analysis/precision-decision.py FP32_HOME BF16_HOME [SEEDS] [RECIPE]
      two homes: FP32_HOME's eval-805 outputs are scored into BF16_HOME as "fp32-NAME" rows (the farm's evaluation has no
      randomness, so they score as they did there) and compared there with NAME-bf16 (or NAME, in a home made before
      bf16 rows carried the suffix).
SEEDS default 0,1,2; RECIPE default default. CLI: set A_CLI, default "dotnet run -c Release --project src/Host --".
--label NAME (two homes only) names the second home's build in the table (e.g. "packed" for a change of arithmetic that
is not a precision) and makes the last line a verdict on a change of result rather than on the default precision.
Also printed: the mean difference over the row pairs per judge (± SE over the pairs), to tell a shift of the whole
table from rows moving both ways."""
import glob, json, math, os, shlex, subprocess, sys

args = sys.argv[1:]
label = "bf16"
if "--label" in args:
    at = args.index("--label")
    label = args[at + 1]
    del args[at:at + 2]
two_homes = len(args) >= 2 and os.path.isdir(args[1])
fp32_home, bf16_home = (args[0], args[1]) if two_homes else (args[0], args[0])
rest = args[2:] if two_homes else args[1:]
seeds = (rest[0] if rest else "0,1,2").split(",")
recipe = rest[1] if len(rest) > 1 else "default"
cli = shlex.split(os.environ.get("A_CLI", "dotnet run -c Release --project src/Host --"))

def run(*command):
    return subprocess.run(cli + list(command), check=True, capture_output=True, text=True).stdout

def names(home, seed):
    found = []
    for path in sorted(glob.glob(f"{home}/outputs/*-{recipe}-s{seed}.json") + glob.glob(f"{home}/outputs/*-{recipe}-s{seed}-h*.json")):
        name = os.path.basename(path)[:-5]
        if not name.startswith("fp32-"): found.append((name, path))
    return found

before = "fp32" if label == "bf16" else "before"
print(f"| seed | row | simulated {label} − {before} | paired SE | gold {label} − {before} | paired SE | beyond 2 paired SE |")
print("|---|---|---:|---:|---:|---:|---|")
comparisons = misses = 0
unmatched = []
differences = {"simulated": [], "gold": []}
for seed in seeds:
    for name, path in names(fp32_home, seed):
        base, _, variant = name.partition(f"-{recipe}-s{seed}")
        suffixed = f"{base}-{recipe}-s{seed}-bf16{variant}"
        # The bf16 row: NAME-bf16, or in a bf16-only home made before rows carried the suffix, NAME.
        bf16 = next((n for n in ([suffixed, name] if two_homes else [suffixed]) if os.path.exists(f"{bf16_home}/outputs/{n}.json")), None)
        if bf16 is None:
            unmatched.append(name); continue
        fp32 = name
        if two_homes:
            fp32 = f"fp32-{name}"
            run("evaluate", "--outputs", path, "--reference", "farm", "--name", fp32, "--recipe", recipe, "--home", bf16_home, "--json")
        d = json.loads(run("compare", bf16, fp32, "--home", bf16_home, "--json"))
        cells, beyond = [], []
        for judge in ("simulated", "gold"):
            x, se = d.get(f"{judge}_difference"), d.get(f"{judge}_paired_se")
            if x is None or not se:
                cells += ["–", "–"]; continue
            comparisons += 1
            differences[judge].append(x)
            if abs(x) > 2 * se:
                misses += 1; beyond.append(judge)
            cells += [f"{x:+.2f}", f"{se:.2f}"]
        print(f"| {seed} | {name} | " + " | ".join(cells) + f" | {', '.join(beyond) or 'no'} |")

p = 2 * (1 - 0.5 * (1 + math.erf(2 / math.sqrt(2))))
tail = sum(math.comb(comparisons, k) * p ** k * (1 - p) ** (comparisons - k) for k in range(misses, comparisons + 1))
print()
if unmatched: print(f"{before} rows without a {label} row (left out): {', '.join(unmatched)}")
for judge, xs in differences.items():
    if len(xs) > 1:
        mean = sum(xs) / len(xs)
        se = math.sqrt(sum((x - mean) ** 2 for x in xs) / (len(xs) - 1) / len(xs))
        print(f"mean {label} − {before}, {judge}: {mean:+.2f} ± {se:.2f} over {len(xs)} row pairs (± SE over the pairs)")
verdict = (("Within chance: bf16-mixed may be the default." if tail >= 0.05 else "More than chance allows: fp32 stays the default.")
           if label == "bf16" else
           ("Within chance: no change of result." if tail >= 0.05 else "More than chance allows: a change of result by the 2-paired-SE rule."))
print(f"{misses} of {comparisons} comparisons beyond 2 paired SE; chance under no change: {comparisons * p:.1f} expected "
      f"(P(|Z| > 2) = {p:.4f}); P(at least {misses} by chance) = {tail:.3g}. " + verdict)
