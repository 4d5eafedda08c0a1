"""Incremental runs give the same marts as a full build, on raw files replayed day by day.

A generated data set is cut into the exports of consecutive days (scripts/slice_raw_by_day.py).
- Day by day: project A is built in full on the first day's export, then runs incrementally on
  each following day's export with as_of = the end of that day; project B is built once in full
  on the last day's export with the same as_of. Every mart (dim_, fct_, rpt_, quarantine_ tables;
  not the run log) must hold the same rows in both DuckDB files, and so must the tables whose
  incremental runs keep a contact's rows from before its replaced_from (config
  replaced_from_column): the scores of later days are computed from them.
- Late events: an event arriving one day after it occurred (inside var event_lookback_days) is
  picked up by the next incremental run; one arriving later than the lookback makes that run
  reload and recompute everything; both equal a full build, and so does `--full-refresh`.
- The slicer: the slice of the last day is the input, row for row.

13 dbt invocations of ~11 s on 300 contacts, the full reference builds run alongside the
incremental ones (dbt is a subprocess): about 1.5 minutes on 2 cores.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from itertools import pairwise
from pathlib import Path

import duckdb
import pytest
from dbt_harness import REPO_ROOT, DbtProject
from slice_raw_by_day import SLICED_TABLES, slice_raw

END_DAY = dt.date(2025, 6, 30)  # the generated history: 60 days up to END_DAY
FIRST_DAY = END_DAY - dt.timedelta(days=5)  # day by day: a full build, then 5 incremental runs
LOOKBACK_DAYS = 3  # var event_lookback_days, the default, passed explicitly
MART_PREFIXES = ("dim_", "fct_", "rpt_", "quarantine_")
# The log of completed runs: one row per run by design, so never compared between projects.
# Every assertion about it is in test_run_log_records_every_run.
RUN_LOG_TABLE = "fct_scoring_runs"
MAX_EXAMPLES = 3


def generate(out: Path, *extra: str) -> Path:
    subprocess.run(
        [
            sys.executable,
            str(REPO_ROOT / "scripts" / "generate_demo_data.py"),
            "--contacts",
            "300",
            "--days",
            "60",
            "--end-date",
            str(END_DAY),
            "--out",
            str(out),
            *extra,
        ],
        check=True,
        capture_output=True,
    )
    return out


@pytest.fixture(scope="module")
def full_raw(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(tmp_path_factory.mktemp("incremental") / "raw_full")


def end_of(day: dt.date) -> str:
    return f"{day} 23:59:59"


def run(
    project: DbtProject,
    day: dt.date,
    *,
    full: bool = False,
    seeds: bool = False,
    tests: bool = False,
    verify: bool = True,
) -> None:
    """`dbt run` with as_of = the end of `day` (incremental unless `full`); with `seeds`, a
    `dbt build` of seeds and models, no tests (a fresh project has no seed tables yet); with
    `tests`, a whole `dbt build` (every data and unit test, e.g. raw = accepted + quarantined).
    `verify`: the run checks the rows it keeps against a whole recomputation (var
    verify_kept_history); without it, the kept-history models resume from their stored rows."""
    if tests:
        command = ["build"]
    elif seeds:
        command = ["build", "--exclude-resource-type", "test", "unit_test"]
    else:
        command = ["run"]
    if full:
        command.append("--full-refresh")
    dbt_vars = {
        "as_of": end_of(day),
        "event_lookback_days": LOOKBACK_DAYS,
        "verify_kept_history": verify,
    }
    result = project.dbt(*command, vars=dbt_vars)
    assert result.returncode == 0, f"dbt {' '.join(command)} on {day}:\n{result.output[-6000:]}"


def export_day(
    project: DbtProject, full_raw: Path, day: dt.date, late: tuple = (), demo_ids: tuple = ()
) -> None:
    """Put the export of `day` into the project's raw folder, plus late-arriving events
    (dicts of events columns; the others are null) that the export of their own day lacked, and
    with the events of `demo_ids` edited in place into demo requests."""
    slice_raw(full_raw, project.raw_dir, day, end_day=END_DAY)
    if not late and not demo_ids:
        return
    events = project.raw_dir / "events.parquet"
    rows = "".join(
        " union all by name select "
        + ", ".join(f"'{value}' as {column}" for column, value in event.items())
        for event in late
    )
    edited = ", ".join(f"'{event_id}'" for event_id in demo_ids) or "null"
    temporary = events.with_name(".events.late.parquet")
    with duckdb.connect() as connection:
        connection.execute(
            "copy (select * replace ("
            f"case when event_id in ({edited}) then 'form_submission' else event_type end "
            "as event_type, "
            f"case when event_id in ({edited}) then 'demo_request' else form_id end as form_id) "
            f"from read_parquet('{events}'){rows}) to '{temporary}' (format parquet)"
        )
    os.replace(temporary, events)


def kept_history_models() -> set[str]:
    """The models whose incremental runs keep a contact's stored rows from before its
    replaced_from (config replaced_from_column): a wrong kept row would only show in the marts of
    a later day, so their tables are compared too."""
    return {
        path.stem
        for path in (REPO_ROOT / "models").rglob("*.sql")
        if "replaced_from_column=" in path.read_text()
    }


def mart_tables(connection: duckdb.DuckDBPyConnection, database: str) -> set[str]:
    names = connection.execute(
        "select table_name from information_schema.tables "
        "where table_catalog = ? and table_schema = 'main'",
        [database],
    ).fetchall()
    kept = kept_history_models()
    return {
        name
        for (name,) in names
        if (name.startswith(MART_PREFIXES) and name != RUN_LOG_TABLE) or name in kept
    }


def comparable_rows(database: str, table: str, columns: list[str]) -> str:
    """The table as a subquery both projects can be compared by: contact_number (numbered anew
    by each full build) as the contact_id it numbers, score_key (made of it) as the
    model_number it holds (score_key = contact_number * model_count + model_number)."""
    if "contact_number" not in columns:
        return f"{database}.main.{table}"
    model_number = (
        f", rows.score_key % (select count(*) from {database}.main_config.scoring_models) "
        "as numbered_model_number"
        if "score_key" in columns
        else ""
    )
    return (
        f"(select rows.*, numbers.contact_id as numbered_contact_id{model_number} "
        f"from {database}.main.{table} as rows left join {database}.main.int_contact_numbers "
        "as numbers on rows.contact_number = numbers.contact_number)"
    )


def mart_differences(left: DbtProject, right: DbtProject) -> list[str]:
    """One line per mart (and kept-history table) whose rows differ (EXCEPT ALL both ways),
    with example rows.

    Doubles (the rates of the rpt_ tables) are compared rounded to 9 decimals."""
    problems: list[str] = []
    with duckdb.connect() as connection:
        connection.execute(f"attach '{left.db_path}' as left_db (read_only)")
        connection.execute(f"attach '{right.db_path}' as right_db (read_only)")
        left_tables = mart_tables(connection, "left_db")
        right_tables = mart_tables(connection, "right_db")
        assert len(left_tables) > 15, sorted(left_tables)
        assert kept_history_models() <= left_tables, sorted(kept_history_models() - left_tables)
        if left_tables != right_tables:
            problems.append(
                f"tables only in {left.root.name}: {sorted(left_tables - right_tables)}, "
                f"only in {right.root.name}: {sorted(right_tables - left_tables)}"
            )
        for table in sorted(left_tables & right_tables):
            columns = {
                database: connection.execute(
                    "select column_name, data_type from information_schema.columns "
                    "where table_catalog = ? and table_schema = 'main' and table_name = ? "
                    "order by ordinal_position",
                    [database, table],
                ).fetchall()
                for database in ("left_db", "right_db")
            }
            if columns["left_db"] != columns["right_db"]:
                problems.append(f"{table}: columns differ: {columns}")
                continue
            compared = [
                (name, data_type)
                for name, data_type in columns["left_db"]
                if name not in ("contact_number", "score_key")
            ]
            if any(name == "contact_number" for name, _ in columns["left_db"]):
                compared.append(("numbered_contact_id", "VARCHAR"))
                if any(name == "score_key" for name, _ in columns["left_db"]):
                    compared.append(("numbered_model_number", "BIGINT"))
            names = [name for name, _ in compared]
            select_list = ", ".join(
                f'round("{name}", 9)' if data_type in ("DOUBLE", "FLOAT") else f'"{name}"'
                for name, data_type in compared
            )
            source = {
                database: comparable_rows(database, table, [name for name, _ in columns[database]])
                for database in ("left_db", "right_db")
            }
            counts, only = {}, {}
            for this, other in (("left_db", "right_db"), ("right_db", "left_db")):
                (counts[this],) = connection.execute(
                    f"select count(*) from {this}.main.{table}"
                ).fetchone()
                only[this] = connection.execute(
                    f"select {select_list} from {source[this]} except all "
                    f"select {select_list} from {source[other]} order by all"
                ).fetchall()
            if only["left_db"] or only["right_db"]:
                lines = [
                    f"{table}: {counts['left_db']} rows in {left.root.name}, "
                    f"{counts['right_db']} in {right.root.name}; "
                    f"{len(only['left_db'])} only in {left.root.name}, "
                    f"{len(only['right_db'])} only in {right.root.name}"
                ]
                for database, project in (("left_db", left), ("right_db", right)):
                    for row in only[database][:MAX_EXAMPLES]:
                        values = ", ".join(
                            f"{name}={value!s:.60}"
                            for name, value in zip(names, row, strict=True)
                            if value is not None
                        )
                        lines.append(f"    only in {project.root.name}: {values}")
                problems.append("\n".join(lines))
    return problems


# ------------------------------------------------------------------------------------------------
# The slicer
# ------------------------------------------------------------------------------------------------


def read_rows(path: Path) -> list[tuple]:
    reader = (
        f"read_parquet('{path}')"
        if path.suffix == ".parquet"
        else f"read_csv('{path}', header = true, all_varchar = true)"
    )
    with duckdb.connect() as connection:
        return connection.execute(f"select * from {reader}").fetchall()


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_slice_of_the_last_day_is_the_input(fmt: str, full_raw: Path, tmp_path: Path) -> None:
    source = full_raw if fmt == "parquet" else generate(tmp_path / "raw_csv", "--format", fmt)
    sliced = tmp_path / "sliced"
    slice_raw(source, sliced, FIRST_DAY, end_day=END_DAY)  # an earlier day first: overwritten
    rows = slice_raw(source, sliced, END_DAY)  # end_day inferred from contacts.created_at
    assert set(rows) == set(SLICED_TABLES)
    for table in SLICED_TABLES:
        expected = read_rows(source / f"{table}.{fmt}")
        assert rows[table] == len(expected) > 0, table
        # the same rows (with their types), in the same order
        assert read_rows(sliced / f"{table}.{fmt}") == expected, table
    assert sorted(path.name for path in sliced.iterdir()) == sorted(
        path.name for path in source.iterdir()
    )


def test_slices_grow_day_by_day(full_raw: Path, tmp_path: Path) -> None:
    """Bad timestamps from the first day on, rows dated after the history's end on its last day."""
    day_one = END_DAY - dt.timedelta(days=59)
    days = [day_one - dt.timedelta(days=1), day_one, FIRST_DAY, END_DAY - dt.timedelta(days=1)]
    counts = {day: slice_raw(full_raw, tmp_path / str(day), day, end_day=END_DAY) for day in days}
    occurred_at = "try_cast(trim(occurred_at) as timestamp)"
    with duckdb.connect() as connection:
        unparseable, before_last_day, total = connection.execute(
            f"select count(*) filter (where {occurred_at} is null), "
            f"count(*) filter (where {occurred_at} is null "
            f"or {occurred_at} < timestamp '{END_DAY}'), count(*) "
            f"from read_parquet('{full_raw}/events.parquet')"
        ).fetchone()
    assert 0 < unparseable < before_last_day < total
    assert counts[days[0]]["events"] == unparseable
    assert counts[days[-1]]["events"] == before_last_day  # none dated after the history's end
    for earlier, later in pairwise(days):
        assert all(counts[earlier][t] <= counts[later][t] for t in SLICED_TABLES), counts


# ------------------------------------------------------------------------------------------------
# Day by day equals full
# ------------------------------------------------------------------------------------------------


def build_day_by_day(
    root: Path, full_raw: Path, configure=None
) -> tuple[DbtProject, DbtProject, list[dt.date]]:
    """A: full build on FIRST_DAY, then one incremental run per day up to END_DAY;
    B: one full build on END_DAY's export. `configure(project)` edits both projects first.
    Every other day runs with the kept-history audit, the others resume from the stored rows
    (both paths, each on the other's stored rows)."""
    daily, full = DbtProject(root / "daily"), DbtProject(root / "full")
    if configure:
        configure(daily)
        configure(full)
    days = [FIRST_DAY + dt.timedelta(days=k) for k in range((END_DAY - FIRST_DAY).days + 1)]
    with ThreadPoolExecutor(max_workers=1) as background:  # B meanwhile (dbt is a subprocess)
        export_day(full, full_raw, END_DAY)
        full_built = background.submit(run, full, END_DAY, full=True, seeds=True)
        export_day(daily, full_raw, days[0])
        run(daily, days[0], full=True, seeds=True)
        for number, day in enumerate(days[1:]):
            export_day(daily, full_raw, day)
            run(daily, day, tests=day == days[-1], verify=number % 2 == 1)
        full_built.result()
    return daily, full, days


@pytest.fixture(scope="module")
def day_by_day(
    full_raw: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[DbtProject, DbtProject, list[dt.date]]:
    return build_day_by_day(tmp_path_factory.mktemp("day_by_day"), full_raw)


def test_day_by_day_incremental_runs_equal_a_full_build(
    day_by_day: tuple[DbtProject, DbtProject, list[dt.date]],
) -> None:
    daily, full, _ = day_by_day
    problems = mart_differences(daily, full)
    assert not problems, "\n".join(problems)


def require_rules_with_short_windows(project: DbtProject) -> None:
    """mql also requires an email click that counts for 7 days only (3 most recent: a 4th pushes
    the oldest out before its window ends), sql a demo request: qualification then changes when a
    match leaves its window, a scheduled change the contact choice must not miss."""
    seeds = project.root / "seeds"
    rules = (seeds / "scoring_rules.csv").read_text()
    short = rules.replace(",email_click,,,,,3,3,90,", ",email_click,,,,,3,3,7,")
    assert short != rules
    (seeds / "scoring_rules.csv").write_text(short)
    thresholds = (seeds / "lifecycle_thresholds.csv").read_text()
    required = thresholds.replace("default,mql,60,\n", "default,mql,60,email_click\n").replace(
        "default,sql,100,\n", "default,sql,100,demo_request\n"
    )
    assert required.count("email_click") == 1 and required.count("demo_request") == 1
    (seeds / "lifecycle_thresholds.csv").write_text(required)


def test_day_by_day_with_required_rules_equals_a_full_build(full_raw: Path, tmp_path: Path) -> None:
    daily, full, _ = build_day_by_day(tmp_path, full_raw, require_rules_with_short_windows)
    problems = mart_differences(daily, full)
    assert not problems, "\n".join(problems)
    # the variant is only worth its time if a required match left its window in the period
    left_window = daily.query_dict(
        "select count(*) as n from ("
        "  select changed_at, is_mql_rule_matched, lag(is_mql_rule_matched) over ("
        "    partition by contact_id order by changed_at) as was_matched"
        "  from main.int_lead_score_timeline where model_id = 'default'"
        ") as moments where was_matched and not is_mql_rule_matched"
        f" and changed_at > '{end_of(FIRST_DAY)}'"
    )
    assert left_window[0]["n"] > 0


def run_log(project: DbtProject) -> list[dict]:
    """The rows of the run log in run order."""
    return project.query_dict(
        "select run_mode, as_of, recompute_all_reason, contacts_recomputed, contacts_total "
        f"from main.{RUN_LOG_TABLE} order by started_at"
    )


def last_run(project: DbtProject) -> dict:
    return run_log(project)[-1]


def test_run_log_records_every_run(
    day_by_day: tuple[DbtProject, DbtProject, list[dt.date]],
) -> None:
    """Only place that reads the run log: one row per completed run, full then incremental."""
    daily, full, days = day_by_day
    runs = run_log(daily)
    assert [r["run_mode"] for r in runs] == ["full"] + ["incremental"] * (len(days) - 1)
    assert [str(r["as_of"])[:19] for r in runs] == [end_of(day) for day in days]
    assert all(r["contacts_recomputed"] <= r["contacts_total"] for r in runs), runs
    assert runs[0]["contacts_recomputed"] == runs[0]["contacts_total"], runs[0]
    # the point of it: a day's run recomputes only some contacts
    assert any(r["contacts_recomputed"] < r["contacts_total"] for r in runs[1:]), runs
    (full_run,) = run_log(full)
    assert full_run["contacts_total"] == runs[-1]["contacts_total"]


# ------------------------------------------------------------------------------------------------
# Late events
# ------------------------------------------------------------------------------------------------

BASE_DAY = END_DAY - dt.timedelta(days=10)
LATE_DAY = BASE_DAY + dt.timedelta(days=1)  # an event of BASE_DAY arrives on LATE_DAY
TOO_LATE_DAY = LATE_DAY + dt.timedelta(days=1)  # one older than the lookback arrives


def late_event(event_id: str, contact_id: str, occurred_at: str) -> dict:
    """A demo request (+30 points, no decay, no window): it always changes the score."""
    return {
        "event_id": event_id,
        "contact_id": contact_id,
        "event_type": "form_submission",
        "occurred_at": occurred_at,
        "form_id": "demo_request",
        "source_system": "web_analytics",
    }


def contacts_without_events(full_raw: Path, created_before: str) -> list[str]:
    """Contacts no raw event belongs to (by id, email or name + company), with one valid row:
    a late event is then their only activity, visible in fct_lead_scores.last_activity_at."""
    with duckdb.connect() as connection:
        rows = connection.execute(
            f"""
            with contacts as (
                select
                    trim(contact_id) as contact_id,
                    lower(trim(email)) as email,
                    lower(trim(first_name) || '|' || trim(last_name) || '|'
                        || trim(company_name)) as name_key,
                    try_cast(trim(created_at) as timestamp) as created_at,
                    count(*) over (partition by trim(contact_id)) as copies
                from read_parquet('{full_raw}/contacts.parquet')
            ),
            events as (
                select
                    trim(contact_id) as contact_id,
                    lower(trim(email)) as email,
                    lower(trim(first_name) || '|' || trim(last_name) || '|'
                        || trim(company_name)) as name_key
                from read_parquet('{full_raw}/events.parquet')
            )
            select contact_id from contacts
            where copies = 1 and created_at < timestamp '{created_before}'
                and not exists (
                    select 1 from events
                    where events.contact_id = contacts.contact_id
                        or events.email = contacts.email
                        or events.name_key = contacts.name_key
                )
            order by contact_id
            """
        ).fetchall()
    return [contact_id for (contact_id,) in rows]


def contacts_active_on(full_raw: Path, day: dt.date) -> list[str]:
    """Contacts (one valid row) with two or more raw events on the morning of `day` and none from
    noon to the end of the next day: a late event in the evening of `day` lands after the others
    of its day (the end of day moves, so stored rows of that day change while those of earlier
    days stay) and is their last activity on the next day."""
    with duckdb.connect() as connection:
        rows = connection.execute(
            f"""
            with contacts as (
                select trim(contact_id) as contact_id
                from read_parquet('{full_raw}/contacts.parquet')
                group by 1
                having count(*) = 1
            ),
            events as (
                select trim(contact_id) as contact_id, try_cast(occurred_at as timestamp) as at
                from read_parquet('{full_raw}/events.parquet')
            )
            select events.contact_id from events
            inner join contacts on events.contact_id = contacts.contact_id
            group by 1
            having count(*) filter (
                where events.at >= timestamp '{day} 00:00:00'
                    and events.at < timestamp '{day} 12:00:00'
            ) >= 2
                and count(*) filter (
                    where events.at >= timestamp '{day} 12:00:00'
                        and events.at < timestamp '{day}' + interval 2 day
                ) = 0
            order by 1
            """
        ).fetchall()
    return [contact_id for (contact_id,) in rows]


def page_view_on(full_raw: Path, day: dt.date) -> str:
    """The id of a page view (one raw copy) of a contact with one valid row, in the daytime of
    `day`."""
    with duckdb.connect() as connection:
        (event_id,) = connection.execute(
            f"""
            with contacts as (
                select trim(contact_id) as contact_id
                from read_parquet('{full_raw}/contacts.parquet')
                group by 1
                having count(*) = 1
            ),
            events as (
                select
                    event_id, trim(contact_id) as contact_id, event_type,
                    try_cast(occurred_at as timestamp) as occurred,
                    count(*) over (partition by event_id) as copies
                from read_parquet('{full_raw}/events.parquet')
            )
            select min(event_id) from events
            inner join contacts on events.contact_id = contacts.contact_id
            where copies = 1 and event_type = 'page_view'
                and occurred between timestamp '{day} 06:00:00' and timestamp '{day} 18:00:00'
            """
        ).fetchone()
    assert event_id is not None
    return event_id


def last_activity(project: DbtProject, contact_id: str) -> set:
    return {
        str(row[0])[:19] if row[0] is not None else None
        for row in project.query(
            f"select last_activity_at from main.fct_lead_scores where contact_id = '{contact_id}'"
        )
    }


@pytest.fixture(scope="module")
def late_arrivals(full_raw: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Project L runs incrementally: BASE_DAY (full), LATE_DAY (+ an event of the day before),
    TOO_LATE_DAY (+ an event older than the lookback), then --full-refresh; project R is built
    in full on each of these exports. Snapshots of the comparisons at each step."""
    root = tmp_path_factory.mktemp("late")
    incremental, reference = DbtProject(root / "incremental"), DbtProject(root / "reference")
    too_late_at = dt.datetime.combine(TOO_LATE_DAY, dt.time(12)) - dt.timedelta(
        days=LOOKBACK_DAYS + 3
    )
    candidates = contacts_without_events(full_raw, str(too_late_at - dt.timedelta(days=1)))
    assert len(candidates) >= 3, candidates
    within = late_event("E_LATE_WITHIN", candidates[0], f"{BASE_DAY} 12:00:00")
    # near the window's far edge: the lookback (3 days) runs from the previous as_of, the end of
    # BASE_DAY, so the day two days before it is still inside, by its last day
    within_edge = late_event(
        "E_LATE_WITHIN_EDGE", candidates[2], f"{BASE_DAY - dt.timedelta(days=2)} 06:00:00"
    )
    (busy_contact, *_) = contacts_active_on(full_raw, BASE_DAY)
    within_busy = late_event("E_LATE_WITHIN_BUSY", busy_contact, f"{BASE_DAY} 23:30:00")
    beyond = late_event("E_LATE_BEYOND", candidates[1], str(too_late_at))
    # an event of that day edited in place (a page view becomes a demo request): inside the
    # reloaded window, so the incremental run reloads it
    edited = (page_view_on(full_raw, BASE_DAY - dt.timedelta(days=2)),)
    steps: dict = {
        "within": within,
        "within_busy": within_busy,
        "within_edge": within_edge,
        "beyond": beyond,
        "edited": edited[0],
    }

    background = ThreadPoolExecutor(max_workers=1)  # R's builds while L runs (subprocesses)
    export_day(reference, full_raw, LATE_DAY, (within, within_busy, within_edge), edited)
    reference_built = background.submit(run, reference, LATE_DAY, full=True, seeds=True)
    export_day(incremental, full_raw, BASE_DAY)
    run(incremental, BASE_DAY, full=True, seeds=True)
    export_day(incremental, full_raw, LATE_DAY, (within, within_busy, within_edge), edited)
    run(incremental, LATE_DAY)
    reference_built.result()
    steps["within_reason"] = last_run(incremental)["recompute_all_reason"]
    steps["edited_types"] = [
        project.query(
            f"select event_type from main.int_events_validated where event_id = '{edited[0]}'"
        )
        for project in (incremental, reference)
    ]
    steps["within_edge_activity"] = (
        last_activity(incremental, within_edge["contact_id"]),
        last_activity(reference, within_edge["contact_id"]),
    )
    steps["within_differences"] = mart_differences(incremental, reference)
    steps["within_activity"] = (
        last_activity(incremental, within["contact_id"]),
        last_activity(reference, within["contact_id"]),
    )
    steps["within_busy_activity"] = (
        last_activity(incremental, within_busy["contact_id"]),
        last_activity(reference, within_busy["contact_id"]),
    )

    for project in (incremental, reference):
        export_day(
            project, full_raw, TOO_LATE_DAY, (within, within_busy, within_edge, beyond), edited
        )
    reference_built = background.submit(run, reference, TOO_LATE_DAY, full=True)
    run(incremental, TOO_LATE_DAY)
    reference_built.result()
    background.shutdown()
    steps["beyond_differences"] = mart_differences(incremental, reference)
    steps["beyond_activity"] = (
        last_activity(incremental, beyond["contact_id"]),
        last_activity(reference, beyond["contact_id"]),
    )
    steps["beyond_reason"] = last_run(incremental)["recompute_all_reason"]
    run(incremental, TOO_LATE_DAY, full=True)
    steps["refreshed_differences"] = mart_differences(incremental, reference)
    steps["refreshed_activity"] = last_activity(incremental, beyond["contact_id"])
    return steps


def test_late_event_inside_the_lookback_is_picked_up(late_arrivals: dict) -> None:
    incremental, reference = late_arrivals["within_activity"]
    assert reference == {late_arrivals["within"]["occurred_at"]}  # the event counts
    assert incremental == reference
    # one that lands after the other events of its day on an active contact: the stored rows of
    # that day are replaced, those of earlier days kept (kept-history tables compared too)
    incremental, reference = late_arrivals["within_busy_activity"]
    assert reference == {late_arrivals["within_busy"]["occurred_at"]}
    assert incremental == reference
    # one two and a half days before the previous as_of: inside the 3-day lookback, so picked up
    # by the incremental path, not by a run that recomputes everything
    incremental, reference = late_arrivals["within_edge_activity"]
    assert reference == {late_arrivals["within_edge"]["occurred_at"]}
    assert incremental == reference
    assert late_arrivals["within_reason"] is None
    # and an event of that day edited in place (page view -> demo request) is reloaded
    assert late_arrivals["edited_types"] == [[("form_submission",)], [("form_submission",)]]
    assert not late_arrivals["within_differences"], "\n".join(late_arrivals["within_differences"])


def test_event_later_than_the_lookback_makes_the_run_reload_everything(late_arrivals: dict) -> None:
    """An event that arrives more than event_lookback_days before the previous run's as_of is
    outside the reloaded window: the run notices that the raw events older than the window no
    longer match the stored ones and reloads and recomputes everything, so nothing is missed."""
    occurred_at = late_arrivals["beyond"]["occurred_at"]
    incremental, reference = late_arrivals["beyond_activity"]
    assert reference == {occurred_at}  # a full build counts it
    assert incremental == reference
    assert late_arrivals["beyond_reason"] == "raw events older than the lookback window changed"
    assert not late_arrivals["beyond_differences"], "\n".join(late_arrivals["beyond_differences"])
    # --full-refresh gives the same
    assert late_arrivals["refreshed_activity"] == {occurred_at}
    assert not late_arrivals["refreshed_differences"], "\n".join(
        late_arrivals["refreshed_differences"]
    )


def test_an_old_event_edited_in_place_makes_the_run_reload_everything(tmp_path: Path) -> None:
    """An event older than the lookback whose id and time stay while its contact (a CRM merge)
    or type changes: each stored event keeps a fingerprint of its raw row, so the run notices
    and recomputes everything, and the marts equal a full build on the edited export."""
    contacts = """
        contact_id,email,job_title,created_at
        C1,ann@acme.com,CEO,2026-05-01 10:00:00
        C2,bob@beta.com,CEO,2026-05-01 10:00:00
        """
    events = """
        event_id,contact_id,event_type,occurred_at,form_id
        E1,C1,form_submission,2026-06-10 10:00:00,demo_request
        E2,C2,webinar_attended,2026-06-11 10:00:00,
        E3,C1,page_view,2026-06-30 10:00:00,
        """
    edited = events.replace("E1,C1,", "E1,C2,").replace("E2,C2,webinar_attended", "E2,C2,page_view")
    first_day, next_day = dt.date(2026, 6, 30), dt.date(2026, 7, 1)
    incremental, reference = DbtProject(tmp_path / "incremental"), DbtProject(tmp_path / "full")
    incremental.write_raw("contacts", contacts)
    incremental.write_raw("events", events)
    run(incremental, first_day, full=True, seeds=True)
    incremental.write_raw("events", edited)
    run(incremental, next_day)
    assert last_run(incremental)["recompute_all_reason"] == (
        "raw events older than the lookback window changed"
    )
    reference.write_raw("contacts", contacts)
    reference.write_raw("events", edited)
    run(reference, next_day, full=True, seeds=True)
    assert not mart_differences(incremental, reference)
    # the demo request now counts for C2, not C1
    assert incremental.query(
        "select contact_id from main.fct_lead_score_breakdown "
        "where model_id = 'default' and rule_id = 'demo_request'"
    ) == [("C2",)]


def test_verify_kept_history_stops_a_run_that_keeps_stale_rows(
    full_raw: Path, tmp_path: Path
) -> None:
    """With replaced_from two days late, the rows of a contact's new day (its events of that
    day) are kept as stored, without them: the check must stop the first incremental run and
    name what differs."""
    project = DbtProject(tmp_path / "stale")
    model = project.root / "models" / "intermediate" / "incremental" / "int_contacts_to_score.sql"
    text = model.read_text()
    late = "{{ dbt.dateadd('day', 2, dbt.date_trunc('day', 'min(changed_from)')) }}"
    broken = text.replace("{{ dbt.date_trunc('day', 'min(changed_from)') }}", late)
    assert broken != text
    model.write_text(broken)  # before the full build, so the run after it is incremental
    export_day(project, full_raw, FIRST_DAY)
    run(project, FIRST_DAY, full=True, seeds=True)

    def table_rows(table: str) -> list[tuple]:
        with duckdb.connect(str(project.db_path), read_only=True) as connection:
            return connection.execute(f"select * from main.{table} order by all").fetchall()

    kept_history = sorted(kept_history_models())
    before = {table: table_rows(table) for table in kept_history}
    next_day = FIRST_DAY + dt.timedelta(days=1)
    export_day(project, full_raw, next_day)
    result = project.dbt(
        "run",
        vars={
            "as_of": end_of(next_day),
            "event_lookback_days": LOOKBACK_DAYS,
            "verify_kept_history": True,
        },
    )
    assert result.returncode != 0
    assert "int_contacts_to_score missed a change" in result.output
    assert "computed, not stored" in result.output
    stopped = re.findall(
        r'verify_kept_history: \d+ kept row\(s\) of "[^"]+"\."main"\."(\w+)"', result.output
    )
    assert stopped, result.output[-4000:]
    # a stopped model wrote nothing (others of the run may have: the run is not complete) ...
    for table in stopped:
        assert table_rows(table) == before[table], table
    # ... so the next run recomputes everything, and nothing is kept that could differ
    run(project, next_day)
    assert last_run(project)["recompute_all_reason"] == "the previous run did not complete"


# ------------------------------------------------------------------------------------------------
# When an incremental run recomputes everything, and what it refuses
# ------------------------------------------------------------------------------------------------


def test_incremental_run_recomputes_everything_when_it_cannot_trust_the_previous_one(
    full_raw: Path, tmp_path: Path
) -> None:
    project = DbtProject(tmp_path / "safety")
    export_day(project, full_raw, BASE_DAY)
    run(project, BASE_DAY, full=True, seeds=True)

    # a per-contact model alone would replace contacts chosen by another run: refused
    alone = project.dbt("run", "-s", "int_lead_score_timeline", vars={"as_of": end_of(LATE_DAY)})
    assert alone.returncode != 0
    assert "must run in the same dbt invocation as int_scoring_run" in alone.output

    # a run that dies before its end (here: every model but the run log) ...
    export_day(project, full_raw, LATE_DAY)
    died = project.dbt(
        "run",
        "--exclude",
        RUN_LOG_TABLE,
        vars={"as_of": end_of(LATE_DAY), "verify_kept_history": True},
    )
    assert died.returncode == 0, died.output[-4000:]
    # ... makes the next one recompute every contact
    run(project, LATE_DAY)
    after_crash = last_run(project)
    assert after_crash["recompute_all_reason"] == "the previous run did not complete"
    assert after_crash["contacts_recomputed"] == after_crash["contacts_total"]

    # a normal next day recomputes some contacts only
    run(project, TOO_LATE_DAY)
    assert last_run(project)["recompute_all_reason"] is None

    # a rule change replays the whole history under the new rule
    rules = project.root / "seeds" / "scoring_rules.csv"
    text = rules.read_text()
    changed = text.replace(",/pricing,,10,3,", ",/pricing,,12,3,")
    assert changed != text
    rules.write_text(changed)
    assert project.dbt("seed", vars={"as_of": end_of(TOO_LATE_DAY)}).returncode == 0
    run(project, TOO_LATE_DAY + dt.timedelta(days=1))
    assert last_run(project)["recompute_all_reason"] == (
        "the code or configuration changed since the previous run"
    )

    # a seed file changed and `dbt run` without loading it: that run recomputes with the old
    # tables; the next build, which loads the new ones, must recompute again (the loaded
    # configuration is part of the version, not only the files)
    changed_again = changed.replace(",/pricing,,12,3,", ",/pricing,,13,3,")
    rules.write_text(changed_again)
    run(project, TOO_LATE_DAY + dt.timedelta(days=1))
    assert last_run(project)["recompute_all_reason"] == (
        "the code or configuration changed since the previous run"
    )
    assert project.dbt("seed", vars={"as_of": end_of(TOO_LATE_DAY)}).returncode == 0
    run(project, TOO_LATE_DAY + dt.timedelta(days=1))
    assert last_run(project)["recompute_all_reason"] == (
        "the code or configuration changed since the previous run"
    )

    # so does a macro change, though no model file changes (kept history computed by the old
    # macro would otherwise stay)
    macro = project.root / "macros" / "clean_text.sql"
    text = macro.read_text()
    changed = text.replace(
        "{% macro clean_text(expression) %}", "{% macro clean_text(expression) %}{#- edited -#}"
    )
    assert changed != text
    macro.write_text(changed)
    run(project, TOO_LATE_DAY + dt.timedelta(days=1))
    assert last_run(project)["recompute_all_reason"] == (
        "the code or configuration changed since the previous run"
    )

    # an upgrade that changes an incremental model's columns needs no --full-refresh: the code
    # change makes the run recompute everything, which builds the per-contact tables anew (an
    # incremental write would stop on on_schema_change='fail')
    spans = project.root / "models" / "intermediate" / "int_event_rule_spans.sql"
    text = spans.read_text()
    changed = text.replace("select * from final", "select *, 1 as added_by_upgrade from final")
    assert changed != text
    spans.write_text(changed)
    run(project, TOO_LATE_DAY + dt.timedelta(days=1))
    upgraded = last_run(project)
    assert upgraded["recompute_all_reason"] == (
        "the code or configuration changed since the previous run"
    )
    assert upgraded["contacts_recomputed"] == upgraded["contacts_total"]
    with duckdb.connect(str(project.db_path), read_only=True) as connection:
        added = connection.execute(
            "select count(*), count(added_by_upgrade) from main.int_event_rule_spans"
        ).fetchone()
    assert added[0] > 0 and added[0] == added[1]

    # going back in time is a recomputation too
    run(project, LATE_DAY)
    back = last_run(project)
    assert back["recompute_all_reason"] == "as_of is earlier than the previous run's"
    assert back["contacts_recomputed"] == back["contacts_total"]
