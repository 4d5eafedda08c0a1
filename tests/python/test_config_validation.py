"""SPEC 3 invalid configuration: the on-run-start check stops the run before anything is built.

Every test starts from the default seeds, breaks one row of one seed (found by its key, so the
expected line number is counted here: the header is line 1) and runs dbt on a tiny valid raw data
set. A rejected run must exit non-zero, list each problem as
`seeds/<seed>.csv line N (key=value, ...): <problem>` and leave no model or seed behind.
`dbt seed` runs the same on-run-start hook as `dbt build`; some cases use it, some use build.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

import pytest
from dbt_harness import DbtProject, DbtResult

AS_OF = "2025-07-01 00:00:00"
HEADLINE = "Invalid scoring configuration; nothing was built. Fix these seed rows:"

CONTACTS = """
    contact_id,email,job_title,created_at
    c1,c1@acme.com,VP Sales,2025-01-01 00:00:00
"""
EVENTS = """
    event_id,contact_id,event_type,occurred_at,url
    e1,c1,page_view,2025-06-01 10:00:00,https://acme.io/pricing
"""

# The columns that name a row in a problem line (macros/scoring_config_problems.sql).
KEY_COLUMNS = {
    "scoring_models": ["model_id"],
    "scoring_groups": ["model_id", "group_id"],
    "scoring_rules": ["model_id", "rule_id"],
    "lifecycle_thresholds": ["model_id", "stage"],
    "alert_rules": ["alert_type"],
    "scoring_inactivity": ["model_id", "days_inactive"],
    "score_grades": ["model_id", "dimension", "band"],
}

# `seeds/<seed>.csv[ line N][ (key)]: problem`, one per bullet under the headline.
PROBLEM_LINE = re.compile(r"^- (seeds/\w+\.csv)(?: line (\d+))?(?: \((.*?)\))?: (.*)$")


@dataclass(frozen=True)
class Problem:
    seed: str
    line: int | None  # None: the problem is about the whole file (no line)
    key: str | None  # None: not checked
    text: str  # the start of the problem text


@pytest.fixture
def lead_project(project: DbtProject) -> DbtProject:
    """The default configuration with one contact and one event as raw data."""
    project.write_raw("contacts", CONTACTS)
    project.write_raw("events", EVENTS)
    return project


def read_seed(project: DbtProject, seed: str) -> list[list[str]]:
    with open(project.root / "seeds" / f"{seed}.csv", newline="") as file:
        return list(csv.reader(file))


def write_seed_rows(project: DbtProject, seed: str, rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    project.write_seed(seed, buffer.getvalue())


def find_line(project: DbtProject, seed: str, match: dict[str, str]) -> int:
    """The CSV line (header = line 1) of the only row whose columns have the given values."""
    header, *rows = read_seed(project, seed)
    lines = [
        number
        for number, row in enumerate(rows, start=2)
        if all(row[header.index(column)] == value for column, value in match.items())
    ]
    assert len(lines) == 1, f"{seed}: expected one row matching {match}, found lines {lines}"
    return lines[0]


def edit_seed(
    project: DbtProject, seed: str, match: dict[str, str], changes: dict[str, str]
) -> tuple[int, str]:
    """Apply `changes` (column -> value) to the row matching `match`; returns its line and key."""
    line = find_line(project, seed, match)
    header, *rows = read_seed(project, seed)
    row = rows[line - 2]
    for column, value in changes.items():
        assert row[header.index(column)] != value, f"the edit must change {column}"
        row[header.index(column)] = value
    write_seed_rows(project, seed, [header, *rows])
    key = ", ".join(f"{name}={row[header.index(name)]}" for name in KEY_COLUMNS.get(seed, []))
    return line, key


def reported_problems(output: str) -> list[tuple[str, int | None, str | None, str]]:
    """(seed file, line, row key, problem) of each problem line in dbt's output."""
    problems = []
    for text in output.splitlines():
        found = PROBLEM_LINE.match(text.strip())
        if found:
            file, line, key, problem = found.groups()
            problems.append((file, int(line) if line else None, key, problem))
    return problems


def assert_nothing_built(project: DbtProject, result: DbtResult) -> None:
    built = [
        unique_id
        for unique_id, status in result.statuses().items()
        if unique_id.split(".")[0] in ("model", "seed") and status == "success"
    ]
    assert not built, f"built despite invalid configuration: {built}"
    if project.db_path.exists():
        relations = {
            f"{schema}.{name}"
            for schema, name in project.query(
                "select table_schema, table_name from information_schema.tables"
                " where table_catalog <> 'temp'"
            )
        }
        assert "main.fct_lead_scores" not in relations
        leftovers = sorted(r for r in relations if r.split(".")[0] in ("main", "main_config"))
        assert not leftovers, f"relations built despite invalid configuration: {leftovers}"


def assert_rejected(project: DbtProject, result: DbtResult, *expected: Problem) -> None:
    """The run failed in the config check, reported every expected problem and built nothing."""
    tail = result.output[-6000:]
    assert result.returncode != 0, tail
    assert HEADLINE in result.output, tail
    reported = reported_problems(result.output)
    for problem in expected:
        matches = [
            (file, line, key, text)
            for file, line, key, text in reported
            if file == f"seeds/{problem.seed}.csv"
            and line == problem.line
            and (problem.key is None or key == problem.key)
            and text.startswith(problem.text)
        ]
        assert matches, f"{problem} not reported; reported: {reported}\n{tail}"
    assert_nothing_built(project, result)


def run(project: DbtProject, command: str) -> DbtResult:
    return project.dbt(command, vars={"as_of": AS_OF})


def test_default_configuration_builds(lead_project: DbtProject) -> None:
    result = run(lead_project, "build")
    assert result.returncode == 0, result.output[-6000:]
    assert HEADLINE not in result.output
    statuses = result.statuses()
    assert statuses and set(statuses.values()) <= {"success", "pass"}, statuses
    rows = lead_project.query("select contact_id, model_id from main.fct_lead_scores order by 2")
    assert rows == [("c1", "default"), ("c1", "product_led")]


CASES = [
    # (seed, row to break, changes, problem text, dbt command)
    pytest.param(
        "scoring_rules", {"rule_id": "title_vice_president"}, {"operator": "like"},
        "unknown operator 'like' (expected one of eq, neq, in, not_in, contains,",
        "build", id="unknown-operator",
    ),
    pytest.param(
        "scoring_rules", {"rule_id": "company_known"}, {"kind": "attribute"},
        "unknown kind 'attribute' (expected property, event or event_count)",
        "seed", id="unknown-kind",
    ),
    pytest.param(
        "scoring_rules", {"rule_id": "seminar_attended"}, {"group_id": "live_events"},
        "unknown group 'live_events' (not in scoring_groups for model 'default')",
        "seed", id="unknown-group",
    ),
    pytest.param(
        "scoring_rules", {"model_id": "product_led", "rule_id": "signup"}, {"model_id": "plg"},
        "unknown model 'plg' (not in scoring_models)",
        "seed", id="unknown-model-in-rules",
    ),
    pytest.param(
        "scoring_groups", {"model_id": "default", "group_id": "product"}, {"model_id": "upsell"},
        "unknown model 'upsell' (not in scoring_models)",
        "build", id="unknown-model-in-groups",
    ),
    pytest.param(
        "scoring_rules", {"rule_id": "pricing_page"}, {"window_days": "30"},
        "window_days on an event rule in group 'web', which decays: use either a window or decay",
        "seed", id="window-days-in-decaying-group",
    ),
    pytest.param(
        "scoring_groups", {"model_id": "default", "group_id": "fit_company"},
        {"decay_percent": "10", "decay_period_days": "30"},
        "decay on a fit group: decay applies only to engagement groups",
        "seed", id="decay-on-fit-group",
    ),
    pytest.param(
        "lifecycle_thresholds", {"model_id": "default", "stage": "mql"}, {"min_score": "100"},
        "mql threshold 100.00 must be below the sql threshold",
        "seed", id="mql-threshold-not-below-sql",
    ),
    pytest.param(
        "scoring_rules", {"rule_id": "size_tiny"}, {"value": "ten"},
        "operator 'lt' needs a numeric value, got 'ten'",
        "seed", id="non-numeric-value-for-numeric-operator",
    ),
    pytest.param(
        "scoring_rules", {"rule_id": "size_mid"}, {"value": "50-1000"},
        "between needs 'low|high' with low <= high, got '50-1000'",
        "seed", id="bad-between-value",
    ),
    pytest.param(
        "scoring_rules", {"rule_id": "email_open"}, {"field": "email_opened"},
        "unknown event type 'email_opened' (not in event_types; * means every activity)",
        "build", id="unknown-event-type",
    ),
    pytest.param(
        "scoring_inactivity", {"model_id": "default", "days_inactive": "60"}, {"model_id": "plg"},
        "unknown model 'plg' (not in scoring_models)",
        "seed", id="unknown-model-in-inactivity",
    ),
    pytest.param(
        "score_grades", {"model_id": "default", "dimension": "fit", "band": "A"},
        {"model_id": "plg"},
        "unknown model 'plg' (not in scoring_models)",
        "seed", id="unknown-model-in-grades",
    ),
    pytest.param(
        "lifecycle_thresholds", {"model_id": "default", "stage": "sql"}, {"model_id": "plg"},
        "model 'plg' is not the lifecycle model (is_lifecycle_model in scoring_models)",
        "seed", id="threshold-of-another-model",
    ),
    # the breakdown's own rows (inactivity penalty, feedback, clamp, caps) use these rule ids
    pytest.param(
        "scoring_rules", {"rule_id": "email_open"}, {"rule_id": "inactivity"},
        "rule_id 'inactivity' is reserved for the breakdown's own rows (inactivity, "
        "sales_feedback, clamp, cap:<group>)",
        "build", id="reserved-rule-id",
    ),
    pytest.param(
        "scoring_rules", {"rule_id": "email_open"}, {"rule_id": "cap:email"},
        "rule_id 'cap:email' is reserved for the breakdown's own rows (inactivity, "
        "sales_feedback, clamp, cap:<group>)",
        "seed", id="reserved-cap-rule-id",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("seed", "match", "changes", "problem", "command"), CASES)
def test_invalid_row_is_rejected(
    lead_project: DbtProject,
    seed: str,
    match: dict[str, str],
    changes: dict[str, str],
    problem: str,
    command: str,
) -> None:
    line, key = edit_seed(lead_project, seed, match, changes)
    result = run(lead_project, command)
    assert_rejected(lead_project, result, Problem(seed, line, key, problem))


def test_no_lifecycle_model_is_rejected(lead_project: DbtProject) -> None:
    edit_seed(
        lead_project, "scoring_models", {"model_id": "default"}, {"is_lifecycle_model": "false"}
    )
    result = run(lead_project, "build")
    # a problem of the whole file: no line number, the row key reads "all rows"
    expected = "no model has is_lifecycle_model = true: exactly one must"
    assert_rejected(lead_project, result, Problem("scoring_models", None, "all rows", expected))


def test_two_lifecycle_models_are_rejected(lead_project: DbtProject) -> None:
    edit_seed(
        lead_project, "scoring_models", {"model_id": "product_led"}, {"is_lifecycle_model": "true"}
    )
    result = run(lead_project, "seed")
    # each offending row is named (line 1 is the header)
    expected = "more than one model has is_lifecycle_model = true: exactly one must"
    assert_rejected(
        lead_project,
        result,
        Problem("scoring_models", 2, "model_id=default", expected),
        Problem("scoring_models", 3, "model_id=product_led", expected),
    )


# a duplicate key in each seed that has one; the row key printed with each problem, e.g.
# `(model_id=default, rule_id=title_director)`, is checked for the first list only
DUPLICATE_KEYS_NAMED = [
    pytest.param(
        "scoring_rules",
        {"rule_id": "title_director"},
        {"rule_id": "title_manager"},
        "rule_id",
        "duplicate rule_id 'title_director' in model 'default'",
        id="duplicate-rule-id",
    ),
    pytest.param(
        "scoring_groups",
        {"model_id": "default", "group_id": "social"},
        {"model_id": "default", "group_id": "ads"},
        "group_id",
        "duplicate group_id 'social' in model 'default'",
        id="duplicate-group-id",
    ),
]

DUPLICATE_KEYS_UNNAMED = [
        pytest.param(
            "scoring_models", {"model_id": "default"}, {"model_id": "product_led"}, "model_id",
            "duplicate model_id 'default'", id="duplicate-model-id",
        ),
        pytest.param(
            "scoring_inactivity", {"model_id": "default", "days_inactive": "30"},
            {"model_id": "default", "days_inactive": "60"}, "days_inactive",
            "duplicate inactivity step 30 days in model 'default'", id="duplicate-inactivity-step",
        ),
        pytest.param(
            "lifecycle_thresholds", {"model_id": "default", "stage": "mql"},
            {"model_id": "default", "stage": "sql"}, "stage",
            "duplicate threshold for stage 'mql'", id="duplicate-threshold-stage",
        ),
        pytest.param(
            "sales_feedback_actions", {"feedback": "sales_ready"}, {"feedback": "not_ready"},
            "feedback", "duplicate feedback 'sales_ready'", id="duplicate-feedback",
        ),
        pytest.param(
            "alert_rules", {"alert_type": "mql"}, {"alert_type": "sql"}, "alert_type",
            "duplicate alert_type 'mql'", id="duplicate-alert-type",
        ),
        pytest.param(
            "sales_reps", {"rep_id": "rep_01"}, {"rep_id": "rep_02"}, "rep_id",
            "rep_id missing or duplicated", id="duplicate-rep-id",
        ),
        pytest.param(
            "event_types", {"event_type": "page_view"}, {"event_type": "ad_click"}, "event_type",
            "event_type missing or duplicated", id="duplicate-event-type",
        ),
]  # fmt: skip


@pytest.mark.parametrize(
    ("seed", "kept", "renamed", "id_column", "problem", "names_key"),
    [pytest.param(*case.values, True, id=case.id) for case in DUPLICATE_KEYS_NAMED]
    + [pytest.param(*case.values, False, id=case.id) for case in DUPLICATE_KEYS_UNNAMED],
)
def test_duplicate_keys_are_rejected(
    lead_project: DbtProject,
    seed: str,
    kept: dict[str, str],
    renamed: dict[str, str],
    id_column: str,
    problem: str,
    names_key: bool,
) -> None:
    kept_line = find_line(lead_project, seed, kept)
    renamed_line, key = edit_seed(lead_project, seed, renamed, {id_column: kept[id_column]})
    result = run(lead_project, "seed")
    # both rows carrying the key are named
    assert_rejected(
        lead_project,
        result,
        Problem(seed, kept_line, key if names_key else None, problem),
        Problem(seed, renamed_line, key if names_key else None, problem),
    )


def test_value_not_fitting_the_column_type_is_rejected(lead_project: DbtProject) -> None:
    match = {"rule_id": "industry_target"}
    line, _ = edit_seed(lead_project, "scoring_rules", match, {"points": "ten"})
    result = run(lead_project, "build")
    # The type check names the file, the line, the column and the value; it does not print the
    # row key (model_id=..., rule_id=...), so the key is not checked here.
    problem = "points = 'ten' is not a valid decimal(18,2)"
    assert_rejected(lead_project, result, Problem("scoring_rules", line, None, problem))


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"window_days": "7.5"}, "window_days = '7.5' is not a valid integer"),
        ({"max_occurrences": "2.5"}, "max_occurrences = '2.5' is not a valid integer"),
        ({"points": "1.005"}, "points = '1.005' is not a valid decimal(18,2)"),
    ],
    ids=["fractional-window", "fractional-occurrences", "points-beyond-cents"],
)
def test_value_the_column_type_would_round_is_rejected(
    lead_project: DbtProject, changes: dict[str, str], problem: str
) -> None:
    # DuckDB casts '7.5' to the integer 8 and '1.005' to 1.01 without an error: the seed would
    # load a value other than the one written
    line, _ = edit_seed(lead_project, "scoring_rules", {"rule_id": "email_open"}, changes)
    result = run(lead_project, "seed")
    assert_rejected(lead_project, result, Problem("scoring_rules", line, None, problem))


def test_missing_column_is_rejected(lead_project: DbtProject) -> None:
    header, *rows = read_seed(lead_project, "scoring_rules")
    dropped = header.index("points")
    write_seed_rows(
        lead_project,
        "scoring_rules",
        [row[:dropped] + row[dropped + 1 :] for row in [header, *rows]],
    )
    result = run(lead_project, "build")
    # a problem of the whole file: no line number and no row key
    assert_rejected(
        lead_project, result, Problem("scoring_rules", None, None, "missing column(s) points")
    )


def test_several_problems_are_reported_at_once(lead_project: DbtProject) -> None:
    edits = [
        ("scoring_rules", {"rule_id": "title_vice_president"}, {"operator": "like"},
         "unknown operator 'like'"),
        ("scoring_rules", {"rule_id": "visits_2_5"}, {"value": "5|2"},
         "between needs 'low|high' with low <= high, got '5|2'"),
        ("scoring_groups", {"model_id": "default", "group_id": "fit_role"},
         {"decay_percent": "10", "decay_period_days": "30"},
         "decay on a fit group: decay applies only to engagement groups"),
        ("lifecycle_thresholds", {"model_id": "default", "stage": "mql"}, {"min_score": "150"},
         "mql threshold 150.00 must be below the sql threshold"),
        ("alert_rules", {"alert_type": "score_spike"}, {"within_days": "0"},
         "score_spike needs min_increase > 0 and within_days >= 1"),
    ]  # fmt: skip
    expected = []
    for seed, match, changes, problem in edits:
        line, key = edit_seed(lead_project, seed, match, changes)
        expected.append(Problem(seed, line, key, problem))
    result = run(lead_project, "build")
    assert_rejected(lead_project, result, *expected)
    assert len(reported_problems(result.output)) == len(edits), result.output[-6000:]
