"""scripts/import_leads.py: a flat lead export -> the SPEC 2 raw files, on real files.

Hand-written CSVs check the mapping rules, the outcome -> deal rule, generated ids, the errors and
the atomic output; a deterministic ~2,000-row sample of the real UCI bank-marketing file is
imported and built with dbt and the example configuration (examples/bank_marketing/config).
"""

from __future__ import annotations

import csv
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))

import import_leads
from _dbt_workspace import DbtWorkspace, query
from evaluate_bank_marketing import DEFAULT_DATA, evaluate, rank_auc, write_calibrated_config
from import_leads import main, run_import

REPO_ROOT = Path(__file__).resolve().parents[2]

BANK_FILE = DEFAULT_DATA
BANK_CONFIG = REPO_ROOT / "examples" / "bank_marketing" / "config"
AS_OF = "2011-06-01 00:00:00"


def write(path: Path, text: str) -> Path:
    path.write_text("\n".join(line.strip() for line in text.strip().splitlines()) + "\n")
    return path


def rows(path: Path, order_by: str = "") -> list[dict]:
    with duckdb.connect() as connection:
        cursor = connection.execute(
            f"select * from read_parquet('{path}') {'order by ' + order_by if order_by else ''}"
        )
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def run_cli(capsys: pytest.CaptureFixture, *args: str) -> tuple[int, str, str]:
    code = main([str(arg) for arg in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


EXPORT = (
    "Email,First Name,Company,Job,Emp.Var.Rate,Notes,Converted?,Secret Score\n"
    'ann@acme.com,Ann,"Acme, Inc.",VP Sales,1.1,"said ""call me""",yes,90\n'
    "bob@beta.io,Bob,Beta,student,-1.8,,no,10\n"
    "cy@corp.com,Cy, Corp ,manager,  ,unknown,Won,50\n"
)


@pytest.fixture
def export(tmp_path: Path) -> Path:
    path = tmp_path / "export.csv"
    path.write_text(EXPORT)
    return path


def test_mapping_properties_and_summary(
    tmp_path: Path, export: Path, capsys: pytest.CaptureFixture
) -> None:
    out = tmp_path / "raw"
    code, printed, _ = run_cli(
        capsys,
        export,
        "--out",
        out,
        "--outcome-column",
        "Converted?",
        "--map",
        "company_name=Company",
        "--map",
        "job_title=job",  # matched by its normalised name
        "--drop",
        "Secret Score",
        "--created-at",
        "2024-03-01 08:00:00",
    )
    assert code == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "_import_summary.json",
        "contact_properties.parquet",
        "contacts.parquet",
        "deals.parquet",
        "events.parquet",
        "sales_feedback.parquet",
    ]
    created = datetime(2024, 3, 1, 8)
    # Email and First Name are mapped automatically; values are kept exactly (" Corp " too)
    assert rows(out / "contacts.parquet") == [
        {
            "contact_id": "L00000001",
            "email": "ann@acme.com",
            "first_name": "Ann",
            "company_name": "Acme, Inc.",
            "job_title": "VP Sales",
            "created_at": created,
        },
        {
            "contact_id": "L00000002",
            "email": "bob@beta.io",
            "first_name": "Bob",
            "company_name": "Beta",
            "job_title": "student",
            "created_at": created,
        },
        {
            "contact_id": "L00000003",
            "email": "cy@corp.com",
            "first_name": "Cy",
            "company_name": " Corp ",
            "job_title": "manager",
            "created_at": created,
        },
    ]
    # normalised names; empty and blank cells skipped; 'unknown' and quotes kept as they are;
    # the outcome and the dropped column are not properties
    assert [
        (row["contact_id"], row["property"], row["value"], row["updated_at"])
        for row in rows(out / "contact_properties.parquet")
    ] == [
        ("L00000001", "emp_var_rate", "1.1", created),
        ("L00000001", "notes", 'said "call me"', created),
        ("L00000002", "emp_var_rate", "-1.8", created),
        ("L00000003", "notes", "unknown", created),
    ]
    assert "rows in:               3" in printed
    assert "properties written:    4 (= non-empty cells of 2 property columns)" in printed
    assert "Company -> company_name" in printed and "Job -> job_title" in printed
    assert "Emp.Var.Rate -> emp_var_rate" in printed
    assert "columns dropped:       Secret Score" in printed
    assert rows(out / "events.parquet") == [] and rows(out / "sales_feedback.parquet") == []
    with duckdb.connect() as connection:
        events_types = dict(
            connection.execute(f"describe select * from '{out / 'events.parquet'}'").fetchall()[i][
                :2
            ]
            for i in range(15)
        )
    assert events_types["event_id"] == "VARCHAR" and events_types["occurred_at"] == "TIMESTAMP"


def test_positive_outcomes_become_closed_won_deals(tmp_path: Path) -> None:
    export = write(
        tmp_path / "outcomes.csv",
        """
        name,outcome
        a,Yes
        b, TRUE
        c,no
        d,
        e,won
        f,1
        g,0
        h,Customer
        """,
    )
    summary = run_import(
        export,
        tmp_path / "raw",
        outcome_column="outcome",
        positive_values=import_leads.DEFAULT_POSITIVE_VALUES.split(","),
        created_at="2010-12-01 00:00:00",
        deal_days=3,
    )
    deals = rows(tmp_path / "raw" / "deals.parquet")
    assert [deal["contact_id"] for deal in deals] == [
        "L00000001",
        "L00000002",
        "L00000005",
        "L00000006",
        "L00000008",
    ]
    assert summary.deals == 5 and summary.rows_in == 8
    for deal in deals:
        assert deal["deal_id"] == "D-" + deal["contact_id"]
        assert deal["stage"] == "closed_won" and deal["amount"] is None
        assert deal["created_at"] == deal["closed_at"] == datetime(2010, 12, 4)
    # custom positive values, case-insensitive and trimmed
    run_import(
        export,
        tmp_path / "raw2",
        outcome_column="outcome",
        positive_values=[" NO "],
        created_at="2010-12-01",
    )
    assert [deal["contact_id"] for deal in rows(tmp_path / "raw2" / "deals.parquet")] == [
        "L00000003"
    ]


def test_created_at_column_and_id_column(tmp_path: Path) -> None:
    export = tmp_path / "crm.csv"
    export.write_text(
        "Record ID|Created At|Plan|Status\n"
        " 17 |2024-05-02 10:00:00|pro|customer\n"
        "18|2024-05-03 11:30:00|free|lead\n"
    )
    summary = run_import(
        export,
        tmp_path / "raw",
        outcome_column="Status",
        positive_values=["customer"],
        id_column="Record ID",
        deal_days=1,
    )
    assert summary.separator == "|" and summary.id_column == "Record ID"
    contacts = rows(tmp_path / "raw" / "contacts.parquet")
    assert contacts == [
        {"contact_id": "17", "created_at": "2024-05-02 10:00:00"},
        {"contact_id": "18", "created_at": "2024-05-03 11:30:00"},
    ]
    assert [
        (row["contact_id"], row["property"], row["value"], row["updated_at"])
        for row in rows(tmp_path / "raw" / "contact_properties.parquet")
    ] == [
        ("17", "plan", "pro", datetime(2024, 5, 2, 10)),
        ("18", "plan", "free", datetime(2024, 5, 3, 11, 30)),
    ]
    (deal,) = rows(tmp_path / "raw" / "deals.parquet")
    assert deal["deal_id"] == "D-17" and deal["closed_at"] == datetime(2024, 5, 3, 10)


def test_generated_ids_are_deterministic_and_separators_sniffed(tmp_path: Path) -> None:
    lines = [["segment", "score", "y"], ["a", "1", "no"], ["b", "2", "yes"], ["c", "", "no"]]
    outputs = []
    for name, separator in (("comma", ","), ("semicolon", ";"), ("tab", "\t"), ("pipe", "|")):
        path = tmp_path / f"{name}.csv"
        with open(path, "w", newline="") as file:
            csv.writer(file, delimiter=separator).writerows(lines)
        summary = run_import(
            path,
            tmp_path / name,
            outcome_column="y",
            positive_values=["yes"],
            created_at="2020-01-01",
        )
        assert summary.separator == separator
        outputs.append(
            [
                rows(tmp_path / name / f"{table}.parquet")
                for table in ("contacts", "contact_properties", "deals")
            ]
        )
    assert all(output == outputs[0] for output in outputs)
    # the same file imported twice gives the same ids and rows
    run_import(
        tmp_path / "comma.csv",
        tmp_path / "again",
        outcome_column="y",
        positive_values=["yes"],
        created_at="2020-01-01",
    )
    assert rows(tmp_path / "again" / "contacts.parquet") == outputs[0][0]
    assert [row["contact_id"] for row in outputs[0][0]] == ["L00000001", "L00000002", "L00000003"]


@pytest.mark.parametrize(
    ("csv_text", "extra_args", "message"),
    [
        (
            "a,b,y\n1,2,yes\n",
            ["--outcome-column", "converted"],
            "--outcome-column 'converted': no such column in export.csv; "
            "the file's columns are: 'a', 'b', 'y'",
        ),
        (
            "a,b,y\n1,2,yes\n",
            ["--outcome-column", "y", "--drop", "duration"],
            "--drop 'duration': no such column in export.csv; "
            "the file's columns are: 'a', 'b', 'y'",
        ),
        (
            "a,b,y\n1,2,yes\n",
            ["--outcome-column", "y", "--map", "job_title=role"],
            "--map job_title=role 'role': no such column",
        ),
        (
            "a,b,y\n1,2,yes\n",
            ["--outcome-column", "y", "--map", "persona=a"],
            "--map 'persona=a': unknown target 'persona'; the contacts columns are: email,",
        ),
        (
            "id,b,y\n1,x,yes\n2,x,no\n 1 ,x,no\n3,x,no\n3,x,no\n",
            ["--outcome-column", "y", "--id-column", "id"],
            "--id-column 'id' has duplicate ids: '1' (2 rows), '3' (2 rows)",
        ),
        (
            "id,b,y\n1,x,yes\n,x,no\n",
            ["--outcome-column", "y", "--id-column", "id"],
            "--id-column 'id' is empty on data row(s) 2",
        ),
        (
            "Emp Var Rate,emp.var.rate,y\n1,2,yes\n",
            ["--outcome-column", "y"],
            "columns 'Emp Var Rate' and 'emp.var.rate' both normalise to property 'emp_var_rate'",
        ),
        (
            "a,a,y\n1,2,yes\n",
            ["--outcome-column", "y"],
            "the header 'a' appears twice in export.csv (columns 1 and 2)",
        ),
        (
            "Contact ID,a,y\n1,2,yes\n",
            ["--outcome-column", "y"],
            "column 'Contact ID' looks like the contact id: pass --id-column 'Contact ID'",
        ),
        (
            "email,work email,y\nx@y.z,a@b.c,yes\n",
            ["--outcome-column", "y", "--map", "email=work email"],
            "column 'email' would be mapped automatically to contacts.email, "
            "which --map email=work email already fills",
        ),
        (
            "a,b,y\n1,2,yes\n1,2,no,3\n",
            ["--outcome-column", "y"],
            "cannot read {export} as CSV: line 3 has 4 field(s), the header line 3 (separator ','",
        ),
        (
            'a,b,y\n1,"2,\n3",yes\n1,2\n',  # a quoted line break: line 4 is the short one
            ["--outcome-column", "y"],
            "line 4 has 2 field(s), the header line 3",
        ),
        (
            "a,b,y\n1,2,yes\n",
            ["--outcome-column", "y", "--drop", "y"],
            "--drop y: column 'y' is already the outcome column",
        ),
    ],
)
def test_errors_name_the_problem_and_write_nothing(
    tmp_path: Path,
    capsys: pytest.CaptureFixture,
    csv_text: str,
    extra_args: list[str],
    message: str,
) -> None:
    export = tmp_path / "export.csv"
    export.write_text(csv_text)
    out = tmp_path / "raw"
    code, printed, errors = run_cli(capsys, export, "--out", out, *extra_args)
    assert code == 2
    assert message.format(export=export) in errors
    assert "nothing was written" in errors
    assert printed == ""
    assert sorted(path.name for path in tmp_path.iterdir()) == ["export.csv"]


def test_existing_out_is_replaced_only_after_success(
    tmp_path: Path, export: Path, capsys: pytest.CaptureFixture
) -> None:
    out = tmp_path / "raw"
    args = [export, "--out", out, "--outcome-column", "Converted?", "--created-at", "2020-01-01"]
    assert run_cli(capsys, *args)[0] == 0
    before = {path.name: path.read_bytes() for path in out.iterdir()}
    # a failing import leaves the previous output exactly as it was, and no temp folder behind
    code, _, errors = run_cli(capsys, *args, "--drop", "nope")
    assert code == 2 and "--drop 'nope'" in errors
    assert {path.name: path.read_bytes() for path in out.iterdir()} == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["export.csv", "raw"]
    # a successful one replaces it
    assert run_cli(capsys, *args, "--drop", "Notes")[0] == 0
    properties = rows(out / "contact_properties.parquet")
    assert {row["property"] for row in properties} == {
        "company",
        "job",
        "emp_var_rate",
        "secret_score",
    }
    assert sorted(path.name for path in tmp_path.iterdir()) == ["export.csv", "raw"]
    # a folder holding other files is never replaced
    (out / "keep_me.txt").write_text("mine")
    code, _, errors = run_cli(capsys, *args)
    assert code == 2 and "holds files this script does not write (keep_me.txt)" in errors
    assert (out / "keep_me.txt").read_text() == "mine"
    # nor one holding a folder of the user's named like an output file
    (out / "keep_me.txt").unlink()
    (out / "contacts.parquet").unlink()
    (out / "contacts.parquet").mkdir()
    (out / "contacts.parquet" / "mine.txt").write_text("mine")
    code, _, errors = run_cli(capsys, *args)
    assert code == 2 and "holds files this script does not write (contacts.parquet)" in errors
    assert (out / "contacts.parquet" / "mine.txt").read_text() == "mine"


def test_help_explains_the_options(capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    for option in ("--out", "--outcome-column", "--positive-values", "--sep", "--id-column"):
        assert option in text
    assert "duplicate id is an error (nothing is written)" in text
    assert "yes,true,1,won,converted,customer" in text


def test_rank_auc_averages_ties() -> None:
    labels = np.array([0, 1, 0, 1, 1, 0])
    assert rank_auc(np.array([1, 2, 3, 4, 5, 0]), labels) == pytest.approx(8 / 9)
    # all tied: 0.5; one tie between a positive and a negative counts one half
    assert rank_auc(np.zeros(6), labels) == pytest.approx(0.5)
    assert rank_auc(np.array([1, 1, 0, 2, 3, 0]), labels) == pytest.approx(8.5 / 9)


def test_calibrated_config_uses_suggested_points_and_zero_for_unmatched_rules(
    tmp_path: Path,
) -> None:
    calibration = {rule_id: (10, 2.345) for rule_id in _rule_ids(BANK_CONFIG / "scoring_rules.csv")}
    calibration["default_yes"] = (0, None)
    report = write_calibrated_config(BANK_CONFIG, calibration, tmp_path / "calibrated")
    with open(tmp_path / "calibrated" / "scoring_rules.csv", newline="") as file:
        points = {row["rule_id"]: row["points"] for row in csv.DictReader(file)}
    assert points["default_yes"] == "0.00" and points["previous_success"] == "2.35"
    assert len(report) == len(points)
    assert (tmp_path / "calibrated" / "lifecycle_thresholds.csv").read_bytes() == (
        BANK_CONFIG / "lifecycle_thresholds.csv"
    ).read_bytes()


def _rule_ids(path: Path) -> list[str]:
    with open(path, newline="") as file:
        return [row["rule_id"] for row in csv.DictReader(file)]


# --- the real bank file, imported and built with dbt ---------------------------------------------


@pytest.fixture(scope="module")
def bank_build(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Every 20th row of the bank file (2,060 rows), imported, built with the example config."""
    if not BANK_FILE.exists():
        pytest.skip(f"{BANK_FILE} not found")
    root = tmp_path_factory.mktemp("bank")
    lines = BANK_FILE.read_text(encoding="utf-8").splitlines(keepends=True)
    sample = root / "bank-sample.csv"
    sample.write_text(lines[0] + "".join(lines[1::20]))
    summary = run_import(
        sample,
        root / "raw",
        outcome_column="y",
        positive_values=["yes"],
        mappings=["job_title=job"],
        drops=["duration"],
        created_at="2010-12-01 00:00:00",
    )
    workspace = DbtWorkspace(root / "project")
    database = root / "bank.duckdb"
    workspace.build(
        raw_data_path=root / "raw", config_dir=BANK_CONFIG, database=database, as_of=AS_OF
    )
    yes_rows = sum(1 for line in lines[1::20] if line.rstrip().endswith('"yes"'))
    return {
        "summary": summary,
        "database": database,
        "yes_rows": yes_rows,
        "rows": len(lines[1::20]),
    }


def test_bank_sample_builds_without_losing_a_lead(bank_build: dict) -> None:
    summary, database = bank_build["summary"], bank_build["database"]
    assert summary.rows_in == summary.contacts_out == bank_build["rows"] == 2060
    assert summary.deals == bank_build["yes_rows"] > 0
    assert summary.columns_dropped == ["duration"]
    assert query(database, "select count(*) from fct_lead_scores where model_id = 'bank'") == [
        (summary.contacts_out,)
    ]
    assert query(database, "select count(*) from dim_contacts") == [(summary.contacts_out,)]
    for table in (
        "quarantine_contacts",
        "quarantine_contact_properties",
        "quarantine_deals",
        "quarantine_contact_fields",
        "quarantine_events",
        "quarantine_sales_feedback",
    ):
        assert query(database, f"select count(*) from {table}") == [(0,)], table
    accepted = "select count(*) from {} where reject_reason is null"
    assert query(database, accepted.format("int_contact_properties_validated")) == [
        (summary.properties_written,)
    ]
    assert query(database, accepted.format("int_deals_validated")) == [(bank_build["yes_rows"],)]
    # every 'yes' lead is a customer one day after it was created
    assert query(
        database,
        "select count(*), min(became_customer_at), max(became_customer_at) from fct_lead_scores "
        "where model_id = 'bank' and lifecycle_stage = 'customer'",
    ) == [(bank_build["yes_rows"], datetime(2010, 12, 2), datetime(2010, 12, 2))]


def test_bank_rules_fire_on_the_imported_properties(bank_build: dict) -> None:
    fired = {
        rule_id
        for (rule_id,) in query(
            bank_build["database"],
            "select distinct rule_id from fct_lead_score_breakdown where row_type = 'rule'",
        )
    }
    # every rule but default_yes (3 of 41,188 rows in the whole file) matches someone
    assert set(_rule_ids(BANK_CONFIG / "scoring_rules.csv")) - fired <= {"default_yes"}


def test_absolute_config_dir_is_refused_before_it_can_overwrite_the_csvs(
    tmp_path: Path,
) -> None:
    workspace = DbtWorkspace(tmp_path / "project")
    config = tmp_path / "config"
    config.mkdir()
    for path in BANK_CONFIG.iterdir():
        (config / path.name).write_bytes(path.read_bytes())
    before = {path.name: path.read_bytes() for path in config.iterdir()}
    run = workspace.dbt(
        "seed",
        check=False,
        env={"LEAD_SCORING_CONFIG_DIR": str(config)},
    )
    assert run.returncode != 0
    assert f"LEAD_SCORING_CONFIG_DIR = '{config}' is not allowed" in run.output
    assert {path.name: path.read_bytes() for path in config.iterdir()} == before


def test_bank_evaluation_calibrated_rules_beat_the_guessed_ones(tmp_path: Path) -> None:
    """The whole proof on an 8,000-row sample: import TRAIN and TEST losslessly, build TRAIN,
    calibrate the rules with rpt_rule_calibration, score TEST with both configurations."""
    result = evaluate(BANK_FILE, BANK_CONFIG, tmp_path / "eval", seed=42, sample=8000, threads=2)
    for split in ("train", "test"):
        summary = result["imports"][split]
        assert summary["rows_in"] == summary["contacts_out"] == result["rows"][split]
        assert summary["deals"] == result["positives"][split]
    assert result["rows"]["train"] + result["rows"]["test"] == 8000
    auc = result["auc_test"]
    # on the full file: 0.561 guessed, 0.769 calibrated, 0.796 logistic regression
    assert auc["calibrated_rules"] > auc["default_rules"] + 0.1
    assert auc["logistic_regression"] > 0.7
    assert all(
        rule["suggested_points"] is not None
        for rule in result["calibration"]
        if 0 < rule["leads_matched"] < result["rows"]["train"]
    )


def test_without_created_at_the_deals_close_at_the_import_time(
    tmp_path: Path, export: Path, capsys: pytest.CaptureFixture
) -> None:
    # the outcome is known at the export: a deal closes at the import time at the latest, so a
    # build right after (as_of = its start) sees the positive outcomes as customers
    before = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    code, printed, _ = run_cli(
        capsys, export, "--out", tmp_path / "raw", "--outcome-column", "Converted?",
        "--deal-days", "2",
    )  # fmt: skip
    after = datetime.now(UTC).replace(tzinfo=None)
    assert code == 0
    assert "(now, UTC: --created-at not given)" in printed
    created = {row["created_at"] for row in rows(tmp_path / "raw" / "contacts.parquet")}
    (created_at,) = created  # one time for every contact: the import time
    created_at = datetime.fromisoformat(str(created_at))
    assert before <= created_at <= after
    deals = rows(tmp_path / "raw" / "deals.parquet")
    assert len(deals) == 2
    for deal in deals:  # not two days later
        assert deal["created_at"] == deal["closed_at"] == created_at


def test_a_killed_import_leaves_no_staging_folder_behind(tmp_path: Path) -> None:
    """Stopped by a scheduler (SIGTERM) the import removes its staging folder itself; killed
    outright (SIGKILL) it cannot, and the next import removes the dead one's folder. --out stays
    as it was either way."""
    export = tmp_path / "big.csv"
    with open(export, "w") as file:
        file.write("Email,Job,Converted?\n")
        for number in range(400_000):
            file.write(f"lead{number}@acme.com,manager,{'yes' if number % 7 == 0 else 'no'}\n")
    out = tmp_path / "raw"
    args = [str(export), "--out", str(out), "--outcome-column", "Converted?"]
    command = [sys.executable, str(REPO_ROOT / "scripts" / "import_leads.py"), *args]

    def staging_folders() -> list[Path]:
        return list(tmp_path.glob(".raw.tmp-*"))

    # a SIGTERM also a moment later, inside a DuckDB query (which turns the exit into its own
    # "Query interrupted" error)
    for number, delay in ((signal.SIGTERM, 0), (signal.SIGTERM, 0.05), (signal.SIGKILL, 0)):
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 120
        while not any(folder.glob(".work.duckdb") for folder in staging_folders()):
            assert process.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        time.sleep(delay)
        process.send_signal(number)
        process.wait(timeout=60)
        assert process.returncode in (128 + number, -number)
        assert not out.exists()
        assert bool(staging_folders()) == (number == signal.SIGKILL)
    assert subprocess.run(command, capture_output=True).returncode == 0
    assert not staging_folders() and (out / "contacts.parquet").is_file()
