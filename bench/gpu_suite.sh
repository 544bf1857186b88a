#!/usr/bin/env bash
# The standard mix against a GPU engine, one engine profile at a time (each profile restarts the engine).
# Usage: bench/gpu_suite.sh MODEL_DIR PROFILE...   (vllm must be importable; weights may be random: dummy load)
#   app       the app's public path and the raw engine side by side (photos at the app's 1024-token budget)
#   app4      the same with 4 web processes behind one address (needs REDIS_URL)
#   appdetail the app with the ask page's photo detail per kind of question, the engine at the same budgets
#   cap1280   raw engine, every photo at 1280 visual tokens (the reference setup of the shared figures)
#   budgets   raw engine, a pixel budget per kind of question
#   batched   cap1280 + --max-num-batched-tokens 16384 --async-scheduling
#   fp8       cap1280 + FP8 weights (--quantization fp8)
set -euo pipefail
cd "$(dirname "$0")/.."
MODEL=${1:?usage: bench/gpu_suite.sh MODEL_DIR PROFILE...}; shift
PY=${PYTHON:-python3}
SESSIONS=${SESSIONS:-12,64}
PER_SESSION=${PER_SESSION:-6}
CAP=describe=1280,detail=1280,reason=1280,compare=1280
PER_KIND=describe=384,detail=1280,reason=768,compare=640
for profile in "$@"; do
  extra="--load-format dummy"; budgets=$CAP; mode=--engine-only
  case $profile in
    app) budgets=""; mode="" ;;
    app4) budgets=""; mode="--app-processes 4" ;;
    appdetail) budgets=""; mode="--photo-detail-by-kind" ;;
    cap1280) ;;
    budgets) budgets=$PER_KIND ;;
    batched) extra="$extra --max-num-batched-tokens 16384 --async-scheduling" ;;
    fp8) extra="$extra --quantization fp8" ;;
    *) echo "unknown profile $profile" >&2; exit 2 ;;
  esac
  echo "=== profile $profile"
  $PY bench/run_all.py --model "$MODEL" --engine-args "$extra" --budgets "$budgets" --sessions "$SESSIONS" \
    --per-session "$PER_SESSION" --skip-micro --tag "gpu-$profile" $mode
done
