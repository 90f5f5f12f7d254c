#!/bin/bash
# The community methods (community/: RLOO, GRPO, KTO) built against a freshly packed feed and submitted, as a third party
# would, into HOME at the default recipe, 2 threads. A setting is "METHOD NAME KEY=VALUE ...": rows NAME-default-sSEED.
# Without settings: the validation sweeps (seed 0, the validation board). With EVAL=eval SEEDS=0,1,2 and the settings
# "rloo rloo" "grpo grpo" "kto kto": the default rows on eval-805. Each submit's lines go to OUT/NAME.log.
# Usage: bench/sweeps/community.sh HOME OUT [SETTING ...]    (CLI: set A, default "dotnet run --project src/Host --")
set -euo pipefail
home=${1:?usage: $0 HOME OUT [SETTING ...]}
out=${2:?usage: $0 HOME OUT [SETTING ...]}
shift 2
A=${A:-dotnet run --project src/Host --}
split=${EVAL:-validation}
seeds=${SEEDS:-0}
root=$(cd "$(dirname "$0")/../.." && pwd)
settings=("$@")
if [ ${#settings[@]} -eq 0 ]; then
  settings=(
    "rloo rloo-a learning_rate=1e-4 kl_coef=0.05"
    "rloo rloo-b learning_rate=3e-4 kl_coef=0.05"
    "rloo rloo-c learning_rate=3e-4 kl_coef=0.2"
    "rloo rloo-d learning_rate=1e-4 kl_coef=0.05 k=2 prompts_per_step=64"
    "grpo grpo-a variant=grpo learning_rate=1e-4"
    "grpo grpo-b variant=grpo learning_rate=3e-4"
    "grpo grpo-c variant=dr-grpo learning_rate=1e-4"
    "kto kto-a beta=0.1 learning_rate=1e-4"
    "kto kto-b beta=0.25 learning_rate=1e-4"
    "kto kto-c beta=0.1 learning_rate=1e-4 epochs=1"
    "kto kto-d beta=0.25 learning_rate=3e-5"
  )
fi
mkdir -p "$out"
"$root/templates/pack-feed.sh" "$root/community/.feed"
dotnet build "$root/community/Community.slnx" -c Release --nologo -v quiet
for setting in "${settings[@]}"; do
  read -r method name pairs <<< "$setting"
  plugin="$root/community/${method^}/${method^}/bin/Release/net10.0"   # rloo: community/Rloo/Rloo/bin/…
  sets=()
  for pair in $pairs; do sets+=(--set "$pair"); done
  echo "== $setting" | tee "$out/$name.log"
  $A submit "$plugin" --method "$method" --name "$name" --home "$home" --recipe default --threads 2 --seeds "$seeds" \
    --eval-split "$split" "${sets[@]}" --format md 2>&1 | tee -a "$out/$name.log" | tail -4
done
