#!/usr/bin/env bash
# Build the HTML documentation; every Sphinx warning is an error.
# Usage: bash docs/build.sh [PYTHON]   (default: python3; needs `pip install ".[docs]"`)
# Output: docs/_build/html/index.html
set -euo pipefail
PYTHON="${1:-python3}"
cd "$(dirname "${BASH_SOURCE[0]}")/.."
"$PYTHON" -m sphinx -W --keep-going -b html docs docs/_build/html
