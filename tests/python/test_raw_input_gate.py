"""scripts/gate_raw_inputs.py: the Great Expectations gate on the raw files, run for real.

Small hand-written raw folders: a clean one passes and gets Data Docs; a missing column, too many
unknown event types, duplicate ids spread over batches, out-of-range or unparseable timestamps
and unknown deal stages break the contract (exit 1, each named); a few bad rows pass the gate and
end up in dbt's quarantine.
"""

from __future__ import annotations

import fcntl
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
import pytest
from dbt_harness import REPO_ROOT, DbtProject

GATE = str(REPO_ROOT / "scripts" / "gate_raw_inputs.py")

CONTACTS = """contact_id,email,created_at
C1,c1@acme.com,2026-01-01 00:00:00
C2,c2@acme.com,2026-01-02 00:00:00
C3,c3@acme.com,2026-01-03 00:00:00
"""


def events(count: int, **overrides: str) -> str:
    """`count` page views of C1..C3, one a day from 2026-01-01; overrides: row number -> line."""
    lines = ["event_id,contact_id,event_type,occurred_at"]
    for number in range(1, count + 1):
        line = f"E{number:03d},C{number % 3 + 1},page_view,2026-01-{number % 28 + 1:02d} 10:00:00"
        lines.append(overrides.get(f"row{number}", line))
    return "\n".join(lines) + "\n"


def raw_folder(root: Path, events_csv: str, **other: str) -> Path:
    raw = root / "raw"
    raw.mkdir(parents=True)
    (raw / "contacts.csv").write_text(other.get("contacts", CONTACTS))
    (raw / "events.csv").write_text(events_csv)
    for name in ("deals", "sales_feedback", "contact_properties"):
        if name in other:
            (raw / f"{name}.csv").write_text(other[name])
    return raw


def gate(raw: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, GATE, "--raw-data-path", str(raw), "--docs-dir", str(raw.parent / "docs"),
         "--config-dir", str(REPO_ROOT / "seeds"), *extra],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip


def test_clean_files_pass_and_get_data_docs(tmp_path: Path) -> None:
    deals = "deal_id,contact_id,stage,amount,created_at\nD1,C1,Closed_Won,100,2026-02-01\n"
    result = gate(raw_folder(tmp_path, events(40), deals=deals))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "events               ok                40 rows in 1 batch(es)" in result.stdout
    assert "deals                ok" in result.stdout  # stage compared lower-cased, like dbt
    index = tmp_path / "docs" / "gx" / "uncommitted" / "data_docs" / "local_site" / "index.html"
    assert index.exists() and "raw_events" in index.read_text()


def test_a_missing_required_column_breaks_the_contract(tmp_path: Path) -> None:
    broken = "event_id,contact_id,occurred_at\nE1,C1,2026-01-01 10:00:00\n"
    result = gate(raw_folder(tmp_path, broken))
    assert result.returncode == 1
    assert "events               BROKEN" in result.stdout
    assert (
        "required column(s) event_type missing (the file has: contact_id, event_id, occurred_at)"
        in result.stdout
    )
    assert "1 file(s) break the input contract: events" in result.stderr


def test_the_contract_is_read_from_the_project_dbt_builds(tmp_path: Path) -> None:
    """--project-dir: the project's own macros/raw_table_columns.sql (here one that requires an
    email), not the contract of the repository the gate's script is in."""
    project = tmp_path / "project"
    shutil.copytree(REPO_ROOT / "macros", project / "macros")
    contract = project / "macros" / "raw_table_columns.sql"
    text = contract.read_text()
    old = "'required': ['contact_id', 'created_at'],\n            'optional': ['email', "
    assert old in text
    contract.write_text(
        text.replace(old, "'required': ['contact_id', 'created_at', 'email'],\n"
                     "            'optional': [")
    )  # fmt: skip
    no_email = "contact_id,created_at\nC1,2026-01-01 00:00:00\nC2,2026-01-02\nC3,2026-01-03\n"
    raw = raw_folder(tmp_path, events(10), contacts=no_email)
    assert gate(raw).returncode == 0  # this repository's contract: email is optional
    result = gate(raw, "--project-dir", str(project))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "required column(s) email missing" in result.stdout
    not_a_project = gate(raw, "--project-dir", str(tmp_path / "raw"))
    assert not_a_project.returncode == 2
    assert "no macros/raw_table_columns.sql" in not_a_project.stderr


def test_many_unknown_event_types_break_it_a_few_do_not(tmp_path: Path) -> None:
    # 3 of 40 (7.5 %) unknown: more than the 5 % tolerated; " PAGE_VIEW " is known (normalised)
    unknown = {f"row{n}": f"E{n:03d},C1,chat_started,2026-01-05 10:00:00" for n in (5, 6, 7)}
    unknown["row8"] = "E008,C1, PAGE_VIEW ,2026-01-05 10:00:00"
    result = gate(raw_folder(tmp_path / "many", events(40, **unknown)))
    assert result.returncode == 1
    assert (
        "expect_column_values_to_be_in_set on event_type: 3 of 40 rows (7.50 %) fail"
        in result.stdout
    )
    assert "chat_started" in result.stdout
    few = {"row5": "E005,C1,chat_started,2026-01-05 10:00:00"}  # 1 of 40: 2.5 %
    assert gate(raw_folder(tmp_path / "few", events(40, **few))).returncode == 0


def test_duplicate_ids_are_found_across_batches(tmp_path: Path) -> None:
    # E001 again as the last row: with 5 rows a batch, the copies would sit in different batches
    # if rows were batched in file order; batching by a hash of the id brings them together
    duplicated = {"row40": "E001,C2,page_view,2026-01-20 10:00:00"}
    result = gate(
        raw_folder(tmp_path, events(40, **duplicated)),
        "--batch-rows",
        "5",
        "--tolerance-percent",
        "0",
    )
    assert result.returncode == 1
    assert "rows in 8 batch(es)" in result.stdout
    assert "expect_column_values_to_be_unique on _gate_id: 2 of 40 rows" in result.stdout
    assert "E001" in result.stdout


def test_one_result_per_file_and_run_and_only_the_last_runs_kept(tmp_path: Path) -> None:
    # 8 batches of 5 rows make one stored result (and one Data Docs page) for the whole file;
    # the third run drops the first run's results and pages (--keep-runs 2)
    # (and a result an earlier version of the gate stored per batch, under another run name, goes)
    unknown = {"row7": "E007,C1,chat_started,2026-01-05 10:00:00"}
    raw = raw_folder(tmp_path, events(40, **unknown))
    gx_dir = tmp_path / "docs" / "gx" / "uncommitted"
    for run in range(3):
        result = gate(raw, "--batch-rows", "5", "--keep-runs", "2")
        assert result.returncode == 0, result.stdout + result.stderr
        assert "events               ok                40 rows in 8 batch(es)" in result.stdout
        if run == 0:
            first = next((gx_dir / "validations" / "raw_events").glob("*/*/*.json"))
            old_format = gx_dir / "validations" / "raw_events" / "__none__" / "20990101T000000Z"
            old_format.mkdir(parents=True)
            (old_format / "raw_events-events.json").write_text(first.read_text())
    runs = gx_dir / "validations" / "raw_events"
    stored = sorted(runs.glob("*/*/*.json"))
    assert len(stored) == 2
    # no folder left behind by the dropped results
    assert [folder.name for folder in runs.iterdir()] == ["raw_input_gate"]
    assert len(list((runs / "raw_input_gate").iterdir())) == 2
    site = gx_dir / "data_docs" / "local_site"
    pages = sorted((site / "validations" / "raw_events").rglob("*.html"))
    assert [page.parent.name for page in pages] == [file.parent.name for file in stored]
    assert len(list((site / "validations" / "raw_events" / "raw_input_gate").iterdir())) == 2
    index = (site / "index.html").read_text()
    assert all(file.parent.name in index for file in stored)
    # the page shows the whole file: its rows and batches
    page = pages[-1].read_text()
    assert "Batch Parameters" in page and "events.csv" in page
    latest = json.loads(stored[-1].read_text())
    assert latest["meta"]["batch_parameters"]["rows"] == 40
    assert latest["meta"]["batch_parameters"]["batches"] == 8
    outcomes = {
        (outcome["expectation_config"]["type"], outcome["expectation_config"]["kwargs"]["column"]):
        outcome for outcome in latest["results"]
    }  # fmt: skip
    in_set = outcomes[("expect_column_values_to_be_in_set", "event_type")]
    assert in_set["result"]["element_count"] == 40
    assert in_set["result"]["unexpected_count"] == 1
    assert in_set["result"]["partial_unexpected_list"] == ["chat_started"]
    assert in_set["success"] is True  # 1 of 40 (2.5 %) is within the 5 % tolerated
    assert latest["success"] is True


def test_timestamps_out_of_range_or_unparseable_break_it(tmp_path: Path) -> None:
    bad = {
        "row1": "E001,C1,page_view,1999-12-31 10:00:00",
        "row2": "E002,C1,page_view,2999-01-01 10:00:00",
        "row3": "E003,C1,page_view,yesterday",
        # beyond what a pandas nanosecond timestamp holds: still parsed, still out of range
        "row4": "E004,C1,page_view,9999-12-31 10:00:00",
        "row5": "E005,C1,page_view,1200-01-01 10:00:00",
        "row6": "E006,C1,page_view,2026-01-05T01:00:00+02:00",  # fine: 2026-01-04 23:00 UTC
        "row7": "E007,C1,page_view,2026-01-05 10:00:00 Mars/Olympus",  # no such zone
        "row8": "E008,C1,page_view,2026-01-05t10:00:00z",  # fine: RFC 3339 allows lower case
    }
    result = gate(raw_folder(tmp_path, events(20, **bad)), "--tolerance-percent", "0")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    # the texts of the file as examples, not the parsed values (NaT) nor the gate's own column
    (between,) = [line for line in lines if "expect_column_values_to_be_between" in line]
    assert "on occurred_at (read as a UTC time): 4 of 20 rows" in between
    for text in ("1999-12-31 10:00:00", "2999-01-01 10:00:00", "9999-12-31", "1200-01-01"):
        assert f"'{text}" in between
    (not_null,) = [line for line in lines if "expect_column_values_to_not_be_null" in line]
    assert "on occurred_at (read as a UTC time): 2 of 20 rows" in not_null
    assert "'yesterday'" in not_null and "'2026-01-05 10:00:00 Mars/Olympus'" in not_null
    assert "NaT" not in result.stdout and "__as_timestamp" not in result.stdout


def test_unknown_deal_stage_and_unparseable_amount_break_it(tmp_path: Path) -> None:
    deals = (
        "deal_id,contact_id,stage,amount,created_at\n"
        "D1,C1,won,100,2026-02-01\n"
        "D2,C2,open,lots,2026-02-01\n"
    )
    result = gate(raw_folder(tmp_path, events(10), deals=deals))
    assert result.returncode == 1
    assert "expect_column_values_to_be_in_set on stage: 1 of 2 rows" in result.stdout
    assert (
        "expect_column_values_to_be_in_set on amount (read as a number): 1 of 2 rows"
        in result.stdout
    )
    assert "e.g. ['lots']" in result.stdout


@pytest.fixture
def project_with_a_few_bad_rows(tmp_path: Path) -> DbtProject:
    project = DbtProject(tmp_path / "project")
    project.write_raw("contacts", CONTACTS)
    project.write_raw("events", events(40, row5="E005,C1,chat_started,2026-01-05 10:00:00"))
    return project


def test_a_few_bad_rows_pass_the_gate_and_land_in_quarantine(
    project_with_a_few_bad_rows: DbtProject,
) -> None:
    project = project_with_a_few_bad_rows
    assert gate(project.raw_dir).returncode == 0
    project.build(vars={"as_of": "2026-03-01 00:00:00"})
    assert project.query("select event_id, reject_reason from main.quarantine_events") == [
        ("E005", "unknown_event_type: event_type")
    ]


def test_bad_settings_are_usage_errors(tmp_path: Path) -> None:
    raw = raw_folder(tmp_path, events(5))
    # before the years a pandas timestamp holds, a far-past value would pass once moved to its edge
    early = gate(raw, "--min-timestamp", "1500-01-01 00:00:00")
    assert early.returncode == 2 and "--min-timestamp must be" in early.stderr
    # no time could be accepted: a usage error, not a crash of Great Expectations' between
    late = gate(raw, "--min-timestamp", "2999-01-01")
    assert late.returncode == 2 and "is not before the latest accepted time" in late.stderr
    for option, value in (("--tolerance-percent", "200"), ("--batch-rows", "0")):
        wrong = gate(raw, option, value)
        assert wrong.returncode == 2 and "--tolerance-percent must be between" in wrong.stderr
    assert gate(raw, "--memory-limit", "lots").returncode == 2


def test_a_line_with_extra_fields_is_named_not_guessed_around(tmp_path: Path) -> None:
    # an unquoted comma in a value: DuckDB's sniffer then takes that line for the header (the
    # blank line before it is skipped, as DuckDB skips it)
    ragged = events(3) + "\nE004,C1,page_view,2026-01-05 10:00:00,Acme, Inc.\n"
    result = gate(raw_folder(tmp_path, ragged))
    assert result.returncode == 1
    assert "events.csv line 6 has 6 field(s), the header line 4 (separator ','" in result.stdout


def test_two_gates_sharing_a_docs_folder_take_turns(tmp_path: Path) -> None:
    """Two pipelines with one --log-dir run their gates on one docs folder. A gate removes the
    spill folders a killed gate left there, so it must wait for a live gate to end, not delete
    that gate's spill folder under it."""
    raw = raw_folder(tmp_path, events(5))
    docs = tmp_path / "docs"
    docs.mkdir()
    live_spill = docs / "gate_spill_of_the_other_gate"  # the running gate's own spill folder
    live_spill.mkdir()
    with open(docs / ".gate.lock", "w") as other_gate:
        fcntl.flock(other_gate, fcntl.LOCK_EX)  # as the running gate holds it
        second = subprocess.Popen(
            [sys.executable, GATE, "--raw-data-path", str(raw), "--docs-dir", str(docs),
             "--config-dir", str(REPO_ROOT / "seeds")],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        try:
            assert second.stdout.readline().startswith("raw-input gate: waiting for another gate")
            time.sleep(1)
            assert second.poll() is None and live_spill.is_dir()
        finally:
            fcntl.flock(other_gate, fcntl.LOCK_UN)
    output = second.communicate(timeout=600)[0]
    assert second.returncode == 0, output
    assert not live_spill.exists()  # left behind by a gate that has ended: removed


def test_rows_starting_with_hash_are_checked_and_paths_may_hold_a_quote(tmp_path: Path) -> None:
    """A '#' row is data (DuckDB's sniffer would drop it as a comment when the ids look numeric),
    and a quote or DuckDB's glob characters in the folder's path do not break the gate's SQL:
    a table's folder is read through a glob, in which "[2026]" would match "2" and not itself."""
    lines = ["event_id,contact_id,event_type,occurred_at"]
    lines += [f"{n},C1,page_view,2026-01-0{n - 1000} 10:00:00" for n in range(1001, 1006)]
    lines[3] = "#" + lines[3]
    raw = raw_folder(tmp_path / "[2026] it's here*?", "\n".join(lines) + "\n")
    (raw / "events").mkdir()
    (raw / "events.csv").rename(raw / "events" / "day [1].csv")
    result = gate(raw)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "events               ok                 5 rows" in result.stdout


def test_a_table_both_as_a_file_and_a_folder_breaks_the_contract(tmp_path: Path) -> None:
    """dbt would read events.csv and events/*.csv together: the gate names the clash instead of
    checking one of them; a folder named like a file (deals.parquet/, as Spark writes) too."""
    raw = raw_folder(tmp_path, events(5))
    (raw / "events").mkdir()
    (raw / "events" / "late.csv").write_text(events(3))
    (raw / "deals.parquet").mkdir()
    result = gate(raw)
    assert result.returncode == 1
    assert f"events: both {raw / 'events.csv'} and files in {raw / 'events'}/" in result.stdout
    assert f"deals: {raw / 'deals.parquet'} is a folder" in result.stdout


def test_an_optional_table_under_another_name_breaks_the_contract(tmp_path: Path) -> None:
    raw = raw_folder(tmp_path, events(5))
    (raw / "Sales_Feedback.CSV").write_text("feedback_id\nF1\n")
    result = gate(raw)
    assert result.returncode == 1
    assert "sales_feedback: no sales_feedback.parquet" in result.stdout
    assert "but Sales_Feedback.CSV (names are matched exactly" in result.stdout
    # the dbt hook's rule: '-' and spaces read as '_', a compressed file, a sub-folder
    (raw / "Sales_Feedback.CSV").unlink()
    (raw / "sales-feedback.csv").write_text("feedback_id\nF1\n")
    (raw / "deals_2026").mkdir()
    (raw / "deals_2026" / "part-0.csv.gz").write_bytes(b"")
    (raw / "deals_README.md").write_text("notes")  # not data: no near miss
    result = gate(raw)
    assert "but sales-feedback.csv (names" in result.stdout
    assert "deals: no deals.parquet, deals.csv or deals/ of such files, but " in result.stdout
    assert "deals_2026/part-0.csv.gz (names" in result.stdout and "README" not in result.stdout


def test_a_repeated_column_header_breaks_the_contract(tmp_path: Path) -> None:
    """email twice (DuckDB reads the second as email_1) or EMAIL beside email in a Parquet file:
    dbt would read one copy and ignore the other, so the gate names it."""
    lines = events(3).splitlines()
    lines[0] += ",email,Email"
    lines[1:] = [line + ",,a@acme.com" for line in lines[1:]]
    result = gate(raw_folder(tmp_path / "csv", "\n".join(lines) + "\n"))
    assert result.returncode == 1
    assert "events.csv: the column header email appears more than once" in result.stdout
    raw = raw_folder(tmp_path / "parquet", events(3))
    (raw / "events.csv").unlink()
    columns = ["event_id", "contact_id", "event_type", "occurred_at", "email", "EMAIL"]
    values = ["E1", "C1", "page_view", "2026-01-01", None, "a@acme.com"]
    table = pa.Table.from_arrays([pa.array([v], pa.string()) for v in values], names=columns)
    pq.write_table(table, raw / "events.parquet")
    result = gate(raw)
    assert result.returncode == 1
    assert "events.parquet: the column header email appears more than once" in result.stdout
    # a real second column named like a renamed copy is not a repeated header
    lines = events(3).splitlines()
    lines[0] += ",email,email_2"
    lines[1:] = [line + ",a@acme.com,a.private@gmail.com" for line in lines[1:]]
    result = gate(raw_folder(tmp_path / "email_2", "\n".join(lines) + "\n"))
    assert result.returncode == 0, result.stdout


@pytest.mark.parametrize("file_format", ["csv", "parquet"])
def test_a_file_of_a_folder_missing_a_required_column_breaks_the_contract(
    tmp_path: Path, file_format: str
) -> None:
    """Read together by column name, a folder's files have every column some file has: the file
    without event_type is named, not passed with nulls there."""
    raw = raw_folder(tmp_path, events(3))
    (raw / "events.csv").unlink()
    (raw / "events").mkdir()
    whole = events(4).splitlines()
    parts = {
        "part-0": "\n".join(whole[:3]) + "\n",
        "part-1": "event_id,contact_id,occurred_at\nE900,C1,2026-01-05 10:00:00\n",
    }
    for name, text in parts.items():
        csv_file = raw / "events" / f"{name}.csv"
        csv_file.write_text(text)
        if file_format == "parquet":
            pq.write_table(pa_csv.read_csv(csv_file), csv_file.with_suffix(".parquet"))
            csv_file.unlink()
    result = gate(raw)
    assert result.returncode == 1, result.stdout
    assert (
        f"part-1.{file_format}: required column(s) event_type missing (the file has: contact_id, "
        "event_id, occurred_at)" in result.stdout
    )
    assert f"part-0.{file_format}" not in result.stdout
    # an empty file adds no rows (dbt reads it so): not a file without columns
    (raw / "events" / f"part-1.{file_format}").unlink()
    (raw / "events" / f"part-2.{file_format}").write_bytes(b"")
    if file_format == "csv":
        result = gate(raw)
        assert result.returncode == 0, result.stdout


def test_the_gate_running_out_of_memory_is_its_own_error_not_a_broken_file(
    tmp_path: Path,
) -> None:
    """DuckDB running out of memory is the gate failing to judge clean files (exit 3, the
    pipeline's 15), not the files breaking the contract (exit 1, the pipeline's 10)."""
    result = gate(raw_folder(tmp_path, events(40)), "--memory-limit", "100KB")
    assert "Out of Memory" in result.stdout + result.stderr
    assert result.returncode == 3, result.stdout + result.stderr
    assert "break the input contract" not in result.stderr
