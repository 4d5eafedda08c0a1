"""SPEC 4 scoring semantics and the SPEC 9 worked example, with hand-computed expected values.

One project is built once with a test configuration of four scoring models side by side:
- `default`: exactly the SPEC 9 worked example (plus sales-feedback actions and grade bands);
- `ops`: one property rule per operator, 1 point each, so the matched rule set is visible;
- `ev`: event mechanics (max_occurrences, stepwise decay, windows, JSON property filters, group
  caps, event_count aggregates, a condition that holds at zero, inactivity steps, reset, clamp).
as_of is 2026-01-31 00:00:00 throughout; ages below are floor((as_of - occurred_at) / 24 h).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
from dbt_harness import DbtProject

AS_OF = "2026-01-31 00:00:00"

SEEDS = {
    "scoring_models": """
        model_id,description,min_score,max_score,is_lifecycle_model
        default,SPEC 9 worked example,0,,true
        ops,one property rule per operator,,,false
        ev,event mechanics,-50,60,false
    """,
    "scoring_groups": """
        model_id,group_id,score_type,max_points,decay_percent,decay_period_days
        default,fit,fit,40,,
        default,web,engagement,,50,30
        default,email,engagement,,,
        ops,f,fit,,,
        ev,e,engagement,,,
        ev,d,engagement,,25,10
        ev,capped,engagement,5,,
    """,
    "scoring_rules": """
        model_id,rule_id,group_id,kind,field,filter_field,operator,value,aggregate,points,max_occurrences,window_days,description
        default,title_vp,fit,property,job_title,,contains,vp,,15,,,
        default,size_mid,fit,property,employee_count,,between,50|1000,,20,,,
        default,industry,fit,property,industry,,in,software|fintech,,10,,,
        default,pricing,web,event,page_view,url,contains,/pricing,,10,2,,
        default,visits_2_5,web,event_count,page_view,,between,2|5,count,3,,30,
        default,visits_6p,web,event_count,page_view,,gte,6,count,6,,30,
        default,open,email,event,email_open,,,,,2,,90,
        default,unsub,email,event,email_unsubscribe,,,,,-5,,,
        ops,eq_industry,f,property,industry,,eq,software,,1,,,
        ops,neq_industry,f,property,industry,,neq,software,,1,,,
        ops,in_country,f,property,country,,in,de | fr,,1,,,
        ops,not_in_country,f,property,country,,not_in,de|fr,,1,,,
        ops,contains_title,f,property,job_title,,contains,market,,1,,,
        ops,not_contains_title,f,property,job_title,,not_contains,market,,1,,,
        ops,starts_title,f,property,job_title,,starts_with,vp,,1,,,
        ops,ends_title,f,property,job_title,,ends_with,marketing,,1,,,
        ops,gt_size,f,property,employee_count,,gt,200,,1,,,
        ops,gte_size,f,property,employee_count,,gte,200,,1,,,
        ops,lt_size,f,property,employee_count,,lt,200,,1,,,
        ops,lte_size,f,property,employee_count,,lte,200,,1,,,
        ops,between_size,f,property,employee_count,,between,100|200,,1,,,
        ops,set_phone,f,property,phone,,is_set,,,1,,,
        ops,notset_phone,f,property,phone,,is_not_set,,,1,,,
        ops,number_on_text,f,property,industry,,gt,5,,1,,,
        ops,seats_gte,f,property,seats,,gte,10,,1,,,
        ops,eq_revenue,f,property,annual_revenue,,eq,1000000,,1,,,
        ops,in_revenue,f,property,annual_revenue,,in,7|1500.5,,1,,,
        ev,maxocc,e,event,email_click,,,,,4,2,,
        ev,decay,d,event,page_view,url,contains,/docs,,8,,,
        ev,window,e,event,email_open,,,,,1,,7,
        ev,json_plan,e,event,form_submission,properties.plan,eq,enterprise,,10,,,
        ev,webinars,capped,event,webinar_attended,,,,,3,,,
        ev,channels,e,event_count,*,,gte,3,distinct_channels,5,,30,
        ev,days,e,event_count,page_view,,eq,5,distinct_days,2,,,
        ev,docs_count,e,event_count,page_view,url contains /docs,between,6|6,count,3,,,
        ev,no_unsub,e,event_count,email_unsubscribe,,lt,1,count,1,,,
        ev,unsub,e,event,email_unsubscribe,,,,,-20,,,
    """,
    "scoring_inactivity": """
        model_id,days_inactive,penalty_points,resets_engagement
        default,30,10,false
        ev,10,3,false
        ev,20,4,false
        ev,40,0,true
    """,
    "score_grades": """
        model_id,dimension,band,min_points
        default,fit,A,30
        default,fit,B,15
        default,fit,C,0
        default,engagement,1,20
        default,engagement,2,10
        default,engagement,3,0
    """,
    "lifecycle_thresholds": """
        model_id,stage,min_score,required_rule_id
        default,mql,50,
        default,sql,80,
    """,
    "sales_feedback_actions": """
        feedback,points,to_stage,blocks_requalification
        sales_ready,10,sql,false
        not_ready,-5,mql,false
        unqualified,-50,subscriber,true
    """,
}

CONTACTS = """
    contact_id,email,first_name,last_name,company_name,job_title,employee_count,industry,country,created_at,annual_revenue
    A,a@acme.com,Ann,Able,Acme,VP Marketing,200,Software,,2025-01-01 00:00:00,1000000
    O1,o1@shop.com,Oli,One,Shop,Head of Sales,1000,Retail ,  DE,2025-01-01 00:00:00,1500.50
    O2,o2@shop.com,Ola,Two,Shop,,abc,,us,2025-01-01 00:00:00,
    E1,e1@x.com,Eve,One,X,,,,,2025-01-01 00:00:00,
    E2,e2@x.com,Eve,Two,X,,,,,2025-01-01 00:00:00,
    E3,e3@x.com,Eve,Three,X,,,,,2025-01-01 00:00:00,
    E4,e4@x.com,Eve,Four,X,,,,,2025-01-01 00:00:00,
    E5,e5@x.com,Eve,Five,X,,,,,2026-01-25 00:00:00,
    F,f@x.com,Fay,F,X,VP Sales,,,,2025-12-01 00:00:00,
    G,g@x.com,Gil,G,X,VP Sales,,,,2025-12-01 00:00:00,
    I,i@x.com,Ian,I,X,,,,,2025-01-01 00:00:00,
    LATE,late@x.com,Lee,Late,X,VP Sales,,,,2026-03-01 00:00:00,
"""

CONTACT_PROPERTIES = """
    contact_id,property,value,updated_at
    O1,phone,123,2025-06-01 00:00:00
    O1,seats,12,2025-06-01 00:00:00
    O2,seats,many,2025-06-01 00:00:00
"""

EVENTS = """
    event_id,contact_id,event_type,occurred_at,url,properties
    a1,A,page_view,2026-01-30 10:00:00,https://acme.io/pricing,
    a2,A,page_view,2025-12-20 09:00:00,https://acme.io/pricing,
    a3,A,page_view,2025-11-01 08:00:00,https://acme.io/pricing,
    a4,A,page_view,2026-01-25 12:00:00,https://acme.io/blog/a,
    a5,A,email_open,2026-01-10 00:00:00,,
    a6,A,email_open,2025-09-01 00:00:00,,
    e1_pv1,E1,page_view,2026-01-30 12:00:00,/docs/a,
    e1_pv2,E1,page_view,2026-01-21 23:00:00,/docs/b,
    e1_pv3,E1,page_view,2026-01-21 00:00:00,/docs/c,
    e1_pv4,E1,page_view,2026-01-06 00:00:00,/docs/d,
    e1_pv5,E1,page_view,2025-12-23 00:00:00,/DOCS/e,
    e1_pv6,E1,page_view,2025-12-17 00:00:00,/docs/f,
    e1_pv7,E1,page_view,2026-01-30 13:00:00,/pricing,
    e1_ck1,E1,email_click,2026-01-20 10:00:00,,
    e1_ck2,E1,email_click,2026-01-25 10:00:00,,
    e1_ck3,E1,email_click,2026-01-25 10:00:00,,
    e1_op1,E1,email_open,2026-01-24 12:00:00,,
    e1_op2,E1,email_open,2026-01-24 00:00:00,,
    e1_fs1,E1,form_submission,2026-01-15 00:00:00,,"{""plan"": ""Enterprise""}"
    e1_fs2,E1,form_submission,2026-01-16 00:00:00,,"{""plan"": ""free""}"
    e1_fs3,E1,form_submission,2026-01-17 00:00:00,,
    e1_wb1,E1,webinar_attended,2026-01-10 00:00:00,,
    e1_wb2,E1,webinar_attended,2026-01-12 00:00:00,,
    e2_un,E2,email_unsubscribe,2026-01-05 00:00:00,,
    e2_pv,E2,page_view,2026-01-05 00:00:00,/docs/x,
    e3_pv,E3,page_view,2026-01-09 00:00:00,/docs/x,
    e4_pv,E4,page_view,2025-12-01 00:00:00,/docs/x,
    i_op,I,email_open,2025-12-20 00:00:00,,
    a_later,A,page_view,2026-02-15 00:00:00,https://acme.io/pricing,
"""

SALES_FEEDBACK = """
    feedback_id,contact_id,feedback,reason,rep_id,created_at
    f1,F,not_ready,no budget yet,rep_01,2026-01-20 00:00:00
    f2,F,unqualified,after as_of,rep_01,2026-02-05 00:00:00
    g1,G,unqualified,student project,rep_01,2026-01-10 00:00:00
"""


def build_scenario(project: DbtProject, as_of: str = AS_OF) -> None:
    for name, text in SEEDS.items():
        project.write_seed(name, text)
    project.write_raw("contacts", CONTACTS)
    project.write_raw("contact_properties", CONTACT_PROPERTIES)
    project.write_raw("events", EVENTS)
    project.write_raw("sales_feedback", SALES_FEEDBACK)
    project.build(vars={"as_of": as_of})


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> DbtProject:
    project = DbtProject(tmp_path_factory.mktemp("scoring") / "project")
    build_scenario(project)
    return project


def score(project: DbtProject, contact_id: str, model_id: str) -> dict:
    rows = project.query_dict(
        f"select * from main.fct_lead_scores where contact_id = '{contact_id}' "
        f"and model_id = '{model_id}'"
    )
    assert len(rows) == 1, rows
    return rows[0]


def breakdown(project: DbtProject, contact_id: str, model_id: str) -> dict[str, Decimal]:
    rows = project.query(
        "select rule_id, points from main.fct_lead_score_breakdown "
        f"where contact_id = '{contact_id}' and model_id = '{model_id}'"
    )
    return dict(rows)


def test_spec_9_worked_example(scenario: DbtProject) -> None:
    row = score(scenario, "A", "default")
    assert row["fit_score"] == Decimal("40.00")  # 15 + 20 + 10 = 45, capped at 40
    assert row["engagement_score"] == Decimal("20.00")  # web 15 + 3, email 2
    assert row["inactivity_penalty"] == Decimal("0.00")
    assert row["days_inactive"] == 0
    assert row["total_score"] == Decimal("60.00")
    assert breakdown(scenario, "A", "default") == {
        "title_vp": Decimal("15.00"),
        "size_mid": Decimal("20.00"),
        "industry": Decimal("10.00"),
        "cap:fit": Decimal("-5.00"),
        "pricing": Decimal("15.00"),  # 10 (age 0) + 5 (age 41: one 30-day step of 50 %)
        "visits_2_5": Decimal("3.00"),  # 2 page views younger than 30 days
        "open": Decimal("2.00"),  # the 2025-09-01 open is outside the 90-day window
    }


def test_explain_contact_analysis_lists_the_worked_example(scenario: DbtProject) -> None:
    # analyses/explain_contact.sql: every model's rows of the contact, largest points first
    rows = scenario.analysis("explain_contact", vars={"contact_id": "A"})
    default = [row[3:7] for row in rows if row[0] == "default"]
    assert {row[1:3] for row in rows if row[0] == "default"} == {(Decimal("60.00"), "A1")}
    assert default == [
        ("rule", "fit", "size_mid", Decimal("20.00")),
        ("rule", "web", "pricing", Decimal("15.00")),
        ("rule", "fit", "title_vp", Decimal("15.00")),
        ("rule", "fit", "industry", Decimal("10.00")),
        ("group_cap", "fit", "cap:fit", Decimal("-5.00")),
        ("rule", "web", "visits_2_5", Decimal("3.00")),
        ("rule", "email", "open", Decimal("2.00")),
    ]
    assert sum(row[3] for row in default) == Decimal("60.00")


def test_worked_example_grade_and_explanations(scenario: DbtProject) -> None:
    assert score(scenario, "A", "default")["grade"] == "A1"  # fit 40 >= 30, engagement 20 >= 20
    reasons = dict(
        scenario.query(
            "select rule_id, reason from main.fct_lead_score_breakdown "
            "where contact_id = 'A' and model_id = 'default'"
        )
    )
    assert reasons["title_vp"] == "job_title = 'VP Marketing' contains 'vp'"
    assert reasons["pricing"].startswith("2 of 3 page_view events where url contains '/pricing'")
    assert "decayed" in reasons["pricing"]
    assert reasons["cap:fit"] == "group fit capped at 40.00 (rules gave 45.00)"


@pytest.mark.parametrize(
    ("contact_id", "expected_rules"),
    [
        # VP Marketing, 200 employees, Software, no country, no phone property
        (
            "A",
            {
                "eq_industry",
                "contains_title",
                "starts_title",
                "ends_title",
                "gte_size",
                "lte_size",
                "between_size",
                "notset_phone",
                # annual_revenue 1000000 (a decimal: compared as '1000000', not '1000000.00')
                "eq_revenue",
            },
        ),
        # Head of Sales, 1000 employees, 'Retail ', '  DE', phone 123, seats 12, revenue 1500.50
        (
            "O1",
            {
                "neq_industry",
                "in_country",
                "not_contains_title",
                "gt_size",
                "gte_size",
                "set_phone",
                "seats_gte",
                "in_revenue",  # 1500.50 reads '1500.5'
            },
        ),
        # empty title, employee_count 'abc' (not a number), no industry, 'us', seats 'many':
        # unknown values match only is_not_set; numeric operators on non-numbers never match
        ("O2", {"not_in_country", "notset_phone"}),
    ],
)
def test_every_operator(scenario: DbtProject, contact_id: str, expected_rules: set) -> None:
    matched = breakdown(scenario, contact_id, "ops")
    assert set(matched) == expected_rules
    assert score(scenario, contact_id, "ops")["total_score"] == Decimal(len(expected_rules))


def test_event_mechanics(scenario: DbtProject) -> None:
    assert breakdown(scenario, "E1", "ev") == {
        "maxocc": Decimal("8.00"),  # 3 clicks, the 2 most recent count: 2 x 4
        # /docs views at ages 0, 9, 10, 25, 39 (/DOCS, case-insensitive), 45 with 25 % decay
        # every 10 days: 8 + 8 + 6 + 4 + 2 + 0
        "decay": Decimal("28.00"),
        "window": Decimal("1.00"),  # open at age 6 counts, age 7 is outside window_days 7
        "json_plan": Decimal("10.00"),  # properties.plan = 'Enterprise'; 'free' and no JSON don't
        "webinars": Decimal("6.00"),  # 2 x 3 ...
        "cap:capped": Decimal("-1.00"),  # ... capped at 5
        "channels": Decimal("5.00"),  # web, email, events in the last 30 days
        "days": Decimal("2.00"),  # 7 page views on 5 distinct days
        "docs_count": Decimal("3.00"),  # 6 of the 7 page views are /docs
        "no_unsub": Decimal("1.00"),  # 0 unsubscribes: holds at zero
        "clamp": Decimal("-3.00"),  # 63 clamped to max_score 60
    }
    row = score(scenario, "E1", "ev")
    assert row["engagement_score"] == Decimal("63.00")
    assert row["total_score"] == Decimal("60.00")


def test_inactivity_never_pushes_negative_engagement_further(scenario: DbtProject) -> None:
    # page view at age 26 (two decay steps: 8 x 0.5 = 4) and an unsubscribe (-20): raw -16;
    # 26 days inactive reaches the 10 and 20 day steps (3 + 4), but nothing is taken below 0
    row = score(scenario, "E2", "ev")
    assert row["engagement_raw"] == Decimal("-16.00")
    assert row["inactivity_penalty"] == Decimal("0.00")
    assert row["total_score"] == Decimal("-16.00")
    assert "no_unsub" not in breakdown(scenario, "E2", "ev")


def test_inactivity_penalty_stops_at_zero(scenario: DbtProject) -> None:
    # page view at age 22: 4 points, plus no_unsub 1 = 5; 22 days inactive: penalty 3 + 4 = 7
    row = score(scenario, "E3", "ev")
    assert (row["engagement_raw"], row["inactivity_penalty"], row["engagement_score"]) == (
        Decimal("5.00"),
        Decimal("5.00"),
        Decimal("0.00"),
    )
    assert breakdown(scenario, "E3", "ev")["inactivity"] == Decimal("-5.00")


def test_inactivity_reset(scenario: DbtProject) -> None:
    # page view at age 61 decays to 0 (6 steps of 25 %), no_unsub 1; 61 days >= the 40-day reset
    row = score(scenario, "E4", "ev")
    assert (row["engagement_raw"], row["engagement_score"], row["days_inactive"]) == (
        Decimal("1.00"),
        Decimal("0.00"),
        61,
    )
    assert breakdown(scenario, "E4", "ev") == {
        "decay": Decimal("0.00"),
        "no_unsub": Decimal("1.00"),
        "inactivity": Decimal("-1.00"),
    }


def test_inactivity_counts_from_creation_without_activity(scenario: DbtProject) -> None:
    row = score(scenario, "E5", "ev")
    assert row["days_inactive"] == 6 and row["last_activity_at"] is None
    assert row["total_score"] == Decimal("1.00")  # only no_unsub
    # under the SPEC 9 model E5 matches nothing: 0, never null
    assert score(scenario, "E5", "default")["total_score"] == Decimal("0.00")


def test_inactivity_step_on_worked_example_model(scenario: DbtProject) -> None:
    # one open at age 42 (< 90): +2; 42 days inactive reaches the 30-day step (-10), floored at 0
    row = score(scenario, "I", "default")
    assert (row["engagement_raw"], row["inactivity_penalty"], row["total_score"]) == (
        Decimal("2.00"),
        Decimal("2.00"),
        Decimal("0.00"),
    )


def test_sales_feedback_adjustment_up_to_as_of(scenario: DbtProject) -> None:
    # title_vp 15; not_ready -5 on 2026-01-20; the unqualified feedback of 2026-02-05 is after as_of
    row = score(scenario, "F", "default")
    assert row["adjustment_points"] == Decimal("-5.00")
    assert row["total_score"] == Decimal("10.00")
    assert row["grade"] == "B3"
    assert breakdown(scenario, "F", "default")["sales_feedback"] == Decimal("-5.00")
    # adjustments apply to the lifecycle model only
    assert score(scenario, "F", "ops")["adjustment_points"] == Decimal("0.00")


def test_clamp_to_min_score(scenario: DbtProject) -> None:
    # title_vp 15 + unqualified -50 = -35, clamped to min_score 0
    assert breakdown(scenario, "G", "default") == {
        "title_vp": Decimal("15.00"),
        "sales_feedback": Decimal("-50.00"),
        "clamp": Decimal("35.00"),
    }
    assert score(scenario, "G", "default")["total_score"] == Decimal("0.00")


def test_breakdown_adds_up_to_total_for_everyone(scenario: DbtProject) -> None:
    mismatches = scenario.query(
        """
        select scores.contact_id, scores.model_id, scores.total_score, sum(breakdown.points)
        from main.fct_lead_scores as scores
        left join main.fct_lead_score_breakdown as breakdown
            using (contact_id, model_id)
        group by 1, 2, 3
        having scores.total_score <> coalesce(sum(breakdown.points), 0)
        """
    )
    assert mismatches == []


def test_models_side_by_side_and_contacts_created_later_absent(scenario: DbtProject) -> None:
    rows = scenario.query(
        "select model_id, count(*) from main.fct_lead_scores group by 1 order by 1"
    )
    # 11 contacts exist at as_of (LATE is created after it), under each of the 3 models
    assert rows == [("default", 11), ("ev", 11), ("ops", 11)]


def test_point_in_time_and_idempotent_rebuild(scenario: DbtProject) -> None:
    snapshot_sql = (
        "select contact_id, model_id, total_score, fit_score, engagement_score, grade "
        "from main.fct_lead_scores order by 1, 2"
    )
    breakdown_sql = "select * from main.fct_lead_score_breakdown order by 1, 2, 3"
    before = (scenario.query(snapshot_sql), scenario.query(breakdown_sql))
    # as of 2026-01-20: pricing views at ages 31 (x0.5 = 5) and 80 (x0 = 0), no page view in the
    # last 30 days, the open of 2026-01-10 (age 10) +2; last activity 10 days ago: no penalty.
    # as_of is given with a UTC offset: 2026-01-19 20:00 at -04:00 is 2026-01-20 00:00 UTC
    scenario.build(vars={"as_of": "2026-01-19T20:00:00-04:00"})
    assert scenario.query("select as_of from main.int_scoring_run") == [
        (datetime(2026, 1, 20, 0, 0),)
    ]
    assert breakdown(scenario, "A", "default") == {
        "title_vp": Decimal("15.00"),
        "size_mid": Decimal("20.00"),
        "industry": Decimal("10.00"),
        "cap:fit": Decimal("-5.00"),
        "pricing": Decimal("5.00"),
        "open": Decimal("2.00"),
    }
    assert score(scenario, "A", "default")["total_score"] == Decimal("47.00")
    # back to the original as_of: identical marts, twice
    for _ in range(2):
        scenario.build(vars={"as_of": AS_OF})
        assert (scenario.query(snapshot_sql), scenario.query(breakdown_sql)) == before


@pytest.mark.parametrize("as_of", ["yesterday", "2026-01-20 10:00:00 CET", "infinity"])
def test_as_of_that_is_not_a_time_stops_the_run(scenario: DbtProject, as_of: str) -> None:
    result = scenario.dbt("run", "--select", "int_scoring_run", vars={"as_of": as_of})
    assert result.returncode != 0
    assert f"var as_of = '{as_of}' is not a time" in result.output
    # stopped before any node ran: the stored run is the fixture's
    assert scenario.query("select as_of from main.int_scoring_run") == [
        (datetime(2026, 1, 31, 0, 0),)
    ]
