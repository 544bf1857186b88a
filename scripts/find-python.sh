#!/usr/bin/env bash
# Prints a Python >= 3.12 interpreter (Django 6 needs it): PATH first, then pyenv's installed versions.
set -u
for candidate in python3.12 python3.13 python3 $(ls -d "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.1[23]*/bin/python3 2>/dev/null); do
  if command -v "$candidate" >/dev/null 2>&1 \
    && "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; then
    command -v "$candidate"
    exit 0
  fi
done
echo "VisionDesk needs Python 3.12 or newer (Django 6 requires it); none was found on PATH or under pyenv." >&2
exit 1
