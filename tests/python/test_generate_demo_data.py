"""Tests of scripts/generate_demo_data.py: deterministic, complete, and bad only where asked."""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import re
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

ROOT = Path(__file__).parents[2]
SCRIPT = ROOT / "scripts" / "generate_demo_data.py"
CONTACTS = 500
EVENTS_PER_CONTACT = 20
END_DATE = "2025-06-30"
END = dt.datetime(2025, 6, 30, 23, 59, 59)

COLUMNS = {
    "contacts": [
        "contact_id",
        "email",
        "first_name",
        "last_name",
        "company_name",
        "company_domain",
        "job_title",
        "industry",
        "country",
        "employee_count",
        "annual_revenue",
        "lead_source",
        "lead_source_detail",
        "contact_type",
        "owner_id",
        "email_opt_out",
        "created_at",
        "updated_at",
    ],
    "contact_properties": ["contact_id", "property", "value", "updated_at"],
    "events": [
        "event_id",
        "contact_id",
        "email",
        "first_name",
        "last_name",
        "company_name",
        "event_type",
        "occurred_at",
        "url",
        "form_id",
        "campaign_id",
        "content_id",
        "session_id",
        "source_system",
        "properties",
    ],
    "deals": ["deal_id", "contact_id", "stage", "amount", "created_at", "closed_at"],
    "sales_feedback": ["feedback_id", "contact_id", "feedback", "reason", "rep_id", "created_at"],
    "contact_truth": ["contact_id", "intent", "fit", "converted"],
}


def _load_script():
    spec = importlib.util.spec_from_file_location("generate_demo_data", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while executing
    spec.loader.exec_module(module)
    return module


def _catalog() -> set[str]:
    with open(ROOT / "seeds" / "event_types.csv", newline="") as f:
        return {row["event_type"] for row in csv.DictReader(f)}


def _generate(out: Path, *extra: str) -> Path:
    subprocess.run(
        [
            sys.executable,
            str(SCRIPT),
            "--contacts",
            str(CONTACTS),
            "--events-per-contact",
            str(EVENTS_PER_CONTACT),
            "--seed",
            "7",
            "--end-date",
            END_DATE,
            "--out",
            str(out),
            *extra,
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    return out


def _read(out: Path, table: str) -> dict[str, list]:
    return pq.read_table(out / f"{table}.parquet").to_pydict()


def _norm(value: str | None) -> str | None:
    return None if value is None else value.strip().lower()


def _parse(value: str | None) -> dt.datetime | None:
    try:
        return dt.datetime.strptime(value.replace("T", " ").removesuffix("Z"), "%Y-%m-%d %H:%M:%S")
    except (AttributeError, ValueError):
        return None


@pytest.fixture(scope="module")
def bad_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _generate(tmp_path_factory.mktemp("bad"))


@pytest.fixture(scope="module")
def clean_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _generate(tmp_path_factory.mktemp("clean"), "--no-bad")


def test_same_flags_give_identical_bytes(bad_run: Path, tmp_path: Path) -> None:
    again = _generate(tmp_path / "again")
    for table in COLUMNS:
        name = f"{table}.parquet"
        assert (bad_run / name).read_bytes() == (again / name).read_bytes(), name


def test_columns_of_every_file(bad_run: Path) -> None:
    for table, columns in COLUMNS.items():
        assert pq.read_schema(bad_run / f"{table}.parquet").names == columns, table


def test_event_volume_and_ids(bad_run: Path, clean_run: Path) -> None:
    clean = _read(clean_run, "events")
    assert abs(len(clean["event_id"]) / (CONTACTS * EVENTS_PER_CONTACT) - 1) < 0.15
    assert len(set(clean["event_id"])) == len(clean["event_id"])
    assert all(re.fullmatch(r"E\d{10}", i) for i in clean["event_id"])

    ids = _read(bad_run, "events")["event_id"]
    duplicates = len(ids) - len(set(ids))
    # Two duplicate cases (exact copy, other occurred_at), each ~1% of the rows.
    assert 1 <= duplicates <= 2 * (0.01 * len(ids) + 1)


def test_event_types_come_from_the_catalog(bad_run: Path, clean_run: Path) -> None:
    catalog = _catalog()
    unknown_allowed = {_norm(t) for t in _load_script().UNKNOWN_EVENT_TYPES}
    assert not unknown_allowed & catalog

    clean_types = {_norm(t) for t in _read(clean_run, "events")["event_type"]}
    assert clean_types <= catalog

    types = [_norm(t) for t in _read(bad_run, "events")["event_type"]]
    unknown = [t for t in types if t is not None and t not in catalog]
    assert set(unknown) <= unknown_allowed
    assert 1 <= len(unknown) <= 0.01 * len(types) + 1


def test_no_bad_gives_no_bad_rows(clean_run: Path) -> None:
    contacts = _read(clean_run, "contacts")
    ids = set(contacts["contact_id"])
    assert len(ids) == len(contacts["contact_id"])
    emails = [_norm(e) for e in contacts["email"]]
    assert all(re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", e) for e in emails)
    assert len(set(emails)) == len(emails)
    assert all(c is None or c >= 0 for c in contacts["employee_count"])
    assert all(_parse(c) is not None for c in contacts["created_at"])

    events = _read(clean_run, "events")
    times = [_parse(t) for t in events["occurred_at"]]
    assert all(t is not None and t <= END for t in times)
    assert all(c is None or c in ids for c in events["contact_id"])
    # Events without a contact_id carry an email or a name key of a known contact.
    name_keys = {
        (f or "", la or "", co or "")
        for f, la, co in zip(
            contacts["first_name"], contacts["last_name"], contacts["company_name"], strict=True
        )
    }
    for i, contact_id in enumerate(events["contact_id"]):
        if contact_id is None:
            email = _norm(events["email"][i])
            key = (events["first_name"][i], events["last_name"][i], events["company_name"][i])
            assert email in emails if email is not None else key in name_keys

    deals = _read(clean_run, "deals")
    assert len(set(deals["deal_id"])) == len(deals["deal_id"])
    assert set(deals["stage"]) <= {"open", "closed_won", "closed_lost"}
    assert all(a >= 0 for a in deals["amount"])
    assert set(deals["contact_id"]) <= ids

    feedback = _read(clean_run, "sales_feedback")
    assert set(feedback["feedback"]) <= {"sales_ready", "not_ready", "unqualified"}
    assert set(feedback["contact_id"]) <= ids

    properties = _read(clean_run, "contact_properties")
    assert None not in properties["property"]
    assert set(properties["contact_id"]) <= ids


def test_bad_rows_are_injected(bad_run: Path) -> None:
    contacts = _read(bad_run, "contacts")
    assert len(set(contacts["contact_id"])) < len(contacts["contact_id"])
    assert None in contacts["created_at"]
    assert any(c is not None and c < 0 for c in contacts["employee_count"])
    events = _read(bad_run, "events")
    assert None in events["event_type"] and None in events["occurred_at"]
    times = [_parse(t) for t in events["occurred_at"] if t is not None]
    assert None in times
    assert any(t is not None and t > END + dt.timedelta(days=29) for t in times)
    truth = _read(bad_run, "contact_truth")
    assert len(truth["contact_id"]) == CONTACTS
    assert all(0 <= x <= 1 for x in truth["intent"] + truth["fit"])


def test_csv_output(bad_run: Path, tmp_path: Path) -> None:
    out = _generate(tmp_path / "csv", "--format", "csv")
    for table, columns in COLUMNS.items():
        parsed = pacsv.read_csv(
            out / f"{table}.csv",
            convert_options=pacsv.ConvertOptions(
                column_types={c: "string" for c in columns if c.endswith("_id")}
            ),
        )
        assert parsed.column_names == columns, table
        parquet = pq.read_table(bad_run / f"{table}.parquet")
        assert parsed.num_rows == parquet.num_rows, table
        id_column = columns[0]
        assert parsed[id_column].to_pylist() == parquet[id_column].to_pylist(), table


def test_a_killed_run_leaves_the_previous_files(tmp_path: Path) -> None:
    """Killed mid-way (a real SIGKILL), generation leaves the files of the previous run intact,
    not a truncated yet readable events file that demo.sh or a build would take for data."""
    out = _generate(tmp_path / "raw")
    before = {path.name: path.read_bytes() for path in out.glob("*.parquet")}
    big = subprocess.Popen(
        [sys.executable, str(SCRIPT), "--contacts", "1000000", "--chunk-contacts", "20000",
         "--end-date", END_DATE, "--out", str(out)],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        # kill once its first chunk of events is on disk
        while not any(path.stat().st_size for path in out.glob(".generating-*/events.parquet")):
            assert big.poll() is None and time.monotonic() < deadline, "no chunk written in time"
            time.sleep(0.05)
    finally:
        big.kill()
        big.wait()
    assert {path.name: path.read_bytes() for path in out.glob("*.parquet")} == before
    _generate(out)  # the next run cleans up after the killed one
    assert {path.name: path.read_bytes() for path in out.glob("*.parquet")} == before
    assert {path.name for path in out.iterdir()} == set(before)  # no staging folder left


def test_a_second_run_into_the_same_folder_waits_for_the_first(tmp_path: Path) -> None:
    """Two runs into one folder: the second waits (it used to remove the first's hidden folder);
    when the first ends, here by a real SIGKILL, the second cleans up and writes its files whole."""
    out = tmp_path / "raw"
    first = subprocess.Popen(
        [sys.executable, str(SCRIPT), "--contacts", "1000000", "--chunk-contacts", "20000",
         "--end-date", END_DATE, "--out", str(out)],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    second = None
    try:
        deadline = time.monotonic() + 120
        while not list(out.glob(".generating-*")):
            assert first.poll() is None and time.monotonic() < deadline, "first run did not start"
            time.sleep(0.05)
        (first_folder,) = out.glob(".generating-*")
        second = subprocess.Popen(
            [sys.executable, str(SCRIPT), "--contacts", str(CONTACTS), "--events-per-contact",
             str(EVENTS_PER_CONTACT), "--seed", "7", "--end-date", END_DATE, "--out", str(out)],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        time.sleep(3)  # a small run finishes in well under that when nothing holds it
        assert second.poll() is None, "the second run did not wait"
        # it waits before touching anything: the first run's folder is still there, alone
        assert list(out.glob(".generating-*")) == [first_folder] and first.poll() is None
        first.kill()
        first.wait()
        _, stderr = second.communicate(timeout=120)
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.kill()
                process.wait()
    assert second.returncode == 0, stderr
    assert f"another run is generating into {out}; waiting for it" in stderr
    reference = _generate(tmp_path / "reference")
    assert {path.name for path in out.iterdir()} == {path.name for path in reference.iterdir()}
    for path in reference.glob("*.parquet"):
        assert (out / path.name).read_bytes() == path.read_bytes(), path.name
