#!/usr/bin/env bash
# Set up (test tools and Chromium included) and run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
# Two workers, one per core, a test file per worker at a time (module fixtures stay in one).
exec .venv/bin/python -m pytest tests -n 2 --dist loadfile "$@"
