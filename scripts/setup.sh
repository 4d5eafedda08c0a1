#!/usr/bin/env bash
# Create .venv (Python 3.11) and install the pinned dependencies; safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

python_bin="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
    "$python_bin" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check \
    -c requirements/constraints.txt -r requirements/requirements.txt
