#!/bin/bash
# PPO's farm defaults, chosen on the farm's validation split (never eval-805): default recipe, seed 0, 2 threads. Every
# setting is one `run --methods ppo` with --set overrides, through validation-runs.sh; rows are named
# ppo-default-s0-hHASH on the validation board and each run's lines go to OUT/N-ppo.log. Pass settings as arguments to
# run a subset, each a space-separated list of NAME=VALUE, e.g. "learning_rate=3e-4 kl_coef=0.05".
# Usage: bench/sweeps/ppo.sh HOME OUT [SETTING ...]    (CLI: set A, default "dotnet run --project src/Host --")
set -euo pipefail
home=${1:?usage: $0 HOME OUT [SETTING ...]}
out=${2:?usage: $0 HOME OUT [SETTING ...]}
shift 2
settings=("$@")
if [ ${#settings[@]} -eq 0 ]; then
  # Every setting spelled out in full, so the list reruns the same way whatever the plugin's defaults are.
  # Every row but the last two was measured with the likelihood readout paid at the last token, as before PPO 1.5.0.
  r64="likelihood_credit=last rollout_batch_size=64 step_batch_size=32"
  r256="likelihood_credit=last rollout_batch_size=256 step_batch_size=128"
  settings=(
    "whiten_rewards=true $r64 learning_rate=1e-4 kl_coef=0.0067"
    "whiten_rewards=false $r64 learning_rate=1e-4 kl_coef=0.0067"
    "whiten_rewards=false $r64 learning_rate=3e-4 kl_coef=0.0067"
    "whiten_rewards=false $r64 learning_rate=1e-3 kl_coef=0.0067"
    "whiten_rewards=false $r256 learning_rate=1e-4 kl_coef=0.0067"
    "whiten_rewards=false $r256 learning_rate=2e-4 kl_coef=0.0067"
    "whiten_rewards=false $r256 learning_rate=1e-4 kl_coef=0.05"
    "whiten_rewards=false $r256 learning_rate=1e-4 kl_coef=0.2"
    "whiten_rewards=false $r256 learning_rate=2e-4 kl_coef=0.2"
    "whiten_rewards=false $r256 learning_rate=1e-4 kl_coef=0.5"
    "whiten_rewards=false $r256 learning_rate=1e-4 kl_coef=0.1"
    "whiten_rewards=false $r256 learning_rate=1e-4 kl_coef=0.2 total_steps=80"
    "whiten_rewards=false $r256 learning_rate=1e-4 kl_coef=0.2 ppo_epochs=4"
    "whiten_rewards=false likelihood_credit=last rollout_batch_size=512 step_batch_size=256 learning_rate=1e-4 kl_coef=0.2"
    "whiten_rewards=false $r256 learning_rate=5e-5 kl_coef=0.2 total_steps=80"
    "whiten_rewards=false $r256 learning_rate=1e-4 kl_coef=0.2 temperature=0.7"
    "whiten_rewards=true $r256 learning_rate=1e-4 kl_coef=0.2"
    "whiten_rewards=false $r256 learning_rate=1e-4 kl_coef=0.2 adam_epsilon=1e-5"
    "whiten_rewards=false $r256 learning_rate=1e-4 kl_coef=0.2 entropy_coef=0.01"
    "whiten_rewards=false $r256 learning_rate=1e-4 kl_coef=0.2 entropy_coef=0.03"
    "whiten_rewards=false $r256 learning_rate=1e-4 kl_coef=0.2 entropy_coef=0.1"
    "whiten_rewards=false $r256 learning_rate=1e-4 kl_coef=0.2 lambda=0.95"
    "whiten_rewards=false $r256 learning_rate=1e-4 kl_coef=0.2 lambda=0.9"
    "whiten_rewards=false $r256 learning_rate=1e-4 kl_coef=0.2 likelihood_log_ratio=true"
    "whiten_rewards=false rollout_batch_size=256 step_batch_size=128 learning_rate=1e-4 kl_coef=0.2 likelihood_credit=tokens"
    "whiten_rewards=false rollout_batch_size=256 step_batch_size=128 learning_rate=1e-4 kl_coef=0.2 likelihood_credit=tokens-centred"
  )
fi
exec "$(dirname "$0")/validation-runs.sh" "$home" "$out" "${settings[@]/#/ppo }"
