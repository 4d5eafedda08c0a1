#!/usr/bin/env bash
# The main job on the embedded default: install, generate the demo data set (once), dbt build,
# write the tuning report (reports/tuning_report.html), then print the top leads with grade,
# score and the rules that made the score.
# Usage: bash scripts/demo.sh [number of contacts, default 20000]
set -euo pipefail
cd "$(dirname "$0")/.."

contacts="${1:-20000}"
bash scripts/setup.sh
export DBT_PROFILES_DIR="$PWD"

if [ ! -f data/raw/events.parquet ] && [ ! -d data/raw/events ]; then
    .venv/bin/python scripts/generate_demo_data.py --contacts "$contacts" --out data/raw
elif [ $# -gt 0 ]; then
    echo "data/raw already holds data: it is built as it is, not regenerated with $contacts" \
        "contacts (remove data/raw to regenerate)" >&2
fi
.venv/bin/dbt build
.venv/bin/python scripts/tuning_report.py --database "${LEAD_SCORING_DUCKDB_PATH:-lead_scoring.duckdb}" \
    --out reports/tuning_report.html
.venv/bin/python scripts/show_top_leads.py --db "${LEAD_SCORING_DUCKDB_PATH:-lead_scoring.duckdb}"
