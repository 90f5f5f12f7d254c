#!/bin/bash
# The PyTorch anchor of issue 34: the modeling bench's SFT and KV-cache generation measured by the project, then the same
# batches and prompts in PyTorch eager (bench/torch-reference.py), printed side by side with ratios and each run's useful
# share of its own fp32 matmul peak. Never run by CI.
# Usage: bench/anchor.sh [DIR] [THREADS]   (DIR keeps anchor-input.json and dotnet.json; default a temporary folder)
# Needs Debian's python3-torch, and an optimised BLAS under it (libopenblas0-pthread): with Debian's generic reference
# BLAS its fp32 matmul peak is a few GFLOP/s and every ratio measures that BLAS, not PyTorch.
set -euo pipefail
dir=${1:-$(mktemp -d)}
threads=${2:-2}
here=$(cd "$(dirname "$0")" && pwd)
dotnet run -c Release --project "$here/AlpacaFarm.Bench.Modeling" -- --threads "$threads" --only peak,train,gen --steps 60 --anchor "$dir"
/usr/bin/python3 "$here/torch-reference.py" "$dir" --threads "$threads"
