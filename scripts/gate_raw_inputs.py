"""Raw-input gate: validate every raw input file against the input contract with Great Expectations
before dbt runs, write the Data Docs, and stop with a clear summary when a file breaks the contract.

What breaks the contract (the gate fails): a missing required file or column; more than
--tolerance-percent (5) of a file's rows with a missing required value, an unparseable timestamp or
number, a timestamp outside [--min-timestamp, load time + 1 day], an event type unknown to the
catalog, a duplicate id, an unknown deal stage or feedback value. Fewer bad rows than that are
row-level problems: the gate passes and dbt quarantines those rows with their reason.

Files are read with DuckDB and validated as pandas dataframes in batches of --batch-rows, so
large files fit in memory (Great Expectations' SQL path does not work on DuckDB). Rows are put
into batches by a hash of their id, so every copy of an id lands in the same batch and the
uniqueness check holds across the whole file. The contract (columns, required ones) is read from
macros/raw_table_columns.sql, the one the dbt project uses.

Exit codes: 0 every file passes, 1 a file breaks the contract, 2 usage error.
Usage: .venv/bin/python scripts/gate_raw_inputs.py [--raw-data-path data/raw]
       [--config-dir seeds] [--docs-dir target/raw_input_gate]
"""

from __future__ import annotations

import argparse
import csv
import logging
import math
import os
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import great_expectations as gx
import great_expectations.expectations as gxe
from great_expectations.data_context.types.base import ProgressBarsConfig
from raw_contract import raw_contract

ROOT = Path(__file__).resolve().parents[1]
# ids that must be unique (contact_properties may hold a property's history: no unique id)
ID_COLUMNS = {
    "contacts": ["contact_id"],
    "contact_properties": ["contact_id"],
    "events": ["event_id"],
    "deals": ["deal_id"],
    "sales_feedback": ["feedback_id"],
}
TIMESTAMP_COLUMNS = {
    "contacts": ["created_at", "updated_at"],
    "contact_properties": ["updated_at"],
    "events": ["occurred_at"],
    "deals": ["created_at", "closed_at"],
    "sales_feedback": ["created_at"],
}
NUMBER_COLUMNS = {"contacts": ["employee_count", "annual_revenue"], "deals": ["amount"]}
VALUE_SETS = {
    ("deals", "stage"): ["open", "closed_won", "closed_lost"],
    ("sales_feedback", "feedback"): ["sales_ready", "not_ready", "unqualified"],
}


class ContractError(Exception):
    """A file that cannot be validated at all (missing, two formats, unreadable)."""


def event_type_catalog(config_dir: Path) -> list[str]:
    with open(config_dir / "event_types.csv", newline="", encoding="utf-8") as file:
        return sorted({row["event_type"].strip() for row in csv.DictReader(file)})


def find_files(raw_path: Path, table: str) -> tuple[str, str] | None:
    """(format, DuckDB glob) of a table's files, None when there are none."""
    found = {}
    for file_format in ("parquet", "csv"):
        single = raw_path / f"{table}.{file_format}"
        folder = raw_path / table
        if single.exists():
            found[file_format] = str(single)
        elif folder.is_dir() and any(folder.glob(f"*.{file_format}")):
            found[file_format] = str(folder / f"*.{file_format}")
    if len(found) > 1:
        raise ContractError(f"{table}: both Parquet and CSV files in {raw_path}; keep one format")
    return next(iter(found.items()), None)


@dataclass
class Finding:
    expectation: str
    column: str
    unexpected: int
    examples: list = field(default_factory=list)


@dataclass
class TableReport:
    table: str
    rows: int = 0
    batches: int = 0
    problems: list[str] = field(default_factory=list)
    findings: dict[tuple[str, str], Finding] = field(default_factory=dict)


def read_query(table: str, file_format: str, pattern: str, columns: list[str]) -> str:
    """Every contract column present in the file as text, plus a validity flag per check."""
    if file_format == "parquet":
        source = f"read_parquet('{pattern}', union_by_name = true)"
    else:
        source = f"read_csv('{pattern}', all_varchar = true, header = true, union_by_name = true)"
    # compared the way the staging models compare: trimmed, empty = null, codes lower-cased
    selected = []
    for column in columns:
        text = f"nullif(trim(cast(\"{column}\" as varchar)), '')"
        lowered = (table, column) in VALUE_SETS or (table, column) == ("events", "event_type")
        selected.append(f'{"lower(" + text + ")" if lowered else text} as "{column}"')
    for column in TIMESTAMP_COLUMNS.get(table, []):
        if column in columns:
            selected.append(
                f"try_cast(nullif(trim(cast(\"{column}\" as varchar)), '') as timestamp) "
                f'as "{column}__as_timestamp"'
            )
    for column in NUMBER_COLUMNS.get(table, []):
        if column in columns:
            selected.append(
                f'"{column}" is null or trim(cast("{column}" as varchar)) = \'\' '
                f'or try_cast("{column}" as double) is not null as "{column}__is_number"'
            )
    ids = " || '|' || ".join(
        f"coalesce(trim(cast(\"{c}\" as varchar)), '')" for c in ID_COLUMNS[table]
    )
    selected.append(f"{ids} as _gate_id")
    return f"select {', '.join(selected)} from {source}"


def build_suite(gx, gxe, table: str, columns: list[str], spec: dict, settings: dict):
    """The table's expectations; every row-level one passes with up to the tolerated share bad."""
    mostly = 1 - settings["tolerance_percent"] / 100
    suite = gx.ExpectationSuite(name=f"raw_{table}")
    for column in spec["required"]:
        suite.add_expectation(gxe.ExpectColumnValuesToNotBeNull(column=column, mostly=mostly))
    for column in TIMESTAMP_COLUMNS.get(table, []):
        if column not in columns:
            continue
        parsed = f"{column}__as_timestamp"
        if column in spec["required"]:
            suite.add_expectation(gxe.ExpectColumnValuesToNotBeNull(column=parsed, mostly=mostly))
        suite.add_expectation(
            gxe.ExpectColumnValuesToBeBetween(
                column=parsed,
                min_value=settings["min_timestamp"],
                max_value=settings["max_timestamp"],
                mostly=mostly,
            )
        )
    for column in NUMBER_COLUMNS.get(table, []):
        if column in columns:
            suite.add_expectation(
                gxe.ExpectColumnValuesToBeInSet(
                    column=f"{column}__is_number", value_set=[True], mostly=mostly
                )
            )
    if table == "events":
        suite.add_expectation(
            gxe.ExpectColumnValuesToBeInSet(
                column="event_type", value_set=settings["event_types"], mostly=mostly
            )
        )
    for (value_table, column), values in VALUE_SETS.items():
        if value_table == table:
            suite.add_expectation(
                gxe.ExpectColumnValuesToBeInSet(column=column, value_set=values, mostly=mostly)
            )
    if table != "contact_properties":
        suite.add_expectation(gxe.ExpectColumnValuesToBeUnique(column="_gate_id", mostly=mostly))
    return suite


def validate_table(
    context, gx, gxe, raw_path: Path, table: str, spec: dict, settings: dict
) -> TableReport | None:
    report = TableReport(table)
    located = find_files(raw_path, table)
    if located is None:
        if spec["is_optional_table"]:
            return None
        report.problems.append(f"required file {table}.parquet / {table}.csv missing in {raw_path}")
        return report
    file_format, pattern = located
    connection = duckdb.connect()
    try:
        if file_format == "parquet":
            describe = f"describe select * from read_parquet('{pattern}', union_by_name = true)"
        else:
            describe = (
                f"describe select * from read_csv('{pattern}', all_varchar = true, header = true, "
                "union_by_name = true)"
            )
        present = {row[0] for row in connection.execute(describe).fetchall()}
        missing = [column for column in spec["required"] if column not in present]
        if missing:
            report.problems.append(
                f"required column(s) {', '.join(missing)} missing (the file has: "
                f"{', '.join(sorted(present))})"
            )
            return report
        columns = [c for c in spec["required"] + spec["optional"] if c in present]
        rows_query = read_query(table, file_format, pattern, columns)
        # the row count first (a count reads no column it does not need), then one write of the
        # rows with their batch number
        report.rows = connection.execute(f"select count(*) from ({rows_query})").fetchone()[0]
        report.batches = max(1, math.ceil(report.rows / settings["batch_rows"]))
        connection.execute(
            f"create temp table gate_batches as select *, hash(_gate_id) % {report.batches} "
            f"as _gate_batch from ({rows_query}) order by _gate_batch"
        )

        suite = context.suites.add_or_update(build_suite(gx, gxe, table, columns, spec, settings))
        source = context.data_sources.add_or_update_pandas(name=f"raw_{table}")
        batch_definition = source.add_dataframe_asset(
            name=table
        ).add_batch_definition_whole_dataframe("batch")
        validation = context.validation_definitions.add_or_update(
            gx.ValidationDefinition(name=f"raw_{table}", data=batch_definition, suite=suite)
        )
        checkpoint = context.checkpoints.add_or_update(
            gx.Checkpoint(
                name=f"raw_{table}",
                validation_definitions=[validation],
                actions=[gx.checkpoint.UpdateDataDocsAction(name="data_docs")],
                result_format={"result_format": "SUMMARY", "partial_unexpected_count": 5},
            )
        )
        for batch in range(report.batches):
            frame = connection.execute(
                f"select * exclude (_gate_batch) from gate_batches where _gate_batch = {batch}"
            ).df()
            result = checkpoint.run(batch_parameters={"dataframe": frame})
            for validation_result in result.run_results.values():
                for outcome in validation_result.results:
                    config = outcome.expectation_config
                    column = config.kwargs.get("column", "")
                    key = (config.type, column)
                    finding = report.findings.setdefault(key, Finding(config.type, column, 0))
                    finding.unexpected += int(outcome.result.get("unexpected_count") or 0)
                    examples = outcome.result.get("partial_unexpected_list") or []
                    finding.examples = (finding.examples + [str(e) for e in examples])[:5]
    except duckdb.Error as error:
        report.problems.append(f"cannot read {pattern}: {error}")
    finally:
        connection.close()
    tolerated = report.rows * settings["tolerance_percent"] / 100
    for finding in report.findings.values():
        if finding.unexpected > tolerated:
            share = 100 * finding.unexpected / max(report.rows, 1)
            report.problems.append(
                f"{finding.expectation} on {finding.column}: {finding.unexpected} of "
                f"{report.rows} rows ({share:.2f} %) fail, more than the "
                f"{settings['tolerance_percent']:g} % tolerated; e.g. {finding.examples}"
            )
    return report


def run_gate(raw_path: Path, config_dir: Path, docs_dir: Path, settings: dict) -> list[TableReport]:
    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")  # nothing leaves the machine
    settings = {**settings, "event_types": event_type_catalog(config_dir)}
    docs_dir.mkdir(parents=True, exist_ok=True)
    context = gx.get_context(mode="file", project_root_dir=str(docs_dir))
    context.variables.progress_bars = ProgressBarsConfig(globally=False)  # a readable log
    reports = []
    for table, spec in raw_contract().items():
        try:
            report = validate_table(context, gx, gxe, raw_path, table, spec, settings)
        except ContractError as error:
            report = TableReport(table, problems=[str(error)])
        if report is not None:
            reports.append(report)
    context.build_data_docs()
    return reports


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--raw-data-path", type=Path, default=ROOT / "data" / "raw")
    parser.add_argument(
        "--config-dir",
        type=Path,
        default=ROOT / os.environ.get("LEAD_SCORING_CONFIG_DIR", "seeds"),
        help="config folder with event_types.csv (default: $LEAD_SCORING_CONFIG_DIR or seeds)",
    )
    parser.add_argument("--docs-dir", type=Path, default=ROOT / "target" / "raw_input_gate")
    parser.add_argument("--batch-rows", type=int, default=500_000)
    parser.add_argument(
        "--tolerance-percent",
        type=float,
        default=5.0,
        help="share of a file's rows that may fail one check and flow to quarantine (default 5)",
    )
    parser.add_argument("--min-timestamp", default="2000-01-01 00:00:00")
    args = parser.parse_args(argv)
    if not args.raw_data_path.is_dir():
        print(f"no raw data folder at {args.raw_data_path}", file=sys.stderr)
        return 2
    settings = {
        "batch_rows": args.batch_rows,
        "tolerance_percent": args.tolerance_percent,
        "min_timestamp": datetime.fromisoformat(args.min_timestamp),
        # the same rule as the dbt models: more than a day after the load is in the future
        "max_timestamp": datetime.now(UTC).replace(tzinfo=None) + timedelta(days=1),
    }
    reports = run_gate(args.raw_data_path, args.config_dir, args.docs_dir, settings)
    docs = args.docs_dir / "gx" / "uncommitted" / "data_docs" / "local_site" / "index.html"
    broken = [report for report in reports if report.problems]
    for report in reports:
        status = "BROKEN" if report.problems else "ok"
        print(
            f"{report.table:<20} {status:<7} {report.rows:>12,} rows in {report.batches} batch(es)"
        )
        for problem in report.problems:
            print(f"    - {problem}")
    print(f"Data Docs: {docs}")
    if broken:
        print(
            f"raw-input gate: {len(broken)} file(s) break the input contract: "
            + ", ".join(report.table for report in broken),
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
