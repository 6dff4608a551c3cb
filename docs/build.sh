#!/usr/bin/env bash
# Build the HTML documentation; every Sphinx warning is an error.
# Usage: bash docs/build.sh [PYTHON]   (needs `pip install ".[docs]"` in that Python)
# PYTHON defaults to the checkout's .venv/bin/python when it exists, else python3.
# The build renders the chart gallery (docs/_gallery/, from the bundled data) first.
# Output: docs/_build/html/index.html
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [[ $# -ge 1 ]]; then
  PYTHON="$1"
elif [[ -x .venv/bin/python ]]; then
  PYTHON=.venv/bin/python
else
  PYTHON=python3
fi
if [[ -n "${DOCS_SHOW_PYTHON:-}" ]]; then
  echo "$PYTHON"
  exit 0
fi
if ! "$PYTHON" -c "import sphinx" 2>/dev/null; then
  echo "docs/build.sh: Sphinx is not installed for $PYTHON: run $PYTHON -m pip install '.[docs]', or pass the Python that has it: bash docs/build.sh path/to/python" >&2
  exit 1
fi
"$PYTHON" -m sphinx -W --keep-going -b html docs docs/_build/html
