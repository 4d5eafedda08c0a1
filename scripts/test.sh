#!/usr/bin/env bash
# Install and run every check: ruff, sqlfluff, dbt build (all dbt data and unit tests) on a
# generated data set, the tuning report on it, then pytest (SPEC semantics, config validation, bad
# input, generator, the tuning report in headless chromium, which this script installs if missing).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
export DBT_PROFILES_DIR="$PWD"
export PATH="$PWD/.venv/bin:$PATH"

# an older DuckDB client (BI drivers bundle one) for the served-file test
if [ ! -d .venv/duckdb-1.5 ]; then
    python -m pip install --quiet --disable-pip-version-check --target .venv/duckdb-1.5 \
        -r requirements/bi-client.txt
fi

echo "== ruff"
ruff check .
ruff format --check .

echo "== sqlfluff"
# linted against an empty database: next to a built one (after scripts/demo.sh) the models would
# template their incremental branches, which are laid out for dbt, not for the linter
mkdir -p target && rm -f target/sqlfluff.duckdb target/sqlfluff.duckdb.wal
LEAD_SCORING_DUCKDB_PATH=target/sqlfluff.duckdb sqlfluff lint models tests/dbt analyses

echo "== dbt build on generated data (dbt data tests and unit tests)"
rm -rf target/test_raw
python scripts/generate_demo_data.py --contacts 3000 --end-date 2026-06-30 --out target/test_raw
LEAD_SCORING_DUCKDB_PATH=target/test.duckdb \
    dbt build --vars '{raw_data_path: target/test_raw, as_of: "2026-07-01 00:00:00"}'

echo "== tuning report on the generated data"
python scripts/tuning_report.py --database target/test.duckdb \
    --out target/test-artifacts/tuning_report_generated.html

echo "== chromium for the browser test (Debian's package; Playwright never downloads a browser)"
if [ ! -x /usr/bin/chromium ]; then
    if [ "$(id -u)" -eq 0 ]; then
        apt-get update
        DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium
    else
        sudo apt-get update
        sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium
    fi
fi

echo "== pytest"
python -m pytest
