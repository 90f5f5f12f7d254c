#!/bin/bash
# Defaults of the methods that learn from the shared pairs directly (Binary FeedME, Binary reward conditioning, DPO with
# its IPO and SimPO losses), chosen on the validation split through validation-runs.sh (settings "METHOD NAME=VALUE ...").
# Usage: bench/sweeps/pairwise.sh HOME OUT [SETTING ...]    (CLI: set A, default "dotnet run --project src/Host --")
set -euo pipefail
home=${1:?usage: $0 HOME OUT [SETTING ...]}
out=${2:?usage: $0 HOME OUT [SETTING ...]}
shift 2
settings=("$@")
if [ ${#settings[@]} -eq 0 ]; then
  # Every setting spelled out in full, so the list reruns the same way whatever the plugins' defaults are.
  settings=(
    "binary-feedme learning_rate=3e-4 epochs=1 batch_size=32"
    "binary-feedme learning_rate=1e-3 epochs=1 batch_size=32"
    "binary-feedme learning_rate=1e-4 epochs=1 batch_size=32"
    "binary-reward-conditioning learning_rate=3e-4 epochs=1 batch_size=32"
    "binary-reward-conditioning learning_rate=1e-3 epochs=1 batch_size=32"
    "dpo loss=dpo beta=0.1 learning_rate=1e-4 epochs=2 batch_size=64"
    "dpo loss=dpo beta=0.1 learning_rate=3e-4 epochs=2 batch_size=64"
    "dpo loss=dpo beta=0.5 learning_rate=1e-4 epochs=2 batch_size=64"
    "dpo loss=dpo beta=0.25 learning_rate=1e-4 epochs=2 batch_size=64"
    "dpo loss=simpo simpo_beta=2 simpo_gamma=1 learning_rate=1e-4 epochs=2 batch_size=64"
    "dpo loss=ipo beta=0.1 learning_rate=1e-4 epochs=2 batch_size=64"
    "dpo loss=ipo beta=0.5 learning_rate=1e-4 epochs=2 batch_size=64"
    "dpo loss=simpo simpo_beta=2 simpo_gamma=1 learning_rate=3e-5 epochs=2 batch_size=64"
    "dpo loss=simpo simpo_beta=2 simpo_gamma=0.5 learning_rate=3e-5 epochs=2 batch_size=64"
  )
fi
exec "$(dirname "$0")/validation-runs.sh" "$home" "$out" "${settings[@]}"
