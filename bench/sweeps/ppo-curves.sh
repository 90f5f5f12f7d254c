#!/bin/bash
# A PPO run's training curves from its runs/KEY/steps.csv as a Markdown table: every EVERY-th step (and the last) with
# the proxy reward and its two readouts, the KL to SFT, entropy, response length and the step's time split.
# Usage: bench/sweeps/ppo-curves.sh HOME RUN_KEY [EVERY]    (alpacafarm runs lists keys; EVERY defaults to 5)
set -euo pipefail
home=${1:?usage: $0 HOME RUN_KEY [EVERY]}
key=${2:?usage: $0 HOME RUN_KEY [EVERY]}
every=${3:-5}
steps=$(ls -d "$home"/runs/"$key"*/ | head -1)steps.csv
awk -F, -v every="$every" '
  NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i
            print "| step | reward | head | likelihood | KL | entropy | length | generation s | scoring s | training s |"
            print "|---|---|---|---|---|---|---|---|---|---|"; next }
  { last = $0 }
  function row(line,  f) { split(line, f, ",")
    printf "| %d | %.3f | %.3f | %.3f | %.2f | %.3f | %.1f | %.2f | %.2f | %.2f |\n", f[col["step"]], f[col["reward"]],
      f[col["reward_head"]], f[col["reward_likelihood"]], f[col["kl"]], f[col["entropy"]], f[col["response_length"]],
      f[col["generation_seconds"]], f[col["scoring_seconds"]], f[col["training_seconds"]] }
  (NR - 1) == 1 || (NR - 1) % every == 0 { row($0); printed = NR }
  END { if (printed != NR) row(last) }' "$steps"
