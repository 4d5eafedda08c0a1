"""fct_lead_score_history against point-in-time rebuilds (issue: the score on day D is one lookup).

The event-mechanics scenario of test_scoring_semantics (decay steps, windows, max_occurrences,
caps, event_count rules, inactivity steps and reset, feedback, clamping) is built at as_of
2026-01-31; for sampled days D the project is rebuilt with as_of = the end of day D, and every
contact's score under every model must equal the history row covering D.
"""

from __future__ import annotations

from datetime import date

import pytest
from dbt_harness import DbtProject
from test_scoring_semantics import build_scenario

SAMPLED_DAYS = [date(2025, 9, 1), date(2025, 12, 20), date(2026, 1, 10), date(2026, 1, 24)]


@pytest.fixture(scope="module")
def history_project(tmp_path_factory: pytest.TempPathFactory) -> DbtProject:
    project = DbtProject(tmp_path_factory.mktemp("history") / "project")
    build_scenario(project)
    return project


def history_on(project: DbtProject, day: date) -> dict[tuple[str, str], tuple]:
    rows = project.query(
        "select contact_id, model_id, fit_score, engagement_score, total_score "
        "from main.fct_lead_score_history "
        f"where valid_from <= date '{day}' and (valid_to is null or valid_to > date '{day}')"
    )
    return {(row[0], row[1]): row[2:] for row in rows}


def current_scores(project: DbtProject) -> dict[tuple[str, str], tuple]:
    rows = project.query(
        "select contact_id, model_id, fit_score, engagement_score, total_score "
        "from main.fct_lead_scores"
    )
    return {(row[0], row[1]): row[2:] for row in rows}


def test_history_on_sampled_days_equals_a_rebuild_at_that_day(history_project: DbtProject) -> None:
    expected = {day: history_on(history_project, day) for day in SAMPLED_DAYS}
    assert any(len(rows) > 10 for rows in expected.values())
    # analyses/scores_on_day.sql is the same lookup, as a user compiles it
    for day in SAMPLED_DAYS[1::2]:
        looked_up = history_project.analysis(
            "scores_on_day", vars={"day": str(day), "model_id": "ev"}
        )
        assert looked_up
        assert {(row[0], "ev"): row[1:4] for row in looked_up} == {
            key: scores for key, scores in expected[day].items() if key[1] == "ev"
        }
    for day in SAMPLED_DAYS:
        result = history_project.dbt("run", vars={"as_of": f"{day} 23:59:59.999999"})
        assert result.returncode == 0, result.output[-4000:]
        # contacts created after D have no history row on D and no score at D
        assert current_scores(history_project) == expected[day], day


def test_history_has_a_row_only_when_the_score_changes(history_project: DbtProject) -> None:
    history_project.dbt("run", vars={"as_of": "2026-01-31 00:00:00"})
    unchanged = history_project.query(
        "select count(*) from ("
        "  select total_score, fit_score, engagement_score,"
        "    lag(total_score) over w as previous_total, lag(fit_score) over w as previous_fit,"
        "    lag(engagement_score) over w as previous_engagement"
        "  from main.fct_lead_score_history"
        "  window w as (partition by contact_id, model_id order by valid_from)"
        ") where total_score = previous_total and fit_score = previous_fit"
        "  and engagement_score = previous_engagement"
    )
    assert unchanged == [(0,)]


DECAY_SEEDS = {
    "scoring_models": """
        model_id,description,min_score,max_score,is_lifecycle_model
        default,one decaying rule,0,,true
    """,
    "scoring_groups": """
        model_id,group_id,score_type,max_points,decay_percent,decay_period_days
        default,web,engagement,,50,30
    """,
    "scoring_rules": """
        model_id,rule_id,group_id,kind,field,filter_field,operator,value,aggregate,points,max_occurrences,window_days,description
        default,visit,web,event,page_view,,,,,10,1,,
    """,
    "scoring_inactivity": """
        model_id,days_inactive,penalty_points,resets_engagement
    """,
    "score_grades": """
        model_id,dimension,band,min_points
    """,
    "lifecycle_thresholds": """
        model_id,stage,min_score,required_rule_id
        default,mql,60,
    """,
}


def test_a_decay_step_at_the_moment_an_event_is_pushed_out(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    # max_occurrences 1: the second visit pushes the first out exactly when the first reaches its
    # first decay step (30 days, 50 %); only the newest visit counts: 10 points, not 15
    project = DbtProject(tmp_path_factory.mktemp("decay_at_stop") / "project")
    for name, text in DECAY_SEEDS.items():
        project.write_seed(name, text)
    project.write_raw("contacts", "contact_id,email,created_at\nD,d@acme.com,2025-12-01 00:00:00")
    project.write_raw(
        "events",
        "event_id,contact_id,event_type,occurred_at\n"
        "v1,D,page_view,2026-01-01 00:00:00\n"
        "v2,D,page_view,2026-01-31 00:00:00",
    )
    project.build(vars={"as_of": "2026-02-01 00:00:00"})  # history = current scores is a dbt test
    rows = project.query(
        "select valid_from, valid_to, total_score from main.fct_lead_score_history order by 1"
    )
    assert rows == [
        (date(2025, 12, 1), date(2026, 1, 1), 0),
        (date(2026, 1, 1), None, 10),
    ]
