"""Raw-input gate: validate every raw input file against the input contract with Great Expectations
before dbt runs, write the Data Docs, and stop with a clear summary when a file breaks the contract.

What breaks the contract (the gate fails): a missing required file or column (in any file of a
folder), a column header repeated in a file; more than
--tolerance-percent (5) of a file's rows with a missing required value, an unparseable timestamp or
number, a timestamp outside [--min-timestamp, load time + 1 day], an event type unknown to the
catalog, a duplicate id, an unknown deal stage or feedback value. Fewer bad rows than that are
row-level problems: the gate passes and dbt quarantines those rows with their reason.

Files are read with DuckDB and validated as pandas dataframes in batches of --batch-rows, so
large files fit in memory (Great Expectations' SQL path does not work on DuckDB; DuckDB keeps the
batches within --memory-limit and spills the rest to disk). Rows are put into batches by a hash of
their id, so every copy of an id lands in the same batch and the uniqueness check holds across the
whole file. The batches' results are added up into one stored validation result per file and run
(the Data Docs page); the results and pages of all but the last --keep-runs runs are removed. The
contract (columns, required ones) is read from macros/raw_table_columns.sql of the dbt project
dbt builds (--project-dir, default this repository), the one its raw-file hook uses.

Exit codes: 0 every file passes, 1 a file breaks the contract, 2 usage error (a missing folder,
bad settings), 3 the gate itself failed (an unexpected error, its libraries failing to load; no
file judged).
Usage: .venv/bin/python scripts/gate_raw_inputs.py [--project-dir .] [--raw-data-path data/raw]
       [--config-dir seeds] [--docs-dir target/raw_input_gate]
"""

from __future__ import annotations

import argparse
import csv
import fcntl
import logging
import math
import os
import re
import shutil
import sys
import tempfile
import traceback
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

# a broken install must exit 3 (the gate's own error), not 1 as an uncaught exception would: 1
# means "a file breaks the contract" to the pipeline
try:
    import duckdb
    import great_expectations as gx
    import great_expectations.execution_engine.pandas_execution_engine as gx_pandas_engine
    import great_expectations.expectations as gxe
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.base import ProgressBarsConfig
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )
    from raw_contract import (
        csv_shape_problem,
        raw_contract,
        sql_text,
        use_project,
        utc_timestamp_sql,
    )
except Exception:
    traceback.print_exc()
    print("raw-input gate: failed to load its libraries (above); no file judged", file=sys.stderr)
    sys.exit(3)  # EXIT_ERROR, defined below

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
# a file that looks like a table's data under another name (case, compression, a suffix): its
# name or folder, lower-cased with - and spaces as _, starts with the table's name, and the file
# has a data or compression suffix (the dbt hook's rule, macros/register_raw_files.sql)
NEAR_MISS_SUFFIX = re.compile(
    r"\.(parquet|csv|tsv|txt|json|jsonl|ndjson|xlsx|gz|zst|bz2|zip)(\.|$)"
)
# DuckDB reads a repeated column header under a suffix (email, EMAIL -> email, EMAIL_1)
REPEATED_HEADER = re.compile(r"(.+)_\d+")
# the gate's own columns next to the raw text: the parsed time, the numeric check
PARSED_TIME = "__as_timestamp"
IS_NUMBER = "__is_number"
NUMBER_COLUMNS = {"contacts": ["employee_count", "annual_revenue"], "deals": ["amount"]}
# the run name of the stored validation results (one per file and run)
RUN_NAME = "raw_input_gate"
# the exit code of an error of the gate itself (1 = a file breaks the contract, 2 = usage)
EXIT_ERROR = 3
# what a pandas nanosecond timestamp holds
NANOSECOND_RANGE = ("1677-09-22 00:00:00", "2262-04-11 00:00:00")
VALUE_SETS = {
    ("deals", "stage"): ["open", "closed_won", "closed_lost"],
    ("sales_feedback", "feedback"): ["sales_ready", "not_ready", "unqualified"],
}


class ContractError(Exception):
    """A file that cannot be validated at all (missing, two formats, unreadable)."""


def event_type_catalog(config_dir: Path) -> list[str]:
    with open(config_dir / "event_types.csv", newline="", encoding="utf-8") as file:
        return sorted({row["event_type"].strip() for row in csv.DictReader(file)})


def near_miss_name(name: str) -> str:
    return name.lower().replace("-", "_").replace(" ", "_")


def find_files(raw_path: Path, table: str) -> tuple[str, str] | None:
    """(format, DuckDB glob) of a table's files, None when there are none."""
    found = {}
    for file_format in ("parquet", "csv"):
        single = raw_path / f"{table}.{file_format}"
        folder = raw_path / table
        in_folder = folder.is_dir() and any(folder.glob(f"*.{file_format}"))
        # the dbt hook reads <table>.<format> files only, and would read a file and a folder
        # together: both are refused, so the gate checks exactly what dbt reads
        if single.is_dir():
            raise ContractError(
                f"{table}: {single} is a folder; put a table's files in {folder}/ instead"
            )
        if single.exists() and in_folder:
            raise ContractError(f"{table}: both {single} and files in {folder}/; keep one of them")
        if single.exists():
            found[file_format] = str(single)
        elif in_folder:
            found[file_format] = str(folder / f"*.{file_format}")
    if len(found) > 1:
        raise ContractError(f"{table}: both Parquet and CSV files in {raw_path}; keep one format")
    if not found:  # files meant for it under another name would otherwise go unread, unseen
        near_misses = sorted(
            str(path.relative_to(raw_path))
            for path in [*raw_path.glob("*"), *raw_path.glob("*/*")]
            if path.is_file()
            and near_miss_name(path.relative_to(raw_path).parts[0]).startswith(table)
            and NEAR_MISS_SUFFIX.search(path.name.lower())
        )
        if near_misses:
            raise ContractError(
                f"{table}: no {table}.parquet, {table}.csv or {table}/ of such files, but "
                f"{', '.join(near_misses[:5])} (names are matched exactly, lower-case, "
                "uncompressed)"
            )
    return next(iter(found.items()), None)


def pattern_files(pattern: str) -> list[Path]:
    """The files a table's DuckDB pattern (a file, or a folder's *.csv / *.parquet) names."""
    return sorted(Path(pattern).parent.glob(Path(pattern).name))


def repeated_headers(connection, file_format: str, pattern: str, names: list[str], contract):
    """Problems for the contract columns whose header a file repeats (case-insensitively): DuckDB
    reads the second copy as <name>_1, which dbt would ignore. Only names of that form send the
    gate to the headers as written, so a real column email_2 passes (the dbt hook's rule)."""
    lowered = {name.lower() for name in names}
    suspects = sorted(
        {
            match.group(1)
            for name in lowered
            if (match := REPEATED_HEADER.fullmatch(name))
            and match.group(1) in lowered
            and match.group(1) in contract
        }
    )
    problems = []
    for path in pattern_files(pattern) if suspects else []:
        if file_format == "parquet":
            query = f"select name from parquet_schema({sql_text(str(path))})"
            headers = [row[0] for row in connection.execute(query).fetchall()]
        else:
            query = (
                f"select * from read_csv({sql_text(str(path))}, header = false, "
                "all_varchar = true, comment = '') limit 1"
            )
            headers = list(connection.execute(query).fetchone() or [])
        headers = [str(header).strip().lower() for header in headers]
        problems += [
            f"{path.name}: the column header {column} appears more than once (case-insensitively);"
            f" DuckDB reads the second copy as {column}_1, which dbt would ignore; keep one column "
            "of each name"
            for column in suspects
            if headers.count(column) > 1
        ]
    return problems


def files_missing_columns(connection, file_format: str, pattern: str, required: list[str]):
    """Problems for the files of a folder that lack a required column: read together by column
    name, their rows would hold nulls there, which the check of the folder's columns misses. An
    empty (0-byte) file adds no rows and is skipped, as dbt reads it."""
    if Path(pattern).name != f"*.{file_format}":
        return []
    problems = []
    for path in pattern_files(pattern):
        if path.stat().st_size == 0:
            continue
        describe = f"describe select * from {source_sql(file_format, str(path))}"
        names = [row[0].lower() for row in connection.execute(describe).fetchall()]
        missing = [column for column in required if column not in names]
        if missing:
            problems.append(
                f"{path.name}: required column(s) {', '.join(missing)} missing (the "
                f"file has: {', '.join(sorted(names))}); read with the folder's other files, its "
                "rows would hold nulls there" + csv_shape_hint(file_format, str(path))
            )
    return problems


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


def checked_columns(table: str, columns: list[str], spec: dict) -> list[str]:
    """The contract columns an expectation reads as text: the required ones and the coded ones."""
    return [
        column
        for column in columns
        if column in spec["required"]
        or (table, column) in VALUE_SETS
        or (table, column) == ("events", "event_type")
    ]


def csv_shape_hint(file_format: str, pattern: str) -> str:
    """Why DuckDB misread a CSV, when a line's field count differs from its header line's (the
    sniffer then guesses another header or dialect): '; <file> line N has ...', else ''."""
    if file_format != "csv":
        return ""
    for path in pattern_files(pattern):
        with open(path, encoding="utf-8", errors="replace") as file:
            header = file.readline()
        separator = max(",;\t|", key=header.count)
        problem = csv_shape_problem(path, separator)
        if problem:
            return f"; {path.name} {problem}"
    return ""


def duckdb_glob(pattern: str) -> str:
    """A table's pattern (a file, or a folder's *.csv / *.parquet) for DuckDB, which reads it as
    a glob: [ * ? in the path are made literal (they would match other names, or none)."""
    path = Path(pattern)
    wildcard = path.name.startswith("*.")
    literal = str(path.parent if wildcard else path)
    escaped = literal.replace("[", "[[]").replace("*", "[*]").replace("?", "[?]")
    return f"{escaped}/{path.name}" if wildcard else escaped


def source_sql(file_format: str, pattern: str) -> str:
    source = sql_text(duckdb_glob(pattern))
    if file_format == "parquet":
        return f"read_parquet({source}, union_by_name = true)"
    # comment = '': the sniffer would otherwise take a row starting with '#' for a comment
    return (
        f"read_csv({source}, all_varchar = true, header = true, union_by_name = true, comment = '')"
    )


def read_query(table: str, file_format: str, pattern: str, columns: list[str], spec: dict) -> str:
    """The columns the suite checks, as text, plus a parsed value or validity flag per check."""
    source = source_sql(file_format, pattern)
    # compared the way the staging models compare: trimmed, empty = null, codes lower-cased
    selected = []
    for column in checked_columns(table, columns, spec):
        text = f"nullif(trim(cast(\"{column}\" as varchar)), '')"
        lowered = (table, column) in VALUE_SETS or (table, column) == ("events", "event_type")
        selected.append(f'{"lower(" + text + ")" if lowered else text} as "{column}"')
    for column in TIMESTAMP_COLUMNS.get(table, []):
        if column in columns:
            # in nanoseconds, the only unit pandas compares vectorised (Great Expectations'
            # "between" calls Python once per value otherwise); a timestamp beyond that range
            # (years 1677-2262) is moved to its edge, still outside the accepted range
            parsed = utc_timestamp_sql(text_sql(column))
            selected.append(
                f"cast(case when {parsed} < timestamp '{NANOSECOND_RANGE[0]}' "
                f"then timestamp '{NANOSECOND_RANGE[0]}' when {parsed} > timestamp "
                f"'{NANOSECOND_RANGE[1]}' then timestamp '{NANOSECOND_RANGE[1]}' else {parsed} end "
                f'as timestamp_ns) as "{column}{PARSED_TIME}"'
            )
    for column in NUMBER_COLUMNS.get(table, []):
        if column in columns:
            selected.append(
                f'"{column}" is null or trim(cast("{column}" as varchar)) = \'\' '
                f'or try_cast("{column}" as double) is not null as "{column}{IS_NUMBER}"'
            )
    ids = " || '|' || ".join(
        f"coalesce(trim(cast(\"{c}\" as varchar)), '')" for c in ID_COLUMNS[table]
    )
    selected.append(f"{ids} as _gate_id")
    return f"select {', '.join(selected)} from {source}"


def text_sql(column: str) -> str:
    """A raw value as staging reads it: text, trimmed, empty = null."""
    return f"nullif(trim(cast(\"{column}\" as varchar)), '')"


def shown_column(column: str) -> str:
    """A checked column as a person reads it, not as the gate's internal name."""
    if column.endswith(PARSED_TIME):
        return f"{column.removesuffix(PARSED_TIME)} (read as a UTC time)"
    if column.endswith(IS_NUMBER):
        return f"{column.removesuffix(IS_NUMBER)} (read as a number)"
    return column


def text_examples(
    connection, file_format: str, pattern: str, outcomes: dict, settings: dict
) -> dict[tuple[str, str], list[str]]:
    """The text in the file of a few failed times and numbers (their checked columns show only
    NaT or False)."""
    examples = {}
    for (expectation, column), results in outcomes.items():
        unexpected = sum(int(outcome.result.get("unexpected_count") or 0) for outcome in results)
        if not column.endswith((PARSED_TIME, IS_NUMBER)) or not unexpected:
            continue
        text = text_sql(column.removesuffix(PARSED_TIME).removesuffix(IS_NUMBER))
        parsed = utc_timestamp_sql(text)
        parameters = []
        if column.endswith(IS_NUMBER):
            failing = f"try_cast({text} as double) is null"
        elif expectation == "expect_column_values_to_not_be_null":
            failing = f"{parsed} is null"
        else:
            failing = f"({parsed} < ? or {parsed} > ?)"
            parameters = [settings["min_timestamp"], settings["max_timestamp"]]
        rows = connection.execute(
            f"select {text} from {source_sql(file_format, pattern)} "
            f"where {text} is not null and {failing} limit 5",
            parameters,
        ).fetchall()
        examples[(expectation, column)] = [row[0] for row in rows]
    return examples


def build_suite(gx, gxe, table: str, columns: list[str], spec: dict, settings: dict):
    """The table's expectations; every row-level one passes with up to the tolerated share bad."""
    mostly = 1 - settings["tolerance_percent"] / 100
    suite = gx.ExpectationSuite(name=f"raw_{table}")
    for column in spec["required"]:
        suite.add_expectation(gxe.ExpectColumnValuesToNotBeNull(column=column, mostly=mostly))
    for column in TIMESTAMP_COLUMNS.get(table, []):
        if column not in columns:
            continue
        parsed = f"{column}{PARSED_TIME}"
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
                    column=f"{column}{IS_NUMBER}", value_set=[True], mostly=mostly
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


def has_failed_to_run(outcome) -> bool:
    """An expectation Great Expectations could not evaluate (a metric error leaves no result)."""
    info = outcome.exception_info or {}
    nested = [value for value in info.values() if isinstance(value, dict)]
    return bool(
        info.get("raised_exception")
        or any(value.get("raised_exception") for value in nested)
        or (not outcome.success and not outcome.result)
    )


def combine(outcomes: list, rows: int, tolerated: float):
    """One expectation's results over all batches of a file, judged by the gate's rule (at most
    the tolerated share of all rows unexpected; Great Expectations' own percentages are of the
    non-missing rows)."""
    result = outcomes[0]
    counted = [key for key in ("element_count", "unexpected_count", "missing_count")
               if key in result.result]  # fmt: skip
    counts = {key: sum(int(o.result.get(key) or 0) for o in outcomes) for key in counted}
    unexpected = counts.get("unexpected_count", 0)
    nonmissing = counts.get("element_count", 0) - counts.get("missing_count", 0)
    examples: list = []
    by_value: dict = {}
    for outcome in outcomes:
        examples += outcome.result.get("partial_unexpected_list") or []
        for entry in outcome.result.get("partial_unexpected_counts") or []:
            by_value[entry["value"]] = by_value.get(entry["value"], 0) + entry["count"]
    result.result.update(counts, partial_unexpected_list=examples[:20])
    # row positions of one batch mean nothing for the file
    result.result.pop("partial_unexpected_index_list", None)
    if "unexpected_percent" in result.result:
        result.result["unexpected_percent"] = 100 * unexpected / max(nonmissing, 1)
    if "unexpected_percent_nonmissing" in result.result:
        result.result["unexpected_percent_nonmissing"] = 100 * unexpected / max(nonmissing, 1)
    if "unexpected_percent_total" in result.result:
        result.result["unexpected_percent_total"] = 100 * unexpected / max(rows, 1)
    if "missing_percent" in result.result:
        result.result["missing_percent"] = 100 * counts.get("missing_count", 0) / max(rows, 1)
    if "partial_unexpected_counts" in result.result:
        result.result["partial_unexpected_counts"] = [
            {"value": value, "count": count}
            for value, count in sorted(by_value.items(), key=lambda item: -item[1])[:20]
        ]
    result.success = unexpected <= tolerated and not any(map(has_failed_to_run, outcomes))
    return result


def validate_table(
    context, gx, gxe, raw_path: Path, table: str, spec: dict, settings: dict, run_id
) -> tuple[TableReport | None, object]:
    """The table's report and its validation result over the whole file (None when not run)."""
    report = TableReport(table)
    located = find_files(raw_path, table)
    if located is None:
        if spec["is_optional_table"]:
            return None, None
        report.problems.append(f"required file {table}.parquet / {table}.csv missing in {raw_path}")
        return report, None
    file_format, pattern = located
    # the batch table spills to disk past the memory limit instead of holding the file in memory
    connection = duckdb.connect(
        config={
            "memory_limit": settings["memory_limit"],
            "temp_directory": str(settings["temp_dir"]),
            "preserve_insertion_order": False,
        }
    )
    outcomes: dict[tuple[str, str], list] = {}
    combined = None
    try:
        describe = f"describe select * from {source_sql(file_format, pattern)}"
        names = [row[0] for row in connection.execute(describe).fetchall()]
        # column names match case-insensitively, as in the dbt hook (register_raw_files) and in
        # DuckDB's identifiers: EVENT_ID is event_id
        present = {name.lower() for name in names}
        missing = [column for column in spec["required"] if column not in present]
        if missing:
            report.problems.append(
                f"required column(s) {', '.join(missing)} missing (the file has: "
                f"{', '.join(sorted(names))}){csv_shape_hint(file_format, pattern)}"
            )
            return report, None
        report.problems.extend(
            repeated_headers(
                connection, file_format, pattern, names, spec["required"] + spec["optional"]
            )
        )
        report.problems.extend(
            files_missing_columns(connection, file_format, pattern, spec["required"])
        )
        if report.problems:
            return report, None
        columns = [c for c in spec["required"] + spec["optional"] if c in present]
        rows_query = read_query(table, file_format, pattern, columns, spec)
        # the row count first (a count reads no column it does not need), then one write of the
        # rows with their batch number, sorted by it (a batch then reads few row groups)
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
        # each batch is validated without storing a result; the file gets one result below
        for number in range(report.batches):
            frame = connection.execute(
                f"select * exclude (_gate_batch) from gate_batches where _gate_batch = {number}"
            ).df()
            result = batch_definition.get_batch(batch_parameters={"dataframe": frame}).validate(
                suite, result_format={"result_format": "SUMMARY", "partial_unexpected_count": 5}
            )
            combined = combined or result
            for outcome in result.results:
                config = outcome.expectation_config
                key = (config.type, config.kwargs.get("column", ""))
                outcomes.setdefault(key, []).append(outcome)
                failed = f"{key[0]} on {key[1]} could not be evaluated: {outcome.exception_info}"
                if has_failed_to_run(outcome) and failed not in report.problems:
                    report.problems.append(failed)
        raw_examples = text_examples(connection, file_format, pattern, outcomes, settings)
    except duckdb.OutOfMemoryException:
        raise  # the gate's own memory, not the file: no judgement (exit 3, not 1)
    except duckdb.Error as error:
        report.problems.append(
            f"cannot read {pattern}: {str(error).splitlines()[0]}"
            + csv_shape_hint(file_format, pattern)
        )
        outcomes, combined, raw_examples = {}, None, {}  # no result of part of the file
    finally:
        connection.close()
    tolerated = report.rows * settings["tolerance_percent"] / 100
    file_outcomes = []
    for (expectation, column), results in outcomes.items():
        outcome = combine(results, report.rows, tolerated)
        file_outcomes.append(outcome)
        unexpected = outcome.result.get("unexpected_count") or 0  # none if it could not run
        examples = (
            raw_examples.get((expectation, column))
            or [str(e) for e in outcome.result["partial_unexpected_list"]][:5]
        )
        report.findings[(expectation, column)] = Finding(expectation, column, unexpected, examples)
        if not outcome.success:
            share = 100 * unexpected / max(report.rows, 1)
            report.problems.append(
                f"{expectation} on {shown_column(column)}: {unexpected} of "
                f"{report.rows} rows ({share:.2f} %) fail, more than the "
                f"{settings['tolerance_percent']:g} % tolerated; e.g. {examples}"
            )
    if combined is not None:
        combined.results = file_outcomes
        successes = sum(outcome.success for outcome in combined.results)
        combined.success = not report.problems
        combined.statistics = {
            "evaluated_expectations": len(combined.results),
            "successful_expectations": successes,
            "unsuccessful_expectations": len(combined.results) - successes,
            "success_percent": 100 * successes / max(len(combined.results), 1),
        }
        combined.meta.update(
            run_id=run_id,
            validation_time=run_id.run_time,
            # shown on the Data Docs page as "Batch Parameters"
            batch_parameters={
                "file": pattern,
                "rows": report.rows,
                "batches": report.batches,
                "tolerance_percent": settings["tolerance_percent"],
            },
        )
    return report, combined


def store_results(context, docs_dir: Path, results: dict, run_id, keep_runs: int) -> None:
    """Store one validation result per file of this run, drop those of all but the last
    keep_runs runs (results and their pages: the Data Docs index lists every stored result and
    each run would otherwise add pages forever), and build the Data Docs."""
    identifiers = []
    for table, result in results.items():
        suite_id = ExpectationSuiteIdentifier(name=f"raw_{table}")
        result_id = ValidationResultIdentifier(
            expectation_suite_identifier=suite_id, run_id=run_id, batch_identifier=f"{table}-file"
        )
        context.validation_results_store.store_validation_results(
            suite_validation_result=result,
            suite_validation_result_identifier=result_id,
            expectation_suite_identifier=suite_id,
        )
        identifiers += [suite_id, result_id]
    stored = docs_dir / "gx" / "uncommitted" / "validations"
    pages = docs_dir / "gx" / "uncommitted" / "data_docs" / "local_site" / "validations"
    for suite_dir in (path for path in stored.glob("*") if path.is_dir()):
        # <suite>/<run name>/<run time>/<batch>.json; run times sort as text. Results of another
        # run name come from an earlier version of the gate (one per batch): dropped as well.
        files = list(suite_dir.glob("*/*/*.json"))
        ours = sorted({file.parent.name for file in files if file.parent.parent.name == RUN_NAME})
        kept = set(ours[-keep_runs:])
        for file in files:
            if file.parent.parent.name == RUN_NAME and file.parent.name in kept:
                continue
            relative = file.relative_to(stored)
            file.unlink()
            (pages / relative).with_suffix(".html").unlink(missing_ok=True)
            for root in (stored, pages):  # the emptied run time and run name folders
                for folder in ((root / relative).parent, (root / relative).parent.parent):
                    if folder.is_dir() and not any(folder.iterdir()):
                        folder.rmdir()
    if identifiers:  # none: an empty list would rebuild every page
        context.build_data_docs(resource_identifiers=identifiers)


def run_gate(raw_path: Path, config_dir: Path, docs_dir: Path, settings: dict) -> list[TableReport]:
    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")  # nothing leaves the machine
    settings = {**settings, "event_types": event_type_catalog(config_dir)}
    docs_dir.mkdir(parents=True, exist_ok=True)
    # one gate at a time per docs folder: two pipelines sharing a --log-dir would otherwise
    # remove each other's spill folder and prune each other's results
    lock = open(docs_dir / ".gate.lock", "w")  # noqa: SIM115 - closed (unlocked) at the end
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        print(f"raw-input gate: waiting for another gate using {docs_dir}", flush=True)
        fcntl.flock(lock, fcntl.LOCK_EX)
    context = gx.get_context(mode="file", project_root_dir=str(docs_dir))
    context.variables.progress_bars = ProgressBarsConfig(globally=False)  # a readable log
    # no md5 fingerprint of every batch's dataframe (a batch marker nothing reads; 3/4 of the
    # validation time): the stored result names the file and its row count instead
    gx_pandas_engine.HASH_THRESHOLD = 0
    run_id = RunIdentifier(run_name=RUN_NAME, run_time=datetime.now(UTC))
    reports, results = [], {}
    # spill folders a killed run left behind (the lock above keeps live runs apart)
    for stale in docs_dir.glob("gate_spill_*"):
        shutil.rmtree(stale, ignore_errors=True)
    with tempfile.TemporaryDirectory(prefix="gate_spill_", dir=docs_dir) as temp_dir:
        settings["temp_dir"] = temp_dir
        for table, spec in raw_contract().items():
            try:
                report, result = validate_table(
                    context, gx, gxe, raw_path, table, spec, settings, run_id
                )
            except ContractError as error:
                report, result = TableReport(table, problems=[str(error)]), None
            if report is not None:
                reports.append(report)
            if result is not None:
                results[table] = result
    store_results(context, docs_dir, results, run_id, settings["keep_runs"])
    lock.close()
    return reports


def checked_settings(args: argparse.Namespace) -> dict | str:
    """The gate's settings, or what is wrong with the command line."""
    for wrong, problem in (
        (not args.raw_data_path.is_dir(), f"no raw data folder at {args.raw_data_path}"),
        (
            not (args.config_dir / "event_types.csv").is_file(),
            f"no event_types.csv in the config folder {args.config_dir} (--config-dir, "
            "LEAD_SCORING_CONFIG_DIR)",
        ),
        (
            not 0 <= args.tolerance_percent <= 100 or args.batch_rows < 1,
            "--tolerance-percent must be between 0 and 100 and --batch-rows at least 1",
        ),
    ):
        if wrong:
            return problem
    try:
        min_timestamp = datetime.fromisoformat(args.min_timestamp)
        duckdb.connect(config={"memory_limit": args.memory_limit}).close()
    except (ValueError, duckdb.Error) as error:
        return f"bad --min-timestamp or --memory-limit: {error}"
    # naive, and not before the years a pandas timestamp holds (those are moved to that edge)
    if min_timestamp.tzinfo is not None or min_timestamp < datetime.fromisoformat(
        NANOSECOND_RANGE[0]
    ):
        return f"--min-timestamp must be a naive UTC time from {NANOSECOND_RANGE[0]} on"
    # the same rule as the dbt models: more than a day after the load is in the future
    max_timestamp = datetime.now(UTC).replace(tzinfo=None) + timedelta(days=1)
    if min_timestamp >= max_timestamp:
        return (
            f"--min-timestamp {min_timestamp} is not before the latest accepted time "
            f"{max_timestamp:%Y-%m-%d %H:%M:%S} (the load time + 1 day)"
        )
    return {
        "batch_rows": args.batch_rows,
        "tolerance_percent": args.tolerance_percent,
        "memory_limit": args.memory_limit,
        "keep_runs": max(1, args.keep_runs),
        "min_timestamp": min_timestamp,
        "max_timestamp": max_timestamp,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--project-dir",
        type=Path,
        default=ROOT,
        help="the dbt project: its macros hold the input contract (default: this repository)",
    )
    parser.add_argument(
        "--raw-data-path", type=Path, default=None, help="default: the project's data/raw"
    )
    parser.add_argument(
        "--config-dir",
        type=Path,
        default=None,
        help="config folder with event_types.csv (default: the project's "
        "$LEAD_SCORING_CONFIG_DIR or seeds)",
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
    parser.add_argument(
        "--memory-limit",
        default="2GB",
        help="DuckDB memory for batching a file; more spills to disk (default 2GB)",
    )
    parser.add_argument(
        "--keep-runs",
        type=int,
        default=30,
        help="validation results (and Data Docs pages) kept, per file: the last N runs",
    )
    args = parser.parse_args(argv)
    if not (args.project_dir / "macros" / "raw_table_columns.sql").is_file():
        print(
            f"--project-dir {args.project_dir}: no macros/raw_table_columns.sql (the input "
            "contract) there; is it the dbt project?",
            file=sys.stderr,
        )
        return 2
    use_project(args.project_dir)
    if args.raw_data_path is None:
        args.raw_data_path = args.project_dir / "data" / "raw"
    if args.config_dir is None:
        args.config_dir = args.project_dir / os.environ.get("LEAD_SCORING_CONFIG_DIR", "seeds")
    settings = checked_settings(args)
    if isinstance(settings, str):
        print(settings, file=sys.stderr)
        return 2
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
    # exit 1 means a file breaks the contract; an error of the gate itself must not read as that
    try:
        sys.exit(main())
    except Exception:
        traceback.print_exc()
        print("raw-input gate: failed with an error (above); no file was judged", file=sys.stderr)
        sys.exit(EXIT_ERROR)
