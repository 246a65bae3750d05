#!/usr/bin/env bash
# Set up and launch the dashboard on the bundled defaults (http://localhost:8501).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec .venv/bin/python -m streamlit run app.py "$@"
