"""Turn a flat lead export (one CSV row per lead, any columns) into the raw input files of SPEC 2.

A CRM "export all contacts" file plus the name of its outcome column become a folder with
contacts.parquet, contact_properties.parquet, deals.parquet and empty (typed) events.parquet and
sales_feedback.parquet, ready for `dbt build --vars '{raw_data_path: <folder>}'`:

- contacts: contact_id (from --id-column, else `L` + the zero-padded 1-based row number), the
  columns mapped to SPEC contacts columns (by --map or because their normalised name already is
  one), created_at (a mapped column, else --created-at). Values are kept as text, exactly.
- contact_properties: every other column (except the outcome, the id and --drop columns) as one
  row per non-empty cell: contact_id, property (the normalised column name), value (the text as
  it is), updated_at (the contact's created_at).
- deals: one closed_won deal per positive outcome (deal_id `D-<contact_id>`, created_at = closed_at
  = the contact's created_at + --deal-days days but not after the import time, amount null). A
  negative outcome makes no deal.

Nothing is written to --out unless everything succeeded: the files are written into a temporary
folder beside --out and renamed into place (an existing --out is replaced only then, and only if
it holds nothing but files this script writes). The summary printed at the end (rows in, contacts
out, properties, deals, what became of each column) is also saved as _import_summary.json.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import re
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
from raw_contract import csv_shape_problem, raw_contract, sql_text, utc_timestamp_sql

# the contacts columns of the input contract (macros/raw_table_columns.sql), contact_id aside
KNOWN_CONTACT_COLUMNS = [
    *raw_contract()["contacts"]["optional"],
    *(column for column in raw_contract()["contacts"]["required"] if column != "contact_id"),
]
# Property names the project never reads as custom properties (staging quarantines a property
# named like a contacts column as reserved_property), so a column that would become one is an error.
RESERVED_PROPERTY_NAMES = {"contact_id", "email_domain", "created_at", "updated_at"}
DEFAULT_POSITIVE_VALUES = "yes,true,1,won,converted,customer"
SEPARATOR_CANDIDATES = [",", ";", "\t", "|"]
OUTPUT_FILES = [
    "contacts.parquet",
    "contact_properties.parquet",
    "deals.parquet",
    "events.parquet",
    "sales_feedback.parquet",
]
SUMMARY_FILE = "_import_summary.json"
GENERATED_ID_DIGITS = 8


class ImportLeadsError(Exception):
    """A problem with the input or the options; nothing was written."""


@dataclass
class Column:
    """One column of the export and what becomes of it."""

    position: int  # 0-based position in the file
    header: str  # the header text as it is in the file
    source: str  # the column in the DuckDB work table, quoted for SQL
    role: str = "property"  # outcome | id | drop | contact | property
    target: str = ""  # the contacts column or property name it becomes


@dataclass
class ImportSummary:
    input: str
    out: str
    separator: str
    rows_in: int
    contacts_out: int
    properties_written: int
    non_empty_property_cells: int
    deals: int
    outcome_column: str
    positive_values: list[str]
    outcome_values: list[dict]
    id_column: str | None
    created_at: str
    created_at_source: str
    deal_days: int
    columns_mapped: dict[str, str] = field(default_factory=dict)
    columns_as_properties: dict[str, str] = field(default_factory=dict)
    columns_dropped: list[str] = field(default_factory=list)
    unparseable_created_at: int = 0
    seconds: float = 0.0


def normalise_name(name: str) -> str:
    """Lower-case; every run of characters outside [a-z0-9] becomes `_`; trimmed of `_`."""
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def sql_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def header_line(path: Path) -> str:
    """The first record of the file (a quoted newline does not end it), without a UTF-8 BOM."""
    with open(path, "rb") as file:
        head = file.read(1 << 20).decode("utf-8-sig", errors="replace")
    in_quotes = False
    for index, char in enumerate(head):
        if char == '"':
            in_quotes = not in_quotes
        elif char in "\r\n" and not in_quotes:
            return head[:index]
    return head


def sniff_separator(path: Path) -> str:
    """The candidate separator occurring most often outside quotes in the header line."""
    line = header_line(path)
    counts = dict.fromkeys(SEPARATOR_CANDIDATES, 0)
    in_quotes = False
    for char in line:
        if char == '"':
            in_quotes = not in_quotes
        elif not in_quotes and char in counts:
            counts[char] += 1
    best = max(SEPARATOR_CANDIDATES, key=lambda candidate: counts[candidate])
    return best if counts[best] > 0 else ","


def parse_separator(text: str) -> str:
    named = {"\\t": "\t", "tab": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}
    separator = named.get(text.lower(), text)
    if len(separator) != 1:
        raise ImportLeadsError(f"--sep must be one character (or \\t / tab), got {text!r}")
    return separator


def parse_created_at(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError as error:
        raise ImportLeadsError(
            f"--created-at {text!r} is not a timestamp (expected e.g. '2010-12-01 00:00:00')"
        ) from error
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


def parse_mappings(pairs: Sequence[str]) -> list[tuple[str, str]]:
    mappings = []
    for pair in pairs:
        target, separator, source = pair.partition("=")
        target, source = target.strip().lower(), source.strip()
        if not separator or not target or not source:
            raise ImportLeadsError(f"--map {pair!r}: expected target=source, e.g. job_title=job")
        if target not in KNOWN_CONTACT_COLUMNS:
            raise ImportLeadsError(
                f"--map {pair!r}: unknown target {target!r}; the contacts columns are: "
                + ", ".join(KNOWN_CONTACT_COLUMNS)
            )
        mappings.append((target, source))
    return mappings


class ColumnResolver:
    """Finds a column named on the command line: its exact header, else its normalised name."""

    def __init__(self, columns: list[Column], input_path: Path):
        self.columns = columns
        self.input_path = input_path

    def file_columns(self) -> str:
        return ", ".join(repr(column.header) for column in self.columns)

    def resolve(self, option: str, name: str) -> Column:
        exact = [column for column in self.columns if column.header == name]
        if len(exact) == 1:
            return exact[0]
        by_normalised = [
            column
            for column in self.columns
            if normalise_name(column.header) == normalise_name(name) and normalise_name(name)
        ]
        if len(by_normalised) == 1:
            return by_normalised[0]
        if len(by_normalised) > 1:
            raise ImportLeadsError(
                f"{option} {name!r} is ambiguous: columns "
                + ", ".join(repr(column.header) for column in by_normalised)
                + " all normalise to "
                + repr(normalise_name(name))
                + "; use the exact header"
            )
        raise ImportLeadsError(
            f"{option} {name!r}: no such column in {self.input_path.name}; "
            f"the file's columns are: {self.file_columns()}"
        )


def plan_columns(
    headers: list[tuple[str, str | None]],
    input_path: Path,
    outcome_column: str,
    id_column: str | None,
    mappings: list[tuple[str, str]],
    drops: Sequence[str],
) -> list[Column]:
    """Give every column its role; every inconsistency is an ImportLeadsError."""
    columns = []
    for position, (source, header) in enumerate(headers):
        if header is None or not header.strip():
            raise ImportLeadsError(
                f"column {position + 1} of {input_path.name} has an empty header; "
                "every column needs a name"
            )
        columns.append(Column(position, header, sql_identifier(source)))
    seen: dict[str, Column] = {}
    for column in columns:
        if column.header in seen:
            raise ImportLeadsError(
                f"the header {column.header!r} appears twice in {input_path.name} "
                f"(columns {seen[column.header].position + 1} and {column.position + 1}); "
                "rename one of them"
            )
        seen[column.header] = column
    resolver = ColumnResolver(columns, input_path)

    def claim(column: Column, role: str, target: str, option: str) -> None:
        if column.role != "property":
            raise ImportLeadsError(
                f"{option}: column {column.header!r} is already the {column.role} column"
                + (f" ({column.target})" if column.target else "")
                + "; a column can have one use only"
            )
        column.role, column.target = role, target

    claim(resolver.resolve("--outcome-column", outcome_column), "outcome", "", "--outcome-column")
    if id_column is not None:
        claim(resolver.resolve("--id-column", id_column), "id", "contact_id", "--id-column")
    for name in drops:
        claim(resolver.resolve("--drop", name), "drop", "", f"--drop {name}")
    mapped_targets: dict[str, Column] = {}
    for target, source in mappings:
        if target in mapped_targets:
            raise ImportLeadsError(
                f"--map {target}=...: {target} is mapped twice "
                f"({mapped_targets[target].header!r} and {source!r})"
            )
        column = resolver.resolve(f"--map {target}={source}", source)
        claim(column, "contact", target, f"--map {target}={source}")
        mapped_targets[target] = column
    # automatic mapping and property names for everything left
    properties: dict[str, Column] = {}
    for column in columns:
        if column.role != "property":
            continue
        name = normalise_name(column.header)
        if not name:
            raise ImportLeadsError(
                f"column {column.header!r} has no letters or digits to make a property name "
                "from: --drop it or --map it to a contacts column"
            )
        if name in KNOWN_CONTACT_COLUMNS:
            if name in mapped_targets:
                raise ImportLeadsError(
                    f"column {column.header!r} would be mapped automatically to contacts.{name}, "
                    f"which --map {name}={mapped_targets[name].header} already fills: "
                    f"--drop {column.header!r} or --map it to another contacts column"
                )
            column.role, column.target = "contact", name
            mapped_targets[name] = column
            continue
        if name == "contact_id":
            raise ImportLeadsError(
                f"column {column.header!r} looks like the contact id: pass --id-column "
                f"{column.header!r} to use it as contact_id, or --drop it"
            )
        if name in RESERVED_PROPERTY_NAMES:
            raise ImportLeadsError(
                f"column {column.header!r} would become custom property {name!r}, a name the "
                "project reserves (it never reads it as a property): --drop it or --map it to "
                "a contacts column"
            )
        if name in properties:
            raise ImportLeadsError(
                f"columns {properties[name].header!r} and {column.header!r} both normalise to "
                f"property {name!r}: --drop one of them or --map one to a contacts column"
            )
        column.target = name
        properties[name] = column
    return columns


def check_out_folder(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise ImportLeadsError(f"--out {out} exists and is not a folder")
    if out.is_dir():
        # a folder named like an output file is not ours either: replacing out would delete it
        foreign = sorted(
            entry.name
            for entry in out.iterdir()
            if entry.name not in [*OUTPUT_FILES, SUMMARY_FILE] or not entry.is_file()
        )
        if foreign:
            raise ImportLeadsError(
                f"--out {out} exists and holds files this script does not write "
                f"({', '.join(foreign[:5])}{', ...' if len(foreign) > 5 else ''}); "
                "choose another folder or empty it"
            )


def remove_dead_staging_folders(out: Path) -> None:
    """The staging folders of imports killed before their cleanup (SIGKILL, a power cut): each
    live import holds a lock on its own, so one that can be locked is left over."""
    for folder in out.parent.glob(f".{out.name}.tmp-*"):
        try:
            handle = os.open(folder, os.O_RDONLY)
        except OSError:
            continue  # gone meanwhile, or not a folder
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            continue  # a live import's
        else:
            shutil.rmtree(folder, ignore_errors=True)
        finally:
            os.close(handle)


def replace_folder(staging: Path, out: Path) -> None:
    """Move the finished staging folder to out; an existing out is removed only afterwards."""
    previous = None
    if out.exists():
        previous = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
        previous.rmdir()
        out.rename(previous)
    try:
        staging.rename(out)
    except OSError:
        if previous is not None:
            previous.rename(out)
        raise
    if previous is not None:
        shutil.rmtree(previous, ignore_errors=True)


def read_export(
    con: duckdb.DuckDBPyConnection, input_path: Path, separator: str
) -> list[tuple[str, str | None]]:
    """Load the CSV as text into table `export` (row 0 = the header line, read as data so every
    header is seen exactly as written) and return (work table column, header) per column."""
    try:
        con.execute(
            "create table export as select * from read_csv("
            f"{sql_text(str(input_path))}, delim = {sql_text(separator)}, header = false, "
            # skip = 0: else the sniffer may skip leading lines that do not fit a later shape
            "all_varchar = true, quote = '\"', escape = '\"', skip = 0)"
        )
    except duckdb.Error as error:
        # DuckDB's sniffer message lists its search space; say which line is wrong instead
        found = csv_shape_problem(input_path, separator)
        detail = found or str(error).splitlines()[0]
        raise ImportLeadsError(f"cannot read {input_path} as CSV: {detail}") from error
    header = con.execute("select * from export where rowid = 0").fetchone()
    if header is None:
        raise ImportLeadsError(f"{input_path} is empty: expected a header line and lead rows")
    names = [row[0] for row in con.execute("describe export").fetchall()]
    return list(zip(names, header, strict=True))


def copy_to_parquet(con: duckdb.DuckDBPyConnection, query: str, path: Path) -> int:
    con.execute(f"copy ({query}) to {sql_text(str(path))} (format parquet, compression zstd)")
    return con.execute(f"select count(*) from read_parquet({sql_text(str(path))})").fetchone()[0]


def run_import(
    input_path: Path,
    out: Path,
    outcome_column: str,
    positive_values: Sequence[str],
    separator: str | None = None,
    id_column: str | None = None,
    mappings: Sequence[str] = (),
    drops: Sequence[str] = (),
    created_at: str | None = None,
    deal_days: int = 1,
) -> ImportSummary:
    """Import input_path into out (see the module docstring); ImportLeadsError on a problem."""
    started = time.monotonic()
    if not input_path.is_file():
        raise ImportLeadsError(f"input {input_path} not found")
    if deal_days < 0:
        raise ImportLeadsError(f"--deal-days must be 0 or more, got {deal_days}")
    positives = sorted({value.strip().lower() for value in positive_values if value.strip()})
    if not positives:
        raise ImportLeadsError("--positive-values is empty")
    parsed_mappings = parse_mappings(mappings)
    imported_at = datetime.now(UTC).replace(microsecond=0, tzinfo=None)
    default_created_at = parse_created_at(created_at) if created_at is not None else imported_at
    separator = parse_separator(separator) if separator else sniff_separator(input_path)
    out = out.absolute()
    check_out_folder(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    remove_dead_staging_folders(out)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    # held while this import runs: a later import removes the folder only once nobody holds it
    staging_lock = os.open(staging, os.O_RDONLY)
    fcntl.flock(staging_lock, fcntl.LOCK_EX)
    umask = os.umask(0)
    os.umask(umask)
    staging.chmod(0o777 & ~umask)  # mkdtemp makes it private; the output is an ordinary folder
    try:
        work_db = staging / ".work.duckdb"
        con = duckdb.connect(str(work_db))
        try:
            con.execute(f"set temp_directory = {sql_text(str(staging / '.work.tmp'))}")
            headers = read_export(con, input_path, separator)
            columns = plan_columns(
                headers, input_path, outcome_column, id_column, parsed_mappings, drops
            )
            summary = write_outputs(
                con,
                columns,
                staging,
                default_created_at,
                "--created-at" if created_at is not None else "now, UTC: --created-at not given",
                positives,
                deal_days,
                imported_at,
            )
        finally:
            con.close()
        for leftover in staging.glob(".work*"):  # the work database, its WAL, spill files
            if leftover.is_dir():
                shutil.rmtree(leftover)
            else:
                leftover.unlink()
        summary.input = str(input_path)
        summary.out = str(out)
        summary.separator = separator
        summary.seconds = round(time.monotonic() - started, 3)
        (staging / SUMMARY_FILE).write_text(json.dumps(asdict(summary), indent=2) + "\n")
        replace_folder(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        os.close(staging_lock)
    return summary


def write_outputs(
    con: duckdb.DuckDBPyConnection,
    columns: list[Column],
    folder: Path,
    default_created_at: datetime,
    created_at_source: str,
    positives: list[str],
    deal_days: int,
    imported_at: datetime,
) -> ImportSummary:
    by_role: dict[str, list[Column]] = {}
    for column in columns:
        by_role.setdefault(column.role, []).append(column)
    outcome = by_role["outcome"][0]
    id_columns = by_role.get("id", [])
    contact_columns = sorted(
        by_role.get("contact", []), key=lambda column: KNOWN_CONTACT_COLUMNS.index(column.target)
    )
    property_columns = by_role.get("property", [])
    created_at_column = next((c for c in contact_columns if c.target == "created_at"), None)

    rows_in = con.execute("select count(*) from export where rowid > 0").fetchone()[0]
    if rows_in == 0:
        raise ImportLeadsError("the export has a header but no lead rows")

    # contact ids
    if id_columns:
        id_column = id_columns[0]
        id_expression = f"trim({id_column.source})"
        empty = con.execute(
            f"select rowid from export where rowid > 0 and coalesce({id_expression}, '') = '' "
            "order by rowid limit 5"
        ).fetchall()
        if empty:
            raise ImportLeadsError(
                f"--id-column {id_column.header!r} is empty on data row(s) "
                + ", ".join(str(row[0]) for row in empty)
                + " (1-based, header not counted); every lead needs an id"
            )
        duplicates = con.execute(
            f"select {id_expression}, count(*) from export where rowid > 0 group by 1 "
            "having count(*) > 1 order by min(rowid) limit 5"
        ).fetchall()
        if duplicates:
            raise ImportLeadsError(
                f"--id-column {id_column.header!r} has duplicate ids: "
                + ", ".join(f"{value!r} ({count} rows)" for value, count in duplicates)
                + "; ids must be unique (after trimming spaces)"
            )
    else:
        width = max(GENERATED_ID_DIGITS, len(str(rows_in)))
        id_expression = f"'L' || lpad(cast(rowid as varchar), {width}, '0')"

    created_literal = f"timestamp {sql_text(default_created_at.isoformat(sep=' '))}"
    if created_at_column is not None:
        created_text = created_at_column.source
        created_timestamp = utc_timestamp_sql(f"nullif(trim({created_at_column.source}), '')")
    else:
        created_text = created_literal
        created_timestamp = created_literal
    positive_list = "[" + ", ".join(sql_text(value) for value in positives) + "]"
    con.execute(
        "create view leads as select rowid as row_number, "
        f"{id_expression} as contact_id, "
        f"{created_timestamp} as created_at_timestamp, "
        f"coalesce(list_contains({positive_list}, lower(trim({outcome.source}))), false) "
        "as is_positive, * from export where rowid > 0"
    )

    contact_select = ", ".join(
        ["contact_id"]
        + [
            f"{column.source} as {sql_identifier(column.target)}"
            for column in contact_columns
            if column.target != "created_at"
        ]
        + [f"{created_text} as created_at"]
    )
    contacts_out = copy_to_parquet(
        con,
        f"select {contact_select} from leads order by row_number",
        folder / "contacts.parquet",
    )

    if property_columns:
        # one thread: the cells come out in file order (rows, then columns) with no sort of
        # rows x columns values (a parallel unpivot interleaves chunks); memory stays flat
        con.execute("set threads = 1")
        renamed = ", ".join(
            f"{column.source} as {sql_identifier(column.target)}" for column in property_columns
        )
        names = ", ".join(sql_identifier(column.target) for column in property_columns)
        properties_query = (
            "select contact_id, property, value, updated_at from ("
            f"unpivot (select row_number, contact_id, created_at_timestamp as updated_at, "
            f"{renamed} from leads) on {names} into name property value value"
            ") where trim(value) <> ''"
        )
        cell_counts = ", ".join(
            f"count(*) filter (where trim({column.source}) <> '')" for column in property_columns
        )
        counts = con.execute(f"select {cell_counts} from leads").fetchone()
        non_empty_cells = sum(counts)
    else:
        properties_query = (
            "select cast(null as varchar) as contact_id, cast(null as varchar) as property, "
            "cast(null as varchar) as value, cast(null as timestamp) as updated_at where false"
        )
        non_empty_cells = 0
    properties_written = copy_to_parquet(
        con, properties_query, folder / "contact_properties.parquet"
    )

    # the outcome is known at the export: a deal closes --deal-days after its contact's creation
    # but not after the import (a build's default as_of, its start, then counts it), nor before
    # the contact's creation
    imported = f"timestamp {sql_text(imported_at.isoformat(sep=' '))}"
    deal_time = (
        f"greatest(created_at_timestamp, least(created_at_timestamp + to_days({deal_days}), "
        f"{imported}))"
    )
    deals = copy_to_parquet(
        con,
        "select 'D-' || contact_id as deal_id, contact_id, 'closed_won' as stage, "
        "cast(null as decimal(18, 2)) as amount, "
        f"{deal_time} as created_at, {deal_time} as closed_at "
        "from leads where is_positive order by row_number",
        folder / "deals.parquet",
    )
    # events (a required table) and sales_feedback: no rows, every column of the contract
    for table, timestamp_column in (("events", "occurred_at"), ("sales_feedback", "created_at")):
        spec = raw_contract()[table]
        columns = ", ".join(
            f"cast(null as {'timestamp' if name == timestamp_column else 'varchar'}) as {name}"
            for name in spec["required"] + spec["optional"]
        )
        copy_to_parquet(con, f"select {columns} where false", folder / f"{table}.parquet")

    outcome_values = [
        {"value": value, "rows": count, "positive": bool(positive)}
        for value, count, positive in con.execute(
            f"select {outcome.source}, count(*), bool_or(is_positive) from leads "
            "group by 1 order by 2 desc, 1 limit 20"
        ).fetchall()
    ]
    positive_rows = con.execute("select count(*) from leads where is_positive").fetchone()[0]
    unparseable = 0
    if created_at_column is not None:
        unparseable = con.execute(
            "select count(*) from leads where created_at_timestamp is null"
        ).fetchone()[0]

    # lossless: every row is one contact, every non-empty property cell one property row
    if contacts_out != rows_in:
        raise AssertionError(f"rows in {rows_in} != contacts out {contacts_out}")
    if properties_written != non_empty_cells:
        raise AssertionError(
            f"properties written {properties_written} != non-empty cells {non_empty_cells}"
        )
    if deals != positive_rows:
        raise AssertionError(f"deals {deals} != positive rows {positive_rows}")

    return ImportSummary(
        input="",
        out="",
        separator="",
        rows_in=rows_in,
        contacts_out=contacts_out,
        properties_written=properties_written,
        non_empty_property_cells=non_empty_cells,
        deals=deals,
        outcome_column=outcome.header,
        positive_values=positives,
        outcome_values=outcome_values,
        id_column=id_columns[0].header if id_columns else None,
        created_at=(
            f"from column {created_at_column.header!r}"
            + (" (--created-at ignored)" if created_at_source == "--created-at" else "")
            if created_at_column is not None
            else default_created_at.isoformat(sep=" ")
        ),
        created_at_source=created_at_source,
        deal_days=deal_days,
        columns_mapped={c.header: c.target for c in contact_columns},
        columns_as_properties={c.header: c.target for c in property_columns},
        columns_dropped=[c.header for c in by_role.get("drop", [])],
        unparseable_created_at=unparseable,
    )


def format_summary(summary: ImportSummary) -> str:
    def renamed(mapping: dict[str, str]) -> str:
        if not mapping:
            return "(none)"
        return ", ".join(
            source if source == target else f"{source} -> {target}"
            for source, target in mapping.items()
        )

    outcome = ", ".join(
        f"{item['value']!r} {item['rows']:,} ({'positive' if item['positive'] else 'negative'})"
        for item in summary.outcome_values
    )
    separator = {"\t": "tab"}.get(summary.separator, summary.separator)
    lines = [
        f"imported {summary.input} -> {summary.out} (separator {separator!r}) "
        f"in {summary.seconds:.1f} s",
        f"  rows in:               {summary.rows_in:,}",
        f"  contacts out:          {summary.contacts_out:,} "
        f"(contact_id {'from ' + repr(summary.id_column) if summary.id_column else 'generated'})",
        f"  created_at:            {summary.created_at}"
        + ("" if summary.created_at.startswith("from") else f" ({summary.created_at_source})"),
        f"  outcome {summary.outcome_column!r}:  {outcome}",
        f"  deals (closed_won):    {summary.deals:,} (+{summary.deal_days} day(s))",
        f"  properties written:    {summary.properties_written:,} "
        f"(= non-empty cells of {len(summary.columns_as_properties)} property columns)",
        f"  columns mapped:        {renamed(summary.columns_mapped)}",
        f"  columns as properties: {renamed(summary.columns_as_properties)}",
        f"  columns dropped:       {', '.join(summary.columns_dropped) or '(none)'}",
    ]
    if summary.unparseable_created_at:
        lines.append(
            f"  WARNING: {summary.unparseable_created_at:,} created_at value(s) are empty or not "
            "timestamps: dbt quarantines those contacts (and their deals)"
        )
    if summary.deals == 0:
        lines.append("  WARNING: no row has a positive outcome: check --positive-values")
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=(
            "Column names on the command line match a header exactly or by its normalised\n"
            "form (lower-case, runs of characters other than a-z0-9 -> '_', trimmed of '_'; e.g.\n"
            "emp.var.rate = emp_var_rate). Every problem (unknown column, duplicate or empty id,\n"
            "two columns normalising to one property name, ...) stops the import before\n"
            "anything is written.\n\n"
            "Example: import_leads.py bank-additional-full.csv --out data/bank --outcome-column y\n"
            "         --map job_title=job --drop duration --created-at '2010-12-01 00:00:00'"
        ),
    )
    parser.add_argument("input", type=Path, help="the lead export (CSV with a header line)")
    parser.add_argument(
        "--out", type=Path, required=True, help="output folder (replaced only after success)"
    )
    parser.add_argument(
        "--outcome-column",
        required=True,
        help="column telling whether the lead converted; it becomes deals, not a property",
    )
    parser.add_argument(
        "--positive-values",
        default=DEFAULT_POSITIVE_VALUES,
        help="comma-separated outcome values that mean converted (case-insensitive, trimmed; "
        f"default {DEFAULT_POSITIVE_VALUES}); anything else, empty included, is not converted",
    )
    parser.add_argument(
        "--sep",
        help="field separator (default: sniffed from the header line among , ; tab |); "
        "\\t or tab for a tab",
    )
    parser.add_argument(
        "--id-column",
        help="column holding the contact id (trimmed). Default: generated ids L00000001, "
        "L00000002, ... by row number in file order. An empty or duplicate id is an error "
        "(nothing is written) rather than rows left for dbt to quarantine",
    )
    parser.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="TARGET=SOURCE",
        help="fill contacts column TARGET from column SOURCE (repeatable), e.g. "
        "job_title=job. Targets: " + ", ".join(KNOWN_CONTACT_COLUMNS),
    )
    parser.add_argument(
        "--drop",
        action="append",
        default=[],
        metavar="COLUMN",
        help="leave this column out (repeatable), e.g. a column that leaks the outcome",
    )
    parser.add_argument(
        "--created-at",
        help="created_at of every contact when no created_at column is mapped (UTC, e.g. "
        "'2010-12-01 00:00:00'; default: now, to the second)",
    )
    parser.add_argument(
        "--deal-days",
        type=int,
        default=1,
        help="a positive outcome's closed_won deal is created and closed this many days after "
        "the contact's created_at, at the latest at the import time (default 1)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    # a scheduler's stop (SIGTERM) unwinds like an error, so the staging folder is removed
    stopped_by = []

    def stop(number, frame):
        stopped_by.append(number)
        sys.exit(128 + number)

    signal.signal(signal.SIGTERM, stop)
    try:
        summary = run_import(
            input_path=args.input,
            out=args.out,
            outcome_column=args.outcome_column,
            positive_values=args.positive_values.split(","),
            separator=args.sep,
            id_column=args.id_column,
            mappings=args.map,
            drops=args.drop,
            created_at=args.created_at,
            deal_days=args.deal_days,
        )
    except BaseException as error:
        # mid-query, DuckDB turns the handler's exit into its own "Query interrupted" error
        if stopped_by:
            print("import_leads: stopped (SIGTERM); nothing was written", file=sys.stderr)
            return 128 + stopped_by[0]
        if not isinstance(error, ImportLeadsError):
            raise
        print(f"import_leads: error: {error}", file=sys.stderr)
        print("nothing was written", file=sys.stderr)
        return 2
    print(format_summary(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
