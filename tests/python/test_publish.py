"""BI readers read a published copy: they never block a build and never see a half-built one.

A real second process holds the served database open (read-only, like a BI tool) while dbt
rebuilds the project and publish.py swaps in the new marts; an older DuckDB (1.5, as bundled by
many BI drivers) opens the served file; a publication killed before its swap leaves the served
data as it was.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from dbt_harness import REPO_ROOT, DbtProject
from test_tuning_reports import make_tuning_project

PUBLISH = str(REPO_ROOT / "scripts" / "publish.py")
# DuckDB 1.5 installed beside the project's DuckDB by scripts/test.sh (requirements/bi-client.txt)
DUCKDB_15 = REPO_ROOT / ".venv" / "duckdb-1.5"

READER = """
import sys, duckdb
connection = duckdb.connect(sys.argv[1], read_only=True)
query = "select max(scored_at), count(*) from fct_lead_scores"
for command in sys.stdin:
    if command.strip() == "reconnect":
        connection.close()
        connection = duckdb.connect(sys.argv[1], read_only=True)
    print(*connection.execute(query).fetchone(), flush=True)
"""


def publish(project: DbtProject, served: Path, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, PUBLISH, "--database", str(project.db_path), "--served", str(served)],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=300,
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> DbtProject:
    project = make_tuning_project(tmp_path_factory.mktemp("publish") / "project")
    project.build(vars={"as_of": "2026-05-01 00:00:00"})
    return project


def test_a_reader_holding_the_served_file_never_blocks_a_build_or_a_publication(
    built: DbtProject, tmp_path: Path
) -> None:
    served = tmp_path / "served" / "lead_scoring.duckdb"
    first = publish(built, served)
    assert first.returncode == 0, first.stderr
    assert "published" in first.stdout

    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(served)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:

        def ask(command: str = "query") -> str:
            reader.stdin.write(command + "\n")
            reader.stdin.flush()
            return reader.stdout.readline().strip()

        assert ask() == "2026-05-01 00:00:00 20"
        # the reader keeps its connection open while dbt rebuilds for a later as_of ...
        built.build(vars={"as_of": "2026-07-01 00:00:00"})
        assert ask() == "2026-05-01 00:00:00 20"
        # ... and while the new build is published over the file it has open
        second = publish(built, served)
        assert second.returncode == 0, second.stderr
        assert ask() == "2026-05-01 00:00:00 20"  # its open file is the previous publication
        # a new connection sees the new one (R1, created in June, exists now)
        assert ask("reconnect") == "2026-07-01 00:00:00 22"
    finally:
        reader.stdin.close()
        reader.wait(timeout=30)
    assert reader.returncode == 0, reader.stderr.read()
    assert [path.name for path in served.parent.iterdir() if not path.name.startswith(".")] == [
        "lead_scoring.duckdb"
    ]


def test_a_publication_killed_before_its_swap_leaves_the_served_data_as_it_was(
    built: DbtProject, tmp_path: Path
) -> None:
    served = tmp_path / "lead_scoring.duckdb"
    assert publish(built, served).returncode == 0
    before = served.read_bytes()
    killed = publish(built, served, LEAD_SCORING_PUBLISH_CRASH_AT="before_swap")
    assert killed.returncode == 70
    assert served.read_bytes() == before
    assert (tmp_path / ".lead_scoring.duckdb.publishing").exists()  # what the kill left behind
    assert publish(built, served).returncode == 0
    assert not (tmp_path / ".lead_scoring.duckdb.publishing").exists()


def test_a_client_that_wrote_to_the_served_file_does_not_break_the_next_publication(
    built: DbtProject, tmp_path: Path
) -> None:
    served = tmp_path / "it's served" / "lead_scoring.duckdb"  # a quote in the path, too
    assert publish(built, served).returncode == 0
    # a client opens the served file read-write (DuckDB's default), writes, and is killed
    writer = (
        "import duckdb, os, signal, sys\n"
        "connection = duckdb.connect(sys.argv[1])\n"
        "connection.execute('create view my_scratch as select 1 as x')\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    killed = subprocess.run([sys.executable, "-c", writer, str(served)], timeout=60)
    assert killed.returncode == -9
    assert served.with_name("lead_scoring.duckdb.wal").exists()  # its WAL stays beside the file
    assert publish(built, served).returncode == 0
    with duckdb.connect(str(served), read_only=True) as connection:  # the new file opens
        assert connection.execute("select count(*) from fct_lead_scores").fetchone()[0] > 0
        views = connection.execute("select view_name from duckdb_views() where not internal")
        assert views.fetchall() == []  # the client's writes went with the old file


def test_duckdb_1_5_reads_the_served_file_but_not_the_build_file(
    built: DbtProject, tmp_path: Path
) -> None:
    assert DUCKDB_15.is_dir(), f"{DUCKDB_15} is missing: scripts/test.sh installs it"
    served = tmp_path / "lead_scoring.duckdb"
    assert publish(built, served).returncode == 0
    script = (
        "import sys, duckdb; print(duckdb.__version__); "
        "connection = duckdb.connect(sys.argv[1], read_only=True); "
        "print(connection.execute('select count(*) from fct_lead_scores').fetchone()[0]); "
        "print(connection.execute('select count(*) from _publication').fetchone()[0])"
    )
    env = {**os.environ, "PYTHONPATH": str(DUCKDB_15)}
    reads = subprocess.run(
        [sys.executable, "-c", script, str(served)], capture_output=True, text=True, env=env
    )
    assert reads.returncode == 0, reads.stderr
    version, scores, tables = reads.stdout.split()
    expected_scores = built.query("select count(*) from main.fct_lead_scores")[0][0]
    assert version.startswith("1.5.") and int(scores) == expected_scores and int(tables) >= 10
    # the build file itself is in DuckDB 2.0's storage format: what BI drivers could not open
    refused = subprocess.run(
        [sys.executable, "-c", script, str(built.db_path)], capture_output=True, text=True, env=env
    )
    assert refused.returncode != 0


def show_top_leads(database: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(REPO_ROOT / "scripts" / "show_top_leads.py"), "--db", str(database),
         *extra],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_top_leads_read_the_build_and_the_served_copy_alike(
    built: DbtProject, tmp_path: Path
) -> None:
    served = tmp_path / "lead_scoring.duckdb"
    assert publish(built, served).returncode == 0
    expected = [
        contact_id
        for (contact_id,) in built.query(
            "select contact_id from main.fct_lead_scores where lifecycle_stage is not null "
            "order by total_score desc, contact_id limit 3"
        )
    ]
    shown = {}
    for database in (built.db_path, served):  # the served copy has the marts, not the seeds
        result = show_top_leads(database, "--limit", "3")
        assert result.returncode == 0, result.stderr
        lines = result.stdout.splitlines()
        assert [line.split()[0] for line in lines[2:]] == expected
        shown[database] = lines[1:]
    assert shown[built.db_path] == shown[served]
    unknown = show_top_leads(served, "--model", "nosuch")
    assert unknown.returncode == 1 and "model 'nosuch' has no scores" in unknown.stderr
    assert "its models: " in unknown.stderr
    assert show_top_leads(served, "--limit", "0").returncode == 2
    missing = show_top_leads(tmp_path / "nothing.duckdb")
    assert missing.returncode == 2 and "not found" in missing.stderr
    assert not (tmp_path / "nothing.duckdb").exists()
