"""Publish the marts of a finished build to the database BI tools read, swapped in atomically.

BI tools never open the build's DuckDB file: a reader holding it (even read-only) would make the
next `dbt build` fail on the file lock, and a running build would block the reader. Instead, after
a successful build, this script copies the public tables (dim_*, fct_*, rpt_*, quarantine_*) into a
new file beside the served one, written in an older storage format (default v1.5.0, so BI drivers
that bundle DuckDB 1.5 can open it), checks it, and renames it over the served file. The rename is
atomic: a reader sees the previous publication or the new one, never a half-written one, and a
reader that still has the previous file open keeps reading it until it reconnects (the old file
lives on until its last reader closes it). A `_publication` table records when, from which build
(as_of, config_version) and how many rows each table had.

Usage: .venv/bin/python scripts/publish.py [--database lead_scoring.duckdb]
       [--served served/lead_scoring.duckdb] [--storage-version v1.5.0]
"""

from __future__ import annotations

import argparse
import fcntl
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

import duckdb
from atomic_files import replace_atomically
from raw_contract import sql_text

PUBLIC_PREFIXES = ("dim_", "fct_", "rpt_", "quarantine_")


def crash_point(name: str) -> None:
    """Fault injection for tests: die right here, like a killed process (no cleanup)."""
    if os.environ.get("LEAD_SCORING_PUBLISH_CRASH_AT") == name:
        os._exit(70)


def public_tables(connection: duckdb.DuckDBPyConnection) -> list[str]:
    rows = connection.execute(
        "select table_name from information_schema.tables "
        "where table_catalog = 'build' and table_schema = 'main' and table_type = 'BASE TABLE' "
        "order by table_name"
    ).fetchall()
    return [name for (name,) in rows if name.startswith(PUBLIC_PREFIXES)]


def build_info(connection: duckdb.DuckDBPyConnection) -> tuple[str | None, str | None]:
    """as_of and config_version of the build (from fct_lead_scores, when it has rows)."""
    row = connection.execute(
        "select max(scored_at), max(config_version) from build.main.fct_lead_scores"
    ).fetchone()
    return (str(row[0]) if row[0] is not None else None, row[1])


def publish(database: Path, served: Path, storage_version: str) -> dict[str, int]:
    """Copy the public tables into a new file and swap it in; returns rows per table."""
    served.parent.mkdir(parents=True, exist_ok=True)
    # one fixed temp name: the caller holds the lock, and a publication killed midway leaves
    # only this file behind, removed here by the next one
    temporary = served.with_name(f".{served.name}.publishing")
    for leftover in (temporary, temporary.with_name(temporary.name + ".wal")):
        leftover.unlink(missing_ok=True)
    connection = duckdb.connect()
    try:
        connection.execute(f"attach {sql_text(str(database))} as build (read_only)")
        tables = public_tables(connection)
        if "fct_lead_scores" not in tables:
            raise SystemExit(
                f"{database} has no fct_lead_scores table: run `dbt build` before publishing"
            )
        as_of, config_version = build_info(connection)
        connection.execute(
            f"attach {sql_text(str(temporary))} as served "
            f"(storage_version {sql_text(storage_version)})"
        )
        counts: dict[str, int] = {}
        for table in tables:
            connection.execute(
                f"create table served.main.{table} as select * from build.main.{table}"
            )
            counts[table] = connection.execute(
                f"select count(*) from served.main.{table}"
            ).fetchone()[0]
            source_count = connection.execute(
                f"select count(*) from build.main.{table}"
            ).fetchone()[0]
            if counts[table] != source_count:
                raise SystemExit(f"{table}: copied {counts[table]} rows of {source_count}")
        published_at = datetime.now(UTC).replace(tzinfo=None)
        connection.execute(
            "create table served.main._publication as select * from (values "
            + ", ".join("(?, ?, ?, ?, ?)" for _ in counts)
            + ") as t(table_name, row_count, published_at, as_of, config_version)",
            [
                value
                for table, count in counts.items()
                for value in (
                    table,
                    count,
                    published_at,
                    as_of,
                    config_version,
                )
            ],
        )
        connection.execute("checkpoint served")
        connection.execute("detach served")
        connection.execute("detach build")
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    finally:
        connection.close()
    crash_point("before_swap")
    # a WAL beside the served file belongs to the file being replaced (a client opened it
    # read-write, wrote, and was killed or is still open): DuckDB would replay it against the new
    # file and refuse to open it ("WAL does not match database file"). The served copy is
    # read-only by contract, so whatever that client wrote is dropped with the old file.
    served.with_name(served.name + ".wal").unlink(missing_ok=True)
    replace_atomically(temporary, served)
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", type=Path, default=Path("lead_scoring.duckdb"))
    parser.add_argument("--served", type=Path, default=Path("served/lead_scoring.duckdb"))
    parser.add_argument(
        "--storage-version",
        default="v1.5.0",
        help="DuckDB storage format of the served file (oldest DuckDB that must read it)",
    )
    args = parser.parse_args(argv)
    if not args.database.exists():
        print(f"no build database at {args.database}: run `dbt build` first", file=sys.stderr)
        return 2
    args.served.parent.mkdir(parents=True, exist_ok=True)
    # one publisher at a time per served file (a second one waits)
    with open(args.served.with_name(f".{args.served.name}.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        counts = publish(args.database, args.served, args.storage_version)
    print(
        f"published {len(counts)} tables ({sum(counts.values())} rows) to {args.served} "
        f"(storage {args.storage_version})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
