#!/bin/bash
# Quark's farm defaults, chosen on the validation split through validation-runs.sh (settings "quark NAME=VALUE ...").
# Usage: bench/sweeps/quark.sh HOME OUT [SETTING ...]    (CLI: set A, default "dotnet run --project src/Host --")
set -euo pipefail
home=${1:?usage: $0 HOME OUT [SETTING ...]}
out=${2:?usage: $0 HOME OUT [SETTING ...]}
shift 2
settings=("$@")
if [ ${#settings[@]} -eq 0 ]; then
  # Every setting spelled out in full, so the list reruns the same way whatever the plugin's defaults are.
  settings=(
    "quark mode=top-bin total_steps=40 rollout_batch_size=256 step_batch_size=64 learning_rate=1e-4 kl_coef=0.05"
    "quark mode=tokens total_steps=40 rollout_batch_size=256 step_batch_size=64 learning_rate=1e-4 kl_coef=0.05"
    "quark mode=top-bin total_steps=80 rollout_batch_size=256 step_batch_size=64 learning_rate=1e-4 kl_coef=0.05"
    "quark mode=top-bin total_steps=40 rollout_batch_size=256 step_batch_size=64 learning_rate=3e-4 kl_coef=0.05"
    "quark mode=top-bin total_steps=40 rollout_batch_size=256 step_batch_size=64 learning_rate=1e-4 kl_coef=0.2"
    "quark mode=top-bin total_steps=40 rollout_batch_size=256 step_batch_size=64 learning_rate=1e-4 kl_coef=0.05 adam_epsilon=1e-5"
  )
fi
exec "$(dirname "$0")/validation-runs.sh" "$home" "$out" "${settings[@]}"
