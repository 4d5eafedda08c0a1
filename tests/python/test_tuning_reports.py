"""Threshold tuning, conversion, funnel and rule calibration reports, with hand-computed values.

One project, built once (as_of 2026-07-01 00:00:00, conversion = customer within 90 days of
created_at). Model `default` (lifecycle, min 0): big = employee_count >= 1000 +20 (fit), demo =
form_submission form_id demo +40, visit = page_view +10, never = email_click +5 (engagement, no
decay, no inactivity); mql 40, sql 80; grades fit A >= 20 else B, engagement 1 >= 40 else 2.
Model `alt` (not lifecycle): big_neg = employee_count >= 1000 -20. Times are 10:00 UTC.

contact  created  events (score)                                  deal won       judged    peak
J1       01-05    big 20; demo 01-10 (60); visit 01-12 (70)        02-01 -> 02-15 converted  70
J2       01-05    demo 01-08 (40); visits 01-09, 01-11 (60);       -              window    60
                  visit 04-20 after the window (70)                               ends 04-05
J3       01-05    visit 01-20 (10)                                 -                        10
F1       02-03    big 20; demo 02-10 (60); visits 02-11, 02-12 (80, 03-01 -> 03-20 converted  80
                  sql); visit 03-25 after converting (90)
F2       02-20    big 20                                           02-25 -> 03-01 converted  20
F3       02-03    demo 02-10 (40); visit 02-15 (50)                -                        50
M1       03-02    demo 03-05 (40); visits 03-06..08 (70)           -                        70
M2       03-02    visits 03-10, 03-11 (20); 06-05, 06-06 (40, mql) -              window    20
                                                                                  ends 05-31
M3       03-02    demo 03-10 (40)                                  06-01 -> 06-15 too late   40
R1       06-01    demo 06-10 (40); visits 06-11, 06-12 (60)        -              not judged (new)
E1       01-05    employee: demo 01-10 (40); visits 05-01, 05-02   -              excluded
                  (60)
Judged: J1..M3 (9), converted J1, F1, F2 (3): base rate 1/3.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from dbt_harness import DbtProject

AS_OF = "2026-07-01 00:00:00"
VARS = {
    "as_of": AS_OF,
    "threshold_step": 20,
    "score_band_width": 20,
    "sql_capacity_per_week": 0.15,
    "mql_capacity_per_week": None,
    "capacity_lookback_days": 70,
    "cohort_min_mqls": 1,
}

SEEDS = {
    "scoring_models": """
        model_id,description,min_score,max_score,is_lifecycle_model
        default,tuning test model,0,,true
        alt,a second model,,,false
    """,
    "scoring_groups": """
        model_id,group_id,score_type,max_points,decay_percent,decay_period_days
        default,fit,fit,,,
        default,eng,engagement,,,
        alt,fit,fit,,,
    """,
    "scoring_rules": """
        model_id,rule_id,group_id,kind,field,filter_field,operator,value,aggregate,points,max_occurrences,window_days,description
        default,big,fit,property,employee_count,,gte,1000,,20,,,
        default,demo,eng,event,form_submission,form_id,eq,demo,,40,,,
        default,visit,eng,event,page_view,,,,,10,,,
        default,never,eng,event,email_click,,,,,5,,,
        alt,big_neg,fit,property,employee_count,,gte,1000,,-20,,,
    """,
    "scoring_inactivity": """
        model_id,days_inactive,penalty_points,resets_engagement
    """,
    "score_grades": """
        model_id,dimension,band,min_points
        default,fit,A,20
        default,fit,B,0
        default,engagement,1,40
        default,engagement,2,0
    """,
    "lifecycle_thresholds": """
        model_id,stage,min_score,required_rule_id
        default,mql,40,
        default,sql,80,
    """,
}

CONTACTS = """
    contact_id,email,employee_count,lead_source,contact_type,created_at
    J1,j1@acme.com,1000,paid_search,,2026-01-05 10:00:00
    J2,j2@acme.com,,,,2026-01-05 10:00:00
    J3,j3@acme.com,,,,2026-01-05 10:00:00
    F1,f1@acme.com,5000,paid_search,,2026-02-03 10:00:00
    F2,f2@acme.com,2000,,,2026-02-20 10:00:00
    F3,f3@acme.com,,,,2026-02-03 10:00:00
    M1,m1@acme.com,,,,2026-03-02 10:00:00
    M2,m2@acme.com,,,,2026-03-02 10:00:00
    M3,m3@acme.com,,,,2026-03-02 10:00:00
    R1,r1@acme.com,,,,2026-06-01 10:00:00
    E1,e1@ourco.com,,,employee,2026-01-05 10:00:00
"""

EVENTS = {
    "J1": ["demo 01-10", "visit 01-12"],
    "J2": ["demo 01-08", "visit 01-09", "visit 01-11", "visit 04-20"],
    "J3": ["visit 01-20"],
    "F1": ["demo 02-10", "visit 02-11", "visit 02-12", "visit 03-25"],
    "F3": ["demo 02-10", "visit 02-15"],
    "M1": ["demo 03-05", "visit 03-06", "visit 03-07", "visit 03-08"],
    "M2": ["visit 03-10", "visit 03-11", "visit 06-05", "visit 06-06"],
    "M3": ["demo 03-10"],
    "R1": ["demo 06-10", "visit 06-11", "visit 06-12"],
    "E1": ["demo 01-10", "visit 05-01", "visit 05-02"],
}

DEALS = """
    deal_id,contact_id,stage,amount,created_at,closed_at
    d_j1,J1,closed_won,100,2026-02-01 10:00:00,2026-02-15 10:00:00
    d_f1,F1,closed_won,100,2026-03-01 10:00:00,2026-03-20 10:00:00
    d_f2,F2,closed_won,100,2026-02-25 10:00:00,2026-03-01 10:00:00
    d_m3,M3,closed_won,100,2026-06-01 10:00:00,2026-06-15 10:00:00
"""


def _events_csv() -> str:
    rows = ["event_id,contact_id,event_type,occurred_at,form_id"]
    for contact_id, events in EVENTS.items():
        for number, event in enumerate(events):
            kind, day = event.split()
            event_type, form_id = (
                ("form_submission", "demo") if kind == "demo" else ("page_view", "")
            )
            rows.append(
                f"{contact_id}_{number},{contact_id},{event_type},2026-{day} 10:00:00,{form_id}"
            )
    return "\n".join(rows)


def make_tuning_project(root: Path) -> DbtProject:
    """A project copy with this fixture's seeds and raw files, not built yet (other suites
    reuse the data set: publish, pipeline, the report in a browser)."""
    project = DbtProject(root)
    for name, text in SEEDS.items():
        project.write_seed(name, text)
    project.write_raw("contacts", CONTACTS)
    project.write_raw("events", _events_csv())
    project.write_raw("deals", DEALS)
    return project


@pytest.fixture(scope="module")
def tuning(tmp_path_factory: pytest.TempPathFactory) -> DbtProject:
    project = make_tuning_project(tmp_path_factory.mktemp("tuning") / "project")
    project.build(vars=VARS)
    return project


def by_key(rows: list[dict], *keys: str) -> dict:
    return {tuple(row[key] for key in keys) if len(keys) > 1 else row[keys[0]]: row for row in rows}


def test_outcomes_judge_the_peak_score_before_conversion_or_window_end(tuning: DbtProject) -> None:
    rows = by_key(tuning.query_dict("select * from main.rpt_lead_outcomes"), "contact_id")
    assert {cid for cid, row in rows.items() if row["is_evaluated"]} == {
        "J1", "J2", "J3", "F1", "F2", "F3", "M1", "M2", "M3",
    }  # fmt: skip
    assert {cid for cid, row in rows.items() if row["is_converted"]} == {"J1", "F1", "F2"}
    expected_peaks = {
        "J1": 70, "J2": 60, "J3": 10, "F1": 80, "F2": 20, "F3": 50, "M1": 70, "M2": 20, "M3": 40,
    }  # fmt: skip
    assert {cid: rows[cid]["peak_score"] for cid in expected_peaks} == {
        cid: Decimal(f"{peak}.00") for cid, peak in expected_peaks.items()
    }
    # later points do not count: J2 after its window, F1 after converting, M2 after its window
    assert rows["J2"]["current_score"] == Decimal("70.00")
    assert rows["F1"]["current_score"] == Decimal("90.00")
    assert rows["M2"]["current_score"] == Decimal("40.00")
    # M3 became a customer, but after its 90-day window
    assert rows["M3"]["converted_at"] is not None and not rows["M3"]["is_converted"]
    assert rows["E1"]["is_excluded"] and not rows["E1"]["is_evaluated"]
    assert rows["R1"]["is_evaluated"] is False
    assert rows["J1"]["grade_at_peak"] == "A1" and rows["M2"]["grade_at_peak"] == "B2"
    assert rows["F2"]["cohort_month"] == date(2026, 2, 1)


def test_threshold_curve_precision_recall_f1_lift_and_weekly_flow(tuning: DbtProject) -> None:
    rows = by_key(
        tuning.query_dict("select * from main.rpt_threshold_tuning where stage = 'mql'"),
        "threshold",
    )
    # threshold: leads above, converted above, precision, recall, f1, lift, reached per week
    # flow over the last 70 days (10 weeks): R1 reaches 0..60; M2 goes 20 -> 40 (reaches 40 only);
    # the excluded E1 going 40 -> 60 does not count
    expected = {
        0: (9, 3, 0.3333, 1.0, 0.5, 1.0, 0.1),
        20: (8, 3, 0.375, 1.0, 0.5455, 1.125, 0.1),
        40: (6, 2, 0.3333, 0.6667, 0.4444, 1.0, 0.2),
        60: (4, 2, 0.5, 0.6667, 0.5714, 1.5, 0.1),
        80: (1, 1, 1.0, 0.3333, 0.5, 3.0, 0.0),
    }
    assert {
        int(threshold): (
            row["leads_above"],
            row["converted_above"],
            row["precision"],
            row["recall"],
            row["f1"],
            row["lift"],
            row["reached_per_week"],
        )
        for threshold, row in rows.items()
    } == expected
    assert [int(t) for t, row in rows.items() if row["is_current_threshold"]] == [40]
    assert [int(t) for t, row in rows.items() if row["is_best_f1"]] == [60]
    # no mql capacity given: no threshold fits one, and no flow is within one
    assert {row["is_capacity_fit"] for row in rows.values()} == {False}
    assert {row["is_within_capacity"] for row in rows.values()} == {None}

    sql_rows = by_key(
        tuning.query_dict("select * from main.rpt_threshold_tuning where stage = 'sql'"),
        "threshold",
    )
    assert [int(t) for t, row in sql_rows.items() if row["is_current_threshold"]] == [80]
    # capacity 0.15 a week: 40 sends 0.2, so the lowest threshold from which every higher one fits
    # is 60 (0 and 20 send 0.1 themselves, but raising the threshold to 40 would not fit)
    assert [int(t) for t, row in sql_rows.items() if row["is_capacity_fit"]] == [60]
    assert {int(t): row["is_within_capacity"] for t, row in sql_rows.items()} == {
        0: True, 20: True, 40: False, 60: True, 80: True,
    }  # fmt: skip


def test_threshold_recommendations(tuning: DbtProject) -> None:
    rows = by_key(tuning.query_dict("select * from main.rpt_threshold_recommendations"), "stage")
    mql, sql = rows["mql"], rows["sql"]
    assert (mql["evaluated_leads"], mql["converted_leads"], mql["base_conversion_rate"]) == (
        9,
        3,
        0.3333,
    )
    assert (mql["current_threshold"], mql["current_precision"], mql["current_recall"]) == (
        Decimal("40.00"),
        0.3333,
        0.6667,
    )
    assert (mql["current_f1"], mql["current_reached_per_week"]) == (0.4444, 0.2)
    assert (mql["best_f1_threshold"], mql["best_f1"]) == (Decimal("60.00"), 0.5714)
    assert mql["capacity_threshold"] is None
    assert (sql["current_threshold"], sql["current_precision"], sql["current_recall"]) == (
        Decimal("80.00"),
        1.0,
        0.3333,
    )
    assert (sql["capacity_per_week"], sql["capacity_threshold"], sql["capacity_recall"]) == (
        0.15,
        Decimal("60.00"),
        0.6667,
    )
    # converted peaks 20, 70, 80: p10 = 20 + 0.2 * (70 - 20)
    assert (
        sql["lowest_converted_peak"],
        sql["converted_peak_p10"],
        sql["converted_peak_median"],
    ) == (Decimal("20.00"), Decimal("30.00"), Decimal("70.00"))


def test_conversion_by_score_band_and_grade(tuning: DbtProject) -> None:
    rows = tuning.query(
        "select breakdown, band, leads, converted_leads, conversion_rate, lift, share_of_leads "
        "from main.rpt_conversion_by_score_band order by breakdown, band"
    )
    assert rows == [
        ("grade", "A1", 2, 2, 1.0, 3.0, 0.2222),  # J1, F1
        ("grade", "A2", 1, 1, 1.0, 3.0, 0.1111),  # F2
        ("grade", "B1", 4, 0, 0.0, 0.0, 0.4444),  # J2, F3, M1, M3
        ("grade", "B2", 2, 0, 0.0, 0.0, 0.2222),  # J3, M2
        ("score_band", "0.00 to <20.00", 1, 0, 0.0, 0.0, 0.1111),  # J3
        ("score_band", "20.00 to <40.00", 2, 1, 0.5, 1.5, 0.2222),  # F2, M2
        ("score_band", "40.00 to <60.00", 2, 0, 0.0, 0.0, 0.2222),  # F3, M3
        ("score_band", "60.00 to <80.00", 3, 1, 0.3333, 1.0, 0.3333),  # J1, J2, M1
        ("score_band", "80.00 to <100.00", 1, 1, 1.0, 3.0, 0.1111),  # F1
    ]


def test_funnel_rates_medians_and_cohort_flag(tuning: DbtProject) -> None:
    rows = by_key(
        tuning.query_dict("select * from main.rpt_lifecycle_funnel"),
        "breakdown",
        "cohort_month",
        "lead_source",
    )
    columns = (
        "contacts", "leads", "mqls", "sqls", "opportunities", "customers", "lead_to_mql_rate",
        "mql_to_sql_rate", "sql_to_opportunity_rate", "opportunity_to_customer_rate",
        "mql_to_customer_rate",
    )  # fmt: skip

    def counts(key: tuple) -> tuple:
        return tuple(rows[key][column] for column in columns)

    january = ("cohort", date(2026, 1, 1), None)
    february = ("cohort", date(2026, 2, 1), None)
    march = ("cohort", date(2026, 3, 1), None)
    june = ("cohort", date(2026, 6, 1), None)
    assert counts(january) == (3, 2, 2, 0, 1, 1, 1.0, 0.0, None, 1.0, 0.5)
    assert counts(february) == (3, 2, 2, 1, 2, 2, 1.0, 0.5, 1.0, 1.0, 0.5)
    # M2 became mql on 06-06 without a conversion: 3 mqls, 2 leads
    assert counts(march) == (3, 2, 3, 0, 1, 1, 1.0, 0.0, None, 1.0, 0.3333)
    assert counts(june) == (1, 1, 1, 0, 0, 0, 1.0, 0.0, None, None, 0.0)  # R1
    # overall and lead_source rows count the judged contacts only: J1..M3, not the young R1
    # (leads J1, J2, F1, F3, M1, M3; mqls those and M2; sql F1; customers J1, F1, F2, M3 — all
    # four also opportunities; mql -> customer J1, F1, M3 of the 7 mqls)
    assert counts(("overall", None, None)) == (9, 6, 7, 1, 4, 4, 1.0, 0.1429, 1.0, 1.0, 0.4286)
    # no lead source (J2, J3, F2, F3, M1, M2, M3): leads J2, F3, M1, M3 (J3 only visited, F2 only
    # bought); mqls those and M2; customers F2 and M3, of whom only M3 was an mql first
    assert counts(("lead_source", None, "unknown")) == (7, 4, 5, 0, 2, 2, 1.0, 0.0, None, 1.0, 0.2)
    assert {row["is_mature"] for key, row in rows.items() if key[0] != "cohort"} == {True}
    assert counts(("lead_source", None, "paid_search")) == (
        2,
        2,
        2,
        1,
        2,
        2,
        1.0,
        0.5,
        1.0,
        1.0,
        1.0,
    )
    # medians in days: F1 mql 02-10 -> sql 02-12; opportunity -> customer F1 19, F2 4
    assert rows[february]["median_days_mql_to_sql"] == Decimal("2.0")
    assert rows[february]["median_days_sql_to_opportunity"] == Decimal("17.0")
    assert rows[february]["median_days_opportunity_to_customer"] == Decimal("11.5")
    assert rows[january]["median_days_mql_to_customer"] == Decimal("36.0")
    assert rows[("overall", None, None)]["median_days_opportunity_to_customer"] == Decimal("14.0")
    assert rows[("overall", None, None)]["median_days_mql_to_customer"] == Decimal("38.0")
    # trailing mql -> sql: February after January 0/2; March after Jan + Feb (0 + 1) / (2 + 2)
    assert rows[february]["trailing_mql_to_sql_rate"] == 0.0
    assert rows[march]["trailing_mql_to_sql_rate"] == 0.25
    assert {key[1]: row["is_mature"] for key, row in rows.items() if key[0] == "cohort"} == {
        date(2026, 1, 1): True,
        date(2026, 2, 1): True,
        date(2026, 3, 1): True,
        date(2026, 6, 1): False,
    }
    # March: 0 < 0.25 x (1 - 30 %); June is lower still but not mature
    flagged = [key[1] for key, row in rows.items() if row["is_mql_to_sql_below_trend"]]
    assert flagged == [date(2026, 3, 1)]


def test_rule_calibration_log_odds_and_suggested_points(tuning: DbtProject) -> None:
    rows = by_key(
        tuning.query_dict("select * from main.rpt_rule_calibration"), "model_id", "rule_id"
    )
    columns = (
        "leads_matched", "converted_matched", "conversion_rate_matched",
        "conversion_rate_unmatched", "lift", "log_odds_ratio", "z_score", "suggested_points",
        "is_never_fired", "is_sign_suspect",
    )  # fmt: skip

    def calibration(model_id: str, rule_id: str) -> tuple:
        return tuple(rows[(model_id, rule_id)][column] for column in columns)

    # big: matched 3/3 converted, not matched 0/6. With one pseudo-lead split by the base rate 1/3:
    # ln((3 + 1/3) / (0 + 2/3)) - ln((0 + 1/3) / (6 + 2/3)) = ln 5 - ln 0.05 = 4.6052;
    # se = sqrt(0.3 + 1.5 + 3 + 0.15) = 2.2249, z = 2.07; shrunk = 4.6052 x 0.25 / (0.25 + 4.95)
    # = 0.2214. visit: 2/7 vs 1/2: ln(2.3333 / 5.6667) - ln(1.3333 / 1.6667) = -0.6642,
    # se 1.3982, z -0.48, shrunk -0.0753. demo: 2/6 vs 1/3: 0. Scale 70 / (0.2214 + 0.0753) =
    # 235.93 points per log-odds: big 52.23 -> 52, visit -17.77 -> -18, demo 0.
    assert calibration("default", "big") == (
        3, 3, 1.0, 0.0, 3.0, 4.6052, 2.07, Decimal("52.00"), False, False,
    )  # fmt: skip
    assert calibration("default", "demo") == (
        6, 2, 0.3333, 0.3333, 1.0, 0.0, 0.0, Decimal("0.00"), False, False,
    )  # fmt: skip
    assert calibration("default", "visit") == (
        7, 2, 0.2857, 0.5, 0.8571, -0.6642, -0.48, Decimal("-18.00"), False, False,
    )  # fmt: skip
    assert calibration("default", "never") == (
        0, 0, None, 0.3333, None, None, None, None, True, False,
    )  # fmt: skip
    # the same evidence against -20 points: the sign looks wrong (z 2.07 >= 1.96); alone in its
    # model it keeps the model's 20 absolute points
    assert calibration("alt", "big_neg") == (
        3, 3, 1.0, 0.0, 3.0, 4.6052, 2.07, Decimal("20.00"), False, True,
    )  # fmt: skip
    # demo matched 6 judged leads, the new R1 and the excluded E1: contacts, not judged leads
    assert rows[("default", "demo")]["contacts_matched"] == 8


@pytest.fixture
def no_conversions(tuning: DbtProject):
    """The reports rebuilt with a 1-day conversion window: every contact but E1 is judged (R1
    too), none bought within a day of its creation. Rebuilt as before afterwards."""
    result = tuning.dbt(
        "run", "--select", "rpt_lead_outcomes+", vars={**VARS, "conversion_window_days": 1}
    )
    assert result.returncode == 0, result.output[-3000:]
    yield tuning
    tuning.dbt("run", "--select", "rpt_lead_outcomes+", vars=VARS)


def test_reports_without_any_conversion_recommend_nothing(no_conversions: DbtProject) -> None:
    tuning = no_conversions
    curve = tuning.query_dict("select * from main.rpt_threshold_tuning")
    # every F1 is 0 (no converted lead to catch; none where no lead reached the threshold): no
    # threshold is the best one
    assert {(row["evaluated_leads"], row["converted_leads"]) for row in curve} == {(10, 0)}
    assert {row["f1"] for row in curve} == {0.0, None}
    assert not any(row["is_best_f1"] for row in curve)
    recommendations = tuning.query(
        "select stage, converted_leads, base_conversion_rate, best_f1_threshold, "
        "lowest_converted_peak from main.rpt_threshold_recommendations order by stage"
    )
    assert recommendations == [("mql", 0, 0.0, None, None), ("sql", 0, 0.0, None, None)]
    calibration = tuning.query(
        "select distinct evaluated_leads, converted_unmatched, log_odds_ratio, suggested_points "
        "from main.rpt_rule_calibration"
    )
    assert calibration == [(10, 0, None, None)]


@pytest.fixture
def converted_means_sql(tuning: DbtProject):
    """The reports rebuilt with conversion_stage sql; rebuilt as before afterwards."""
    result = tuning.dbt(
        "run", "--select", "rpt_lead_outcomes+", vars={**VARS, "conversion_stage": "sql"}
    )
    assert result.returncode == 0, result.output[-3000:]
    yield tuning
    tuning.dbt("run", "--select", "rpt_lead_outcomes+", vars=VARS)


def test_conversion_stage_var_changes_what_converted_means(converted_means_sql: DbtProject) -> None:
    tuning = converted_means_sql
    converted = tuning.query(
        "select contact_id from main.rpt_lead_outcomes where is_converted order by 1"
    )
    assert converted == [("F1",)]
    # F1's score is judged up to its sql entry (80 on 02-12, not the 90 after)
    assert tuning.query(
        "select threshold, precision, recall from main.rpt_threshold_tuning "
        "where stage = 'sql' and threshold = 80"
    ) == [(Decimal("80.00"), 1.0, 1.0)]

    bad = tuning.dbt(
        "run", "--select", "rpt_lead_outcomes", vars={**VARS, "conversion_stage": "won"}
    )
    assert bad.returncode != 0
    assert "var conversion_stage must be sql, opportunity or customer, not 'won'" in bad.output


# A second, smaller project for what the first cannot show. Model `default` (lifecycle, min 0):
# demo = form_submission form_id demo +40, visit = page_view +10, clicked = at least one
# email_click in 30 days, 0 points; mql 40, sql 80; the seeds' feedback actions (sales_ready +10
# -> sql, not_ready -20 -> mql). All created 01-05 10:00, judged (window ends 04-05), no deal.
#
# contact  timeline                                                    peak  mql -> sql
# A        demo 01-08 (40, mql); visits 01-09..01-12 (80, sql 01-12)   80    4 days
# B        visits 01-06, 01-07 (20); sales_ready 01-10 (30, sql);      80    8 days: first mql
#          not_ready 01-15 (10, mql); demo 01-20 (50); visits 01-21,         01-15, sql again
#          01-22, 01-23 (80, sql again 01-23)                                01-23
# C        demo 01-08 (40, mql); email_click 01-09                     40    none
# D        visit 01-08 (10); email_click 01-09                         10    -
REENROLMENT_SEEDS = {
    "scoring_models": """
        model_id,description,min_score,max_score,is_lifecycle_model
        default,re-enrolment test model,0,,true
    """,
    "scoring_groups": """
        model_id,group_id,score_type,max_points,decay_percent,decay_period_days
        default,eng,engagement,,,
    """,
    "scoring_rules": """
        model_id,rule_id,group_id,kind,field,filter_field,operator,value,aggregate,points,max_occurrences,window_days,description
        default,demo,eng,event,form_submission,form_id,eq,demo,,40,,,
        default,visit,eng,event,page_view,,,,,10,,,
        default,clicked,eng,event_count,email_click,,gte,1,count,0,,30,
    """,
    "scoring_inactivity": """
        model_id,days_inactive,penalty_points,resets_engagement
    """,
    "score_grades": """
        model_id,dimension,band,min_points
        default,fit,A,0
        default,engagement,1,0
    """,
    "lifecycle_thresholds": """
        model_id,stage,min_score,required_rule_id
        default,mql,40,
        default,sql,80,
    """,
}

REENROLMENT_EVENTS = {
    "A": ["demo 01-08", "visit 01-09", "visit 01-10", "visit 01-11", "visit 01-12"],
    "B": [
        "visit 01-06",
        "visit 01-07",
        "demo 01-20",
        "visit 01-21",
        "visit 01-22",
        "visit 01-23",
    ],
    "C": ["demo 01-08", "click 01-09"],
    "D": ["visit 01-08", "click 01-09"],
}


@pytest.fixture(scope="module")
def reenrolment(tmp_path_factory: pytest.TempPathFactory) -> DbtProject:
    project = DbtProject(tmp_path_factory.mktemp("reenrolment") / "project")
    for name, text in REENROLMENT_SEEDS.items():
        project.write_seed(name, text)
    project.write_raw(
        "contacts",
        "contact_id,email,created_at\n"
        + "\n".join(f"{c},{c.lower()}@acme.com,2026-01-05 10:00:00" for c in "ABCD"),
    )
    rows = ["event_id,contact_id,event_type,occurred_at,form_id"]
    kinds = {
        "demo": ("form_submission", "demo"),
        "visit": ("page_view", ""),
        "click": ("email_click", ""),
    }
    for contact_id, events in REENROLMENT_EVENTS.items():
        for number, event in enumerate(events):
            kind, day = event.split()
            event_type, form_id = kinds[kind]
            rows.append(
                f"{contact_id}{number},{contact_id},{event_type},2026-{day} 10:00:00,{form_id}"
            )
    project.write_raw("events", "\n".join(rows))
    project.write_raw(
        "sales_feedback",
        """
        feedback_id,contact_id,feedback,created_at
        f1,B,sales_ready,2026-01-10 10:00:00
        f2,B,not_ready,2026-01-15 10:00:00
        """,
    )
    project.build(vars=VARS)
    return project


def test_funnel_counts_an_sql_re_entered_after_the_first_mql(reenrolment: DbtProject) -> None:
    """B was an sql (sales_ready) before its first mql (not_ready) and an sql again after it:
    it took mql -> sql, though its first sql entry is before its first mql."""
    assert reenrolment.query(
        "select contact_id, cast(became_mql_at as varchar), cast(became_sql_at as varchar) "
        "from main.rpt_lead_outcomes where contact_id = 'B'"
    ) == [("B", "2026-01-15 10:00:00", "2026-01-10 10:00:00")]
    rows = reenrolment.query(
        "select breakdown, mqls, mql_to_sql_rate, median_days_mql_to_sql "
        "from main.rpt_lifecycle_funnel where breakdown in ('cohort', 'overall') order by 1"
    )
    # A and B of the mqls A, B, C; days 4 (A) and 8 (B)
    assert rows == [("cohort", 3, 0.6667, Decimal("6.0")), ("overall", 3, 0.6667, Decimal("6.0"))]


def test_every_multiple_of_the_step_between_peaks_is_a_candidate(reenrolment: DbtProject) -> None:
    """Judged peaks 80, 80, 40, 10 with step 20: 20 and 60 are candidates too (no peak rounds
    down to them), each with its own weekly flow."""
    rows = reenrolment.query(
        "select cast(threshold as integer), leads_above from main.rpt_threshold_tuning "
        "where stage = 'mql' order by 1"
    )
    assert rows == [(0, 4), (20, 3), (40, 3), (60, 2), (80, 2)]


def test_an_event_count_rule_worth_0_points_still_records_its_matches(
    reenrolment: DbtProject,
) -> None:
    """clicked (0 points) holds for C and D from 01-09: matched, not never fired."""
    assert reenrolment.query(
        "select contacts_matched, leads_matched, is_never_fired from main.rpt_rule_calibration "
        "where rule_id = 'clicked'"
    ) == [(2, 2, False)]
