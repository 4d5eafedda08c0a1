"""Write the raw files "as they would have been exported at the end of day D".

Replays a raw folder (e.g. one written by generate_demo_data.py) one day at a time, to test and
measure incremental runs on data that grows like a real export. Each table is filtered by its own
timestamp, read the way staging reads it (trimmed text, try_cast to timestamp):

- events: occurred_at before the end of D (day D + 1, 00:00, exclusive);
- contacts: created_at before the end of D;
- deals, sales_feedback: their created_at before the end of D;
- contact_properties (and contact_truth, the generator's hidden truth, when present): the rows of
  the contacts kept; rows naming a contact_id no contacts row has, or none, from the first day.

Rows whose timestamp is missing or unparseable are in every slice (bad rows from the first day);
rows dated after --end-day (the last day of the history, e.g. the generator's "future" events)
arrive on --end-day. So slicing at --end-day or later reproduces the input rows exactly (the same
row multiset; the row order is kept too). Rows are written as they are: a deal exported on D
already carries its later stage and closed_at, a contact its latest updated_at.

Each table keeps its format (`<table>.parquet` or `<table>.csv`, single files); CSVs are read as
text, like the dbt hook reads them. All tables are written to temp files in --out first, then
renamed into place, so a reader sees either the old file or the new one of each table.

Example:
    python scripts/slice_raw_by_day.py --src data/raw --day 2026-10-30 --out /tmp/raw_2026-10-30
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path

import duckdb
from atomic_files import replace_atomically
from raw_contract import sql_text, utc_timestamp_sql

# table -> its timestamp column; None: the table follows its contact (contact_id)
SLICED_TABLES = {
    "contacts": "created_at",
    "contact_properties": None,
    "events": "occurred_at",
    "deals": "created_at",
    "sales_feedback": "created_at",
    "contact_truth": None,
}
REQUIRED_TABLES = ("contacts", "events")
FORMATS = ("parquet", "csv")


def raw_file(src: Path, table: str) -> Path | None:
    """The one `<table>.parquet` or `<table>.csv` of a raw folder (None when absent)."""
    found = [src / f"{table}.{fmt}" for fmt in FORMATS if (src / f"{table}.{fmt}").is_file()]
    if (src / table).is_dir():
        raise ValueError(
            f"{src / table}: folders of raw files are not supported, only single files"
        )
    if len(found) > 1:
        raise ValueError(f"{table} exists both as Parquet and as CSV in {src}")
    return found[0] if found else None


def _reader(path: Path) -> str:
    if path.suffix == ".parquet":
        return f"read_parquet({sql_text(str(path))})"
    # all text, like macros/register_raw_files.sql: the slice keeps every value as it was
    return f"read_csv({sql_text(str(path))}, header = true, all_varchar = true, comment = '')"


def _timestamp(column: str) -> str:
    """The column as staging reads it: trimmed, empty = null, in UTC (null when unparseable)."""
    return utc_timestamp_sql(f"nullif(trim(cast({column} as varchar)), '')")


def _arrived(column: str, cut: str, end: str) -> str:
    """True when a row with this timestamp is in the export of the day before `cut`:
    missing / unparseable timestamps always, later than the history's end on its last day."""
    value = _timestamp(column)
    return f"({value} is null or least({value}, {end}) < {cut})"


def _contact_id(column: str) -> str:
    return f"nullif(trim(cast({column} as varchar)), '')"


def latest_day(src: Path) -> dt.date:
    """The last day of the history: the day of the latest parseable contacts.created_at."""
    contacts = raw_file(src, "contacts")
    if contacts is None:
        raise ValueError(f"no contacts.parquet or contacts.csv in {src}")
    with duckdb.connect() as connection:
        (latest,) = connection.execute(
            f"select max({_timestamp('created_at')}) from {_reader(contacts)}"
        ).fetchone()
    if latest is None:
        raise ValueError(f"{contacts}: no parseable created_at to take the last day from")
    return latest.date()


def slice_raw(src: Path, out: Path, day: dt.date, end_day: dt.date | None = None) -> dict[str, int]:
    """Write the tables of `src` as exported at the end of `day` into `out`; rows per table.

    end_day: the last day of the history (default: the latest contacts.created_at day); rows
    dated after it are in the slices of end_day and later only.
    """
    src, out = Path(src).resolve(), Path(out).resolve()
    if not src.is_dir():
        raise ValueError(f"{src}: no such folder")
    if src == out:
        raise ValueError("--out must not be the source folder")
    files = {table: raw_file(src, table) for table in SLICED_TABLES}
    missing = [table for table in REQUIRED_TABLES if files[table] is None]
    if missing:
        raise ValueError(f"{src} has no {' / '.join(missing)} file")
    end_day = end_day or latest_day(src)
    cut = f"timestamp '{day + dt.timedelta(days=1)} 00:00:00'"
    end = f"timestamp '{end_day} 00:00:00'"
    out.mkdir(parents=True, exist_ok=True)

    connection = duckdb.connect()
    # one thread streams each file in its row order with little memory (several threads need
    # to buffer out-of-order batches to keep it: ~0.7 GB per million events), and is as fast
    connection.execute("set threads = 1")
    connection.execute("set preserve_insertion_order = true")
    connection.execute(
        f"create temp view all_contacts as select * from {_reader(files['contacts'])}"
    )
    connection.execute(
        "create temp table contact_ids as "
        f"select {_contact_id('contact_id')} as contact_id, "
        f"bool_or({_arrived('created_at', cut, end)}) as is_kept "
        "from all_contacts group by 1"
    )
    rows: dict[str, int] = {}
    written: list[tuple[Path, Path]] = []
    try:
        for table, column in SLICED_TABLES.items():
            path = files[table]
            if path is None:
                continue
            if column is not None:
                query = f"select * from {_reader(path)} where {_arrived(column, cut, end)}"
            else:  # the rows of kept contacts; unknown or missing contact_id from the first day
                query = (
                    f"select * from {_reader(path)} as source "
                    f"where coalesce((select is_kept from contact_ids "
                    f"where contact_ids.contact_id = {_contact_id('source.contact_id')}), true)"
                )
            temporary = out / f".{path.name}.{os.getpid()}.tmp"
            options = (
                "format parquet, compression zstd"
                if path.suffix == ".parquet"
                else ("format csv, header true")
            )
            (count,) = connection.execute(f"copy ({query}) to '{temporary}' ({options})").fetchone()
            rows[table] = count
            written.append((temporary, out / path.name))
        targets = {target for _, target in written}
        for table in SLICED_TABLES:  # no stale table, none in both formats (the hook refuses it)
            for fmt in FORMATS:
                if out / f"{table}.{fmt}" not in targets:
                    (out / f"{table}.{fmt}").unlink(missing_ok=True)
        for temporary, target in written:
            replace_atomically(temporary, target)
    finally:
        connection.close()
        for temporary, _ in written:
            temporary.unlink(missing_ok=True)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--src", type=Path, required=True, help="folder of the full raw files")
    parser.add_argument(
        "--day", type=dt.date.fromisoformat, required=True, help="cut-off day D, YYYY-MM-DD"
    )
    parser.add_argument("--out", type=Path, required=True, help="folder the slice is written to")
    parser.add_argument(
        "--end-day",
        type=dt.date.fromisoformat,
        default=None,
        help="last day of the history (default: the latest contacts.created_at day)",
    )
    args = parser.parse_args(argv)
    try:
        rows = slice_raw(args.src, args.out, args.day, args.end_day)
    except (ValueError, duckdb.Error) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    for table, count in rows.items():
        print(f"{table}: {count:,} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
