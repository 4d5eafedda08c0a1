"""The scheduler command: exit codes, run logs, the overlap lock, stale inputs and real kills.

Each test runs scripts/pipeline.py as a subprocess on a throw-away project copy with the small
hand-computed data set of test_tuning_reports.py (as_of 2026-07-01: its newest event is 06-12).
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from dbt_harness import REPO_ROOT, DbtProject
from pipeline import main, passed_on, stale_inputs
from raw_contract import raw_contract
from test_tuning_reports import _events_csv, make_tuning_project

PIPELINE = str(REPO_ROOT / "scripts" / "pipeline.py")
AS_OF = "2026-07-01 00:00:00"


def command(project: DbtProject, *extra: str) -> list[str]:
    return [
        sys.executable, PIPELINE, "--project-dir", str(project.root),
        "--raw-data-path", str(project.raw_dir), "--as-of", AS_OF,
        "--database", str(project.db_path),
        "--served", str(project.root / "served" / "lead_scoring.duckdb"),
        "--alerts-dir", str(project.root / "exports"),
        "--log-dir", str(project.root / "logs"), *extra,
    ]  # fmt: skip


def run_pipeline(project: DbtProject, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(command(project, *extra), capture_output=True, text=True, timeout=900)


def served_marts(project: DbtProject) -> dict[str, list[tuple]]:
    """Every public table of the served database, sorted rows (for whole-content comparison);
    not the run log fct_scoring_runs, which differs between any two histories of runs."""
    path = project.root / "served" / "lead_scoring.duckdb"
    with duckdb.connect(str(path), read_only=True) as connection:
        tables = [
            name
            for (name,) in connection.execute(
                "select table_name from information_schema.tables "
                "where table_name not in ('_publication', 'fct_scoring_runs')"
            ).fetchall()
        ]
        return {
            table: sorted(connection.execute(f"select * from main.{table}").fetchall(), key=repr)
            for table in tables
        }


@pytest.fixture(scope="module")
def done(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[DbtProject, subprocess.CompletedProcess]:
    project = make_tuning_project(tmp_path_factory.mktemp("pipeline") / "project")
    return project, run_pipeline(project)


def test_a_run_builds_publishes_exports_and_logs(done) -> None:
    project, result = done
    assert result.returncode == 0, result.stdout + result.stderr
    runs = [
        json.loads(line) for line in (project.root / "logs" / "runs.jsonl").read_text().splitlines()
    ]
    assert [step["step"] for step in runs[-1]["steps"]] == [
        "gate",
        "build",
        "freshness",
        "publish",
        "export alerts",
    ]
    assert all(step["exit_code"] == 0 for step in runs[-1]["steps"])
    assert runs[-1]["scoring"]["run_mode"] == "full"  # the first build of this database
    assert runs[-1]["scoring"]["contacts_recomputed"] == runs[-1]["scoring"]["contacts_total"] > 0
    log = Path(runs[-1]["log"]).read_text()
    # dbt completes with one warning: this project's rules hold no default hand_raiser_rule_ids
    assert "Completed with 1 warning" in log and " ERROR=0 " in log
    assert "published" in log and "exported" in log
    assert "events               ok" in log  # the raw-input gate's summary
    assert (project.root / "logs" / "raw_input_gate" / "gx").is_dir()  # its Data Docs
    assert served_marts(project)["fct_lead_scores"]
    assert list((project.root / "exports").glob("alerts-*.jsonl"))
    # newest event 06-12 10:00, newest contact 06-01: both more than 48 h before as_of -> warned
    assert any("events: newest row 2026-06-12 10:00:00" in w for w in runs[-1]["warnings"])
    assert "WARNING stale input" in result.stdout


def test_fail_on_stale_stops_before_publishing(done) -> None:
    project, _ = done
    before = (project.root / "served" / "lead_scoring.duckdb").stat().st_mtime_ns
    result = run_pipeline(project, "--fail-on-stale")
    assert result.returncode == 25
    # the reason on stderr (the scheduler's mail) and the stop in the run's summary
    assert "inputs stale (--fail-on-stale)" in result.stderr, result.stderr
    assert "events: newest row 2026-06-12 10:00:00" in result.stderr
    summary = json.loads((project.root / "logs" / "runs.jsonl").read_text().splitlines()[-1])
    assert summary["steps"][-1]["step"] == "freshness"
    assert summary["steps"][-1]["exit_code"] == 25
    assert (project.root / "served" / "lead_scoring.duckdb").stat().st_mtime_ns == before
    fresh = run_pipeline(
        project, "--stale-after-hours", "2000", "--skip-export", "--verify-kept-history"
    )
    assert fresh.returncode == 0 and "WARNING" not in fresh.stdout
    assert '"verify_kept_history": true' in fresh.stdout  # passed on to the incremental build


def test_stale_check_reads_accepted_events_only(tmp_path: Path) -> None:
    """A rejected event (e.g. dated in the future) must not hide a feed that stopped arriving."""
    database = tmp_path / "built.duckdb"
    with duckdb.connect(str(database)) as connection:
        connection.execute(
            "create table fct_lead_scores as select timestamp '2026-07-01 00:00:00' as scored_at;"
            "create table dim_contacts as select timestamp '2026-06-30 12:00:00' as created_at;"
            "create table int_events_validated as select * from (values"
            " (timestamp '2026-06-20 06:00:00', null),"
            " (timestamp '2028-01-07 00:00:00', 'future_timestamp: occurred_at'),"
            " (timestamp '2026-06-30 23:00:00', 'unknown_event_type: event_type')"
            ") as t(occurred_at, reject_reason)"
        )
    # 10 days 18 h = 258.0 h before as_of; the contacts (12 h) are fresh
    assert stale_inputs(database, 48) == [
        "events: newest row 2026-06-20 06:00:00 is 258.0 h before as_of 2026-07-01 00:00:00 "
        "(more than 48 h: have the inputs stopped arriving?)"
    ]
    assert stale_inputs(database, 300) == []


def test_no_contacts_and_no_events_at_all_are_stale_inputs(tmp_path: Path) -> None:
    """A source that delivers header-only files has stopped arriving: the freshness check says
    so, although the scores (where as_of is read) are then empty too."""
    database = tmp_path / "built.duckdb"
    with duckdb.connect(str(database)) as connection:
        connection.execute(
            "create table fct_lead_scores (scored_at timestamp);"
            "create table dim_contacts (created_at timestamp);"
            "create table int_events_validated (occurred_at timestamp, reject_reason varchar);"
        )
    assert stale_inputs(database, 48) == [
        "events: no accepted rows at all",
        "contacts: no accepted rows at all",
    ]


def test_the_gate_checks_the_raw_folder_dbt_reads(tmp_path: Path) -> None:
    """Without --raw-data-path (the README's cron line) dbt reads the project's var
    raw_data_path, so the gate checks that folder, not data/raw; a null one (tables already in
    the warehouse) has no files to check. A database folder that does not exist yet is made.
    The as_of is bad on purpose: dbt stops at once, after the gate."""
    project = make_tuning_project(tmp_path / "project")
    export = tmp_path / "crm export"
    project.raw_dir.rename(export)  # data/raw no longer exists
    config = project.root / "dbt_project.yml"
    text = config.read_text()
    assert '  raw_data_path: "data/raw"' in text
    config.write_text(text.replace('  raw_data_path: "data/raw"', f'  raw_data_path: "{export}"'))
    database = tmp_path / "state" / "lead_scoring.duckdb"  # tmp_path/state does not exist
    base = [
        sys.executable, PIPELINE, "--project-dir", str(project.root), "--as-of", "not a time",
        "--database", str(database), "--served", str(tmp_path / "served" / "ls.duckdb"),
        "--log-dir", str(tmp_path / "logs"), "--skip-export",
    ]  # fmt: skip
    result = subprocess.run(base, capture_output=True, text=True, timeout=900)
    assert "Traceback" not in result.stderr, result.stderr
    assert f"--raw-data-path {export} " in result.stdout, result.stdout
    assert "raw-input gate" not in result.stderr  # the gate passed: dbt failed on the as_of
    assert result.returncode == 20, result.stdout + result.stderr
    in_warehouse = subprocess.run(
        [*base, "--raw-data-path", "null"], capture_output=True, text=True, timeout=900
    )
    assert "gate: skipped, raw_data_path is null" in in_warehouse.stdout, in_warehouse.stdout
    assert in_warehouse.returncode == 20, in_warehouse.stdout + in_warehouse.stderr


def test_raw_tables_already_in_the_warehouse(done, tmp_path: Path) -> None:
    """--raw-data-path null --raw-schema crm_export: dbt reads the raw tables of that schema (every
    table and column of the contract, as the README asks; the absent ones empty), the gate is
    skipped, and the marts equal those built from the same rows as files."""
    project, _ = done
    database = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(database)) as connection:
        connection.execute("create schema crm_export")
        for table, spec in raw_contract().items():
            columns = [*spec["required"], *spec["optional"]]
            connection.execute(
                f"create table crm_export.{table} ("
                + ", ".join(f"{column} varchar" for column in columns)
                + ")"
            )
            path = project.raw_dir / f"{table}.csv"
            if path.exists():
                connection.execute(
                    f"insert into crm_export.{table} by name "
                    "select * from read_csv(?, all_varchar = true, header = true)",
                    [str(path)],
                )
    served = tmp_path / "served.duckdb"
    result = subprocess.run(
        [
            sys.executable, PIPELINE, "--project-dir", str(project.root),
            "--raw-data-path", "null", "--raw-schema", "crm_export", "--as-of", AS_OF,
            "--database", str(database), "--served", str(served),
            "--log-dir", str(tmp_path / "logs"), "--skip-export",
        ],
        capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr
    assert "gate: skipped, raw_data_path is null" in result.stdout
    from_files = served_marts(project)
    with duckdb.connect(str(served), read_only=True) as connection:
        for mart in ("fct_lead_scores", "fct_lifecycle_stage_history", "fct_sales_alerts"):
            rows = sorted(connection.execute(f"select * from main.{mart}").fetchall(), key=repr)
            assert rows and rows == from_files[mart], mart


def test_a_second_run_does_not_start_while_one_holds_the_lock(done) -> None:
    project, _ = done
    lock_path = project.db_path.with_name(f".{project.db_path.name}.pipeline.lock")
    with open(lock_path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        result = run_pipeline(project)
    assert result.returncode == 75
    assert "another pipeline run holds" in result.stderr
    runs = (project.root / "logs" / "runs.jsonl").read_text().splitlines()
    assert json.loads(runs[-1])["exit_code"] == 75 and json.loads(runs[-1])["steps"] == []


def test_the_lock_stays_held_while_a_step_outlives_a_killed_pipeline(tmp_path: Path) -> None:
    """Killing the pipeline alone (SIGKILL, the OOM killer) leaves its running step alive; the
    step holds the run's lock until it ends, so the next run exits 75 instead of overlapping."""
    lock_path = tmp_path / ".lead_scoring.duckdb.pipeline.lock"
    started = tmp_path / "step_started"
    slow_step = f"import pathlib, time; pathlib.Path({str(started)!r}).touch(); time.sleep(300)"
    # the pipeline's own locking and step runner, with a slow step in place of the build
    stand_in = f"""
import fcntl, os, sys
from pathlib import Path
sys.path.insert(0, {str(REPO_ROOT / "scripts")!r})
from pipeline import Run
lock = open({str(lock_path)!r}, "w")
fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
run = Run(Path({str(tmp_path / "logs")!r}), held_fds=(lock.fileno(),))
run.step("slow", [sys.executable, "-c", {slow_step!r}], dict(os.environ))
"""
    process = subprocess.Popen([sys.executable, "-c", stand_in], start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while not started.exists():
            assert process.poll() is None and time.monotonic() < deadline
            time.sleep(0.1)
        os.kill(process.pid, signal.SIGKILL)  # the pipeline only: its step lives on
        process.wait(timeout=30)
        with open(lock_path, "w") as lock, pytest.raises(BlockingIOError):
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # the orphaned step
    deadline = time.monotonic() + 30
    with open(lock_path, "w") as lock:  # free once the step is gone
        while True:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                assert time.monotonic() < deadline
                time.sleep(0.1)


def test_a_broken_raw_file_stops_the_run_at_the_gate(done) -> None:
    project, _ = done
    served = project.root / "served" / "lead_scoring.duckdb"
    before = served.read_bytes()
    contacts = project.raw_dir / "contacts.csv"
    saved = contacts.read_text()
    contacts.write_text("id,created_at\nX,2026-01-01\n")  # contact_id missing
    try:
        result = run_pipeline(project)
    finally:
        contacts.write_text(saved)
    assert result.returncode == 10
    assert "required column(s) contact_id missing" in result.stdout + result.stderr
    runs = (project.root / "logs" / "runs.jsonl").read_text().splitlines()
    assert [step["step"] for step in json.loads(runs[-1])["steps"]] == ["gate"]  # dbt never ran
    assert served.read_bytes() == before


def test_gate_columns_match_case_insensitively_and_its_own_errors_exit_15(done) -> None:
    project, _ = done
    contacts = project.raw_dir / "contacts.csv"
    saved = contacts.read_text()
    header, rest = saved.split("\n", 1)
    contacts.write_text(header.upper() + "\n" + rest)  # CONTACT_ID, ...: dbt's hook accepts it
    try:
        gate_only = run_pipeline(project, "--skip-export")
    finally:
        contacts.write_text(saved)
    assert gate_only.returncode == 0, gate_only.stdout + gate_only.stderr
    served = project.root / "served" / "lead_scoring.duckdb"
    before = served.read_bytes()
    # a config folder without the event catalog: the gate cannot judge the files, which is not
    # "a raw file breaks the contract" (10)
    result = subprocess.run(
        command(project),
        capture_output=True,
        text=True,
        timeout=900,
        env={**os.environ, "LEAD_SCORING_CONFIG_DIR": "no_such_config"},
    )
    assert result.returncode == 15, result.stdout + result.stderr
    assert "no event_types.csv in the config folder" in result.stdout + result.stderr
    assert served.read_bytes() == before


def test_a_broken_gate_install_is_the_gates_error_not_a_broken_file(done, tmp_path: Path) -> None:
    """A gate that cannot even import its libraries exits 3, so the run exits 15: an uncaught
    exception would exit 1, which the pipeline reads as "a raw file breaks the contract" (10)."""
    project, _ = done
    broken = tmp_path / "site" / "great_expectations"
    broken.mkdir(parents=True)
    (broken / "__init__.py").write_text("raise ImportError('a half-upgraded install')\n")
    served = project.root / "served" / "lead_scoring.duckdb"
    before = served.read_bytes()
    result = subprocess.run(
        command(project),
        capture_output=True,
        text=True,
        timeout=900,
        env={**os.environ, "PYTHONPATH": str(broken.parent)},
    )
    assert result.returncode == 15, result.stdout + result.stderr
    assert "a half-upgraded install" in result.stderr  # the step's tail, read from the log
    assert "failed to load its libraries" in result.stderr
    runs = (project.root / "logs" / "runs.jsonl").read_text().splitlines()
    assert [step["step"] for step in json.loads(runs[-1])["steps"]] == ["gate"]  # dbt never ran
    assert served.read_bytes() == before


def test_an_error_of_the_pipeline_itself_still_ends_the_run_with_a_summary(
    done, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An exception in the pipeline's own code after a step (here the freshness read failing
    after a good build) is logged with its traceback and still writes the run's summary line;
    nothing is published."""
    project, _ = done
    served = project.root / "served" / "lead_scoring.duckdb"
    before = served.read_bytes()

    def unreadable(database: Path, stale_after_hours: float) -> list[str]:
        raise duckdb.CatalogException("Table with name int_events_validated does not exist!")

    monkeypatch.setattr("pipeline.stale_inputs", unreadable)
    assert main(command(project, "--skip-gate")[2:]) == 1
    summary = json.loads((project.root / "logs" / "runs.jsonl").read_text().splitlines()[-1])
    assert summary["exit_code"] == 1
    assert [step["step"] for step in summary["steps"]] == ["build"]
    assert (
        "CatalogException: Table with name int_events_validated" in Path(summary["log"]).read_text()
    )
    assert served.read_bytes() == before


def test_gate_and_export_options_are_passed_on(done) -> None:
    project, _ = done
    # most events are before 2026-06-15: the gate's own default (2000-01-01) passes them
    late = run_pipeline(project, "--gate-min-timestamp", "2026-06-15")
    assert late.returncode == 10, late.stdout + late.stderr
    assert "expect_column_values_to_be_between on occurred_at" in late.stdout + late.stderr
    for option, value in (("--gate-tolerance-percent", "200"), ("--gate-memory-limit", "lots")):
        bad_setting = run_pipeline(project, option, value)
        assert bad_setting.returncode == 15, bad_setting.stdout + bad_setting.stderr
    # a bad export option stops the run before anything is built, not after the build
    bad_time = run_pipeline(project, "--alerts-triggered-after", "last week")
    assert bad_time.returncode == 2 and "is not an ISO time" in bad_time.stderr
    options = argparse.Namespace(alerts_triggered_after="2026-06-01", alerts_include_closed=True)
    assert passed_on(options, "alerts_", ("triggered_after", "include_closed")) == [
        "--triggered-after", "2026-06-01", "--include-closed"
    ]  # fmt: skip
    options = argparse.Namespace(alerts_triggered_after=None, alerts_include_closed=False)
    assert passed_on(options, "alerts_", ("triggered_after", "include_closed")) == []


def test_a_failing_build_exits_20_and_keeps_the_served_data(done) -> None:
    project, _ = done
    served = project.root / "served" / "lead_scoring.duckdb"
    before = served.read_bytes()
    rules = project.root / "seeds" / "scoring_rules.csv"
    saved = rules.read_text()
    rules.write_text(saved.replace(",gte,1000,", ",bigger_than,1000,", 1))  # unknown operator
    try:
        result = run_pipeline(project)
    finally:
        rules.write_text(saved)
    assert result.returncode == 20
    assert "bigger_than" in result.stdout + result.stderr
    assert served.read_bytes() == before


LATE_EVENT = "\nlate_1,J3,page_view,2026-06-20 10:00:00,"


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory: pytest.TempPathFactory) -> DbtProject:
    """One uninterrupted run on the data the killed runs see (a late event added)."""
    clean = make_tuning_project(tmp_path_factory.mktemp("clean") / "project")
    clean.write_raw("events", _events_csv() + LATE_EVENT)
    assert run_pipeline(clean, "--skip-export").returncode == 0
    return clean


@pytest.mark.parametrize("kill_when", ["== gate", "== build", "== publish"])
def test_killed_at_any_step_the_served_data_stays_and_the_next_run_matches(
    tmp_path: Path, done, uninterrupted: DbtProject, kill_when: str
) -> None:
    reference, _ = done
    project = make_tuning_project(tmp_path / "project")
    # a first good publication, then a run killed (the whole process group, as a scheduler does)
    assert run_pipeline(project, "--skip-export").returncode == 0
    served = project.root / "served" / "lead_scoring.duckdb"
    before = served.read_bytes()
    project.write_raw("events", _events_csv() + LATE_EVENT)
    process = subprocess.Popen(
        command(project, "--skip-export"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    deadline = time.monotonic() + 600
    for line in process.stdout:
        if kill_when in line:
            time.sleep(0.3 if kill_when == "== publish" else 1.0)
            break
        assert time.monotonic() < deadline
    killed_log = sorted((project.root / "logs").glob("pipeline-*.log"))[-1]
    if kill_when == "== build":  # dbt's output reaches the log while dbt runs, not at its end
        while "Running with dbt=" not in (text := killed_log.read_text()):
            assert time.monotonic() < deadline, text
            time.sleep(0.2)
        assert "== build: exit" not in text
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=60)
    if kill_when != "== gate":
        assert "events               ok" in killed_log.read_text()  # the gate's output, kept
    assert served.read_bytes() == before or kill_when == "== publish"
    with duckdb.connect(str(served), read_only=True) as connection:  # whole, old or new
        assert connection.execute("select count(*) from main.fct_lead_scores").fetchone()[0] > 0
    # the next run completes and ends where an uninterrupted run ends
    assert run_pipeline(project, "--skip-export").returncode == 0
    assert served_marts(project) == served_marts(uninterrupted)
    assert served_marts(project) != served_marts(reference)  # the late event is in
