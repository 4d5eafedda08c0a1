"""SPEC 3-5 rules the other scenarios do not reach, with hand-computed values.

One project, built once (as_of 2026-03-01 00:00:00), one lifecycle model:
- fit: job_title student -20 (min_score empty: no lower bound);
- engagement group eng, decaying 50 % per 30 days: demo form +50, page view +10;
- engagement group cnt, also 50 % per 30 days, holding event_count rules only (they never decay):
  any page view (count >= 1) +6; 3+ channels of activity events within 30 days +5;
- engagement group flt, no decay: event filters on channel, campaign_id, content_id, source_system;
- fit: employee_count between 100|200 +1; job_title in 'analyst   |   engineer' +13;
- flt also: a JSON key written in camelCase (properties.planType eq pro) +7 per event; an
  event_count filter with a spaced list (form_id in trial | quote) +11;
- flt also: a bounce (email_bounce, not activity) in the last 30 days -3 (event_count, window 30);
- inactivity: 30 days -> 5 points; mql at 40 with the demo rule required; no sql row.
Ages are floor((as_of - occurred_at) / 24 h); decay weight 0.5 ** floor(age / 30).
Every contact is created 2026-01-01 00:00:00 and owned (no round-robin).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
from dbt_harness import DbtProject

AS_OF = "2026-03-01 00:00:00"

SEEDS = {
    "scoring_models": """
        model_id,description,min_score,max_score,is_lifecycle_model
        default,edge cases,,,true
    """,
    "scoring_groups": """
        model_id,group_id,score_type,max_points,decay_percent,decay_period_days
        default,fit,fit,,,
        default,eng,engagement,,50,30
        default,cnt,engagement,,50,30
        default,flt,engagement,,,
    """,
    "scoring_rules": """
        model_id,rule_id,group_id,kind,field,filter_field,operator,value,aggregate,points,max_occurrences,window_days,description
        default,student,fit,property,job_title,,eq,student,,-20,,,
        default,demo,eng,event,form_submission,form_id,eq,demo,,50,,,
        default,visit,eng,event,page_view,,,,,10,,,
        default,visits_1p,cnt,event_count,page_view,,gte,1,count,6,,,
        default,active3,cnt,event_count,*,,gte,3,distinct_channels,5,,30,
        default,size_band,fit,property,employee_count,,between,100|200,,1,,,
        default,not_web,flt,event,page_view,channel,neq,web,,1,,,
        default,spring,flt,event,email_click,campaign_id,eq,spring,,2,,,
        default,papers,flt,event,content_download,content_id,in,wp1|wp2,,3,,,
        default,from_hubspot,flt,event,page_view,source_system,eq,hubspot,,4,,,
        default,camel_plan,flt,event,form_submission,properties.planType,eq,pro,,7,,,
        default,trials,flt,event_count,form_submission,form_id in trial | quote,gte,1,count,11,,,
        default,tech_title,fit,property,job_title,,in,analyst   |   engineer,,13,,,
        default,bounced,flt,event_count,email_bounce,,gte,1,count,-3,,30,
    """,
    "scoring_inactivity": """
        model_id,days_inactive,penalty_points,resets_engagement
        default,30,5,false
    """,
    "score_grades": """
        model_id,dimension,band,min_points
    """,
    "lifecycle_thresholds": """
        model_id,stage,min_score,required_rule_id
        default,mql,40,demo
    """,
}

CONTACTS = """
    contact_id,email,first_name,last_name,company_name,job_title,email_opt_out,owner_id,created_at,employee_count
    NODECAY,nodecay@acme.com,No,Decay,Acme,,,o,2026-01-01 00:00:00,
    STAR,star@acme.com,Sta,R,Acme,,,o,2026-01-01 00:00:00,
    QUIET,quiet@acme.com,Qui,Et,Acme,,,o,2026-01-01 00:00:00,
    OPTOUT,optout@acme.com,Opt,Out,Acme,,true,o,2026-01-01 00:00:00,
    NOSQL,nosql@acme.com,No,Sql,Acme,,,o,2026-01-01 00:00:00,
    MQLREQ,mqlreq@acme.com,Mql,Req,Acme,,,o,2026-01-01 00:00:00,
    OPP,opp@acme.com,Op,Portunity,Acme,,,o,2026-01-01 00:00:00,
    STUDENT,student@acme.com,Stu,Dent,Acme,Student,,o,2026-01-01 00:00:00,
    FILT,filt@acme.com,Fil,Ter,Acme,,,o,2026-01-01 00:00:00,
    BOUND,bound@acme.com,Bou,Nd,Acme,,,o,2026-01-01 00:00:00,100
    ATT,att@acme.com,At,T,Acme,,,o,2026-01-01 00:00:00,
    MULTI,multi@acme.com,Mul,Ti,Acme,,,o,2026-01-01 00:00:00,
    JSONC,jsonc@acme.com,Js,On,Acme,Engineer,,o,2026-01-01 00:00:00,
    FRAC,frac@acme.com,Fra,C,Acme,,,o,2026-01-01 00:00:00,150.5
    WHOLE,whole@acme.com,Who,Le,Acme,,,o,2026-01-01 00:00:00,150.0
    HUGE,huge@acme.com,Hu,Ge,Acme,,,o,2026-01-01 00:00:00,99999999999999999999
    BNC30,bnc30@acme.com,Bo,Unce,Acme,,,o,2026-01-01 00:00:00,
    BNC29,bnc29@acme.com,Bo,Unce,Acme,,,o,2026-01-01 00:00:00,
"""

EVENT_ROWS = [
    "event_id,contact_id,event_type,occurred_at,form_id,campaign_id,content_id,source_system,properties",
    # NODECAY: one page view, age 45: visit 10 * 0.5 = 5; visits_1p 6 (no decay)
    "nd_pv,NODECAY,page_view,2026-01-15 00:00:00,",
    # STAR: web and events activity, plus outreach_sent and email_sent (not activity)
    "st_pv,STAR,page_view,2026-02-20 00:00:00,",
    "st_web,STAR,webinar_attended,2026-02-21 00:00:00,",
    "st_out,STAR,outreach_sent,2026-02-22 00:00:00,",
    "st_mail,STAR,email_sent,2026-02-23 00:00:00,",
    # QUIET: a page view 40 days ago, then only email_sent / outreach_sent (not activity)
    "qu_pv,QUIET,page_view,2026-01-20 00:00:00,",
    "qu_out,QUIET,outreach_sent,2026-02-27 00:00:00,",
    "qu_mail,QUIET,email_sent,2026-02-28 00:00:00,",
    # OPTOUT: a demo (50 >= mql, demo matched) from an opted-out contact
    "oo_demo,OPTOUT,form_submission,2026-02-01 09:00:00,demo",
    # NOSQL: demo (mql), five page views: 106 points, no sql row; sales_ready on 02-10
    "ns_demo,NOSQL,form_submission,2026-02-01 09:00:00,demo",
    *[f"ns_pv{day},NOSQL,page_view,2026-02-0{day} 09:00:00," for day in range(2, 7)],
    # MQLREQ: five page views (56 >= 40, no demo: no mql), then the demo on 02-15
    *[f"mr_pv{day},MQLREQ,page_view,2026-02-0{day} 09:00:00," for day in range(2, 7)],
    "mr_demo,MQLREQ,form_submission,2026-02-15 09:00:00,demo",
    # OPP: an opportunity since 01-10 asks for a demo on 02-01 (50 >= mql)
    "op_demo,OPP,form_submission,2026-02-01 09:00:00,demo",
    # FILT: one match of each filter (and one miss each)
    "fi_pv1,FILT,page_view,2026-02-20 00:00:00,,,,hubspot",
    "fi_pv2,FILT,page_view,2026-02-21 00:00:00,,,,marketo",
    "fi_click1,FILT,email_click,2026-02-20 00:00:00,,spring,,",
    "fi_click2,FILT,email_click,2026-02-21 00:00:00,,autumn,,",
    "fi_dl1,FILT,content_download,2026-02-20 00:00:00,,,wp1,",
    "fi_dl2,FILT,content_download,2026-02-21 00:00:00,,,wp3,",
    # BOUND: a page view exactly 30 days before as_of: decayed once, 30 days inactive
    "bo_pv,BOUND,page_view,2026-01-30 00:00:00,",
    # BNC30: a bounce exactly 30 days before as_of is outside a 30-day window (age 30 is not
    # < 30); BNC29's, a second later, is inside (age 29)
    "bn_30,BNC30,email_bounce,2026-01-30 00:00:00,",
    "bn_29,BNC29,email_bounce,2026-01-30 00:00:01,",
    # ATT: a page view at as_of itself counts (age 0)
    "at_pv,ATT,page_view,2026-03-01 00:00:00,",
    # JSONC: planType as written matches; a rule lower-casing the key would read js_fs2's
    # plantype (free) instead and miss; both are trial forms
    'js_fs1,JSONC,form_submission,2026-02-20 00:00:00,trial,,,,"{""planType"": ""pro""}"',
    'js_fs2,JSONC,form_submission,2026-02-21 00:00:00,trial,,,,"{""plantype"": ""free""}"',
    # JSONC's properties that no filter can read (email_sent: no rule, not activity)
    "js_bad,JSONC,email_sent,2026-02-22 00:00:00,,,,,{plan: enterprise",
    'js_array,JSONC,email_sent,2026-02-22 00:00:00,,,,,"[""pro""]"',
    'js_object,JSONC,email_sent,2026-02-22 00:00:00,,,,,"{""plan"": ""pro""}"',
]
# every row padded to the header's nine fields (no row has a comma inside a value)
EVENTS = "\n".join(row + "," * (8 - row.count(",")) for row in EVENT_ROWS)

SALES_FEEDBACK = """
    feedback_id,contact_id,feedback,reason,rep_id,created_at
    ns_f1,NOSQL,sales_ready,asked for a call,o,2026-02-10 09:00:00
"""

DEALS = """
    deal_id,contact_id,stage,amount,created_at,closed_at
    op_d1,OPP,open,1000,2026-01-10 00:00:00,
    mu_d1,MULTI,open,100,2026-01-20 00:00:00,
    mu_d2,MULTI,closed_won,100,2026-01-15 00:00:00,2026-02-20 00:00:00
    mu_d3,MULTI,closed_won,100,2026-01-10 00:00:00,2026-02-10 00:00:00
"""


def ts(text: str) -> datetime:
    return datetime.fromisoformat(text)


@pytest.fixture(scope="module")
def edge(tmp_path_factory: pytest.TempPathFactory) -> DbtProject:
    project = DbtProject(tmp_path_factory.mktemp("spec_edge") / "project")
    for name, text in SEEDS.items():
        project.write_seed(name, text)
    project.write_raw("contacts", CONTACTS)
    project.write_raw("events", EVENTS)
    project.write_raw("sales_feedback", SALES_FEEDBACK)
    project.write_raw("deals", DEALS)
    project.build(vars={"as_of": AS_OF})
    return project


def breakdown(project: DbtProject, contact_id: str) -> dict[str, Decimal]:
    return dict(
        project.query(
            "select rule_id, points from main.fct_lead_score_breakdown "
            f"where contact_id = '{contact_id}' order by rule_id"
        )
    )


def lead_score(project: DbtProject, contact_id: str) -> dict:
    (row,) = project.query_dict(
        f"select * from main.fct_lead_scores where contact_id = '{contact_id}'"
    )
    return row


def stages(project: DbtProject, contact_id: str) -> list[tuple]:
    return project.query(
        "select stage, entered_at, trigger_type from main.fct_lifecycle_stage_history "
        f"where contact_id = '{contact_id}' order by entry_number"
    )


def stage_alerts(project: DbtProject, contact_id: str) -> list[tuple]:
    return project.query(
        "select alert_type, triggered_at from main.fct_sales_alerts "
        f"where contact_id = '{contact_id}' and alert_type in ('mql', 'sql') order by 2, 1"
    )


def test_event_count_rules_never_decay(edge: DbtProject) -> None:
    # the page view is 45 days old: the event rule decays to 5, the count rule keeps its 6;
    # 45 days inactive: -5
    assert breakdown(edge, "NODECAY") == {
        "inactivity": Decimal("-5.00"),
        "visit": Decimal("5.00"),
        "visits_1p": Decimal("6.00"),
    }
    assert lead_score(edge, "NODECAY")["total_score"] == Decimal("6.00")


def test_star_counts_activity_events_only(edge: DbtProject) -> None:
    # web + events = 2 channels of activity; outreach_sent and email_sent would make 4
    assert breakdown(edge, "STAR") == {"visit": Decimal("10.00"), "visits_1p": Decimal("6.00")}
    assert lead_score(edge, "STAR")["total_score"] == Decimal("16.00")


def test_inactivity_counts_activity_events_only(edge: DbtProject) -> None:
    # the last activity is the page view of 01-20 (40 days); email_sent / outreach_sent are newer
    row = lead_score(edge, "QUIET")
    assert row["last_activity_at"] == ts("2026-01-20 00:00:00")
    assert row["days_inactive"] == 40
    assert (row["inactivity_penalty"], row["total_score"]) == (Decimal("5.00"), Decimal("6.00"))


def test_email_opt_out_excludes_from_score_based_stages(edge: DbtProject) -> None:
    row = lead_score(edge, "OPTOUT")
    assert (row["total_score"], row["is_excluded"], row["lifecycle_stage"]) == (
        Decimal("50.00"),
        True,
        "lead",
    )
    assert edge.query(
        "select exclusion_reason from main.dim_contacts where contact_id = 'OPTOUT'"
    ) == [("email_opt_out",)]
    assert stage_alerts(edge, "OPTOUT") == []


def test_without_an_sql_threshold_only_sales_makes_an_sql(edge: DbtProject) -> None:
    # 106 points from 02-06 on, never sql by score; sales_ready on 02-10 (+10)
    assert stages(edge, "NOSQL") == [
        ("subscriber", ts("2026-01-01 00:00:00"), "created"),
        ("lead", ts("2026-02-01 09:00:00"), "conversion"),
        ("mql", ts("2026-02-01 09:00:00"), "score"),
        ("sql", ts("2026-02-10 09:00:00"), "feedback"),
    ]
    assert lead_score(edge, "NOSQL")["total_score"] == Decimal("116.00")


def test_required_rule_holds_back_mql(edge: DbtProject) -> None:
    # 56 points from 02-06 without the demo rule; mql at the demo (02-15, 106 points)
    assert stages(edge, "MQLREQ") == [
        ("subscriber", ts("2026-01-01 00:00:00"), "created"),
        ("lead", ts("2026-02-15 09:00:00"), "conversion"),
        ("mql", ts("2026-02-15 09:00:00"), "score"),
    ]
    assert stage_alerts(edge, "MQLREQ") == [("mql", ts("2026-02-15 09:00:00"))]


def test_an_opportunity_never_re_enters_mql(edge: DbtProject) -> None:
    # the deal of 01-10 makes it an opportunity; the demo of 02-01 (50 points) moves nothing
    assert stages(edge, "OPP") == [
        ("subscriber", ts("2026-01-01 00:00:00"), "created"),
        ("opportunity", ts("2026-01-10 00:00:00"), "deal_created"),
    ]
    assert lead_score(edge, "OPP")["total_score"] == Decimal("50.00")
    assert stage_alerts(edge, "OPP") == []


def test_an_empty_min_score_has_no_lower_bound(edge: DbtProject) -> None:
    # fit -20; no activity ever: 59 days inactive, but a penalty never takes engagement below 0
    row = lead_score(edge, "STUDENT")
    assert (row["fit_score"], row["engagement_score"], row["total_score"]) == (
        Decimal("-20.00"),
        Decimal("0.00"),
        Decimal("-20.00"),
    )
    assert row["grade"] is None  # the model has no grade bands


def test_event_filters_on_channel_campaign_content_and_source(edge: DbtProject) -> None:
    rules = breakdown(edge, "FILT")
    flt = {
        rule: points
        for rule, points in rules.items()
        if rule in {"not_web", "spring", "papers", "from_hubspot"}
    }
    # page views are web (neq web: none); one spring click, one wp1 download, one hubspot view
    assert flt == {
        "spring": Decimal("2.00"),
        "papers": Decimal("3.00"),
        "from_hubspot": Decimal("4.00"),
    }


def test_json_key_case_and_spaced_lists(edge: DbtProject) -> None:
    # properties.planType keeps its case: 7 for js_fs1 only; the event_count filter's list
    # 'trial | quote' is trimmed like a rule value: two trial forms, count 2 >= 1 -> 11; the
    # property list with three spaces around | matches 'Engineer' -> 13
    assert breakdown(edge, "JSONC") == {
        "camel_plan": Decimal("7.00"),
        "tech_title": Decimal("13.00"),
        "trials": Decimal("11.00"),
    }
    assert lead_score(edge, "JSONC")["total_score"] == Decimal("31.00")


def test_properties_that_are_not_a_json_object_are_reported(edge: DbtProject) -> None:
    # the events are kept (and JSONC's score above is unchanged); their properties are listed
    assert edge.query(
        "select event_id, field, raw_value, reject_reason from main.quarantine_event_fields "
        "order by event_id"
    ) == [
        ("js_array", "properties", '["pro"]', "invalid_json: properties (not a JSON object)"),
        (
            "js_bad",
            "properties",
            "{plan: enterprise",
            "invalid_json: properties (not a JSON object)",
        ),
    ]
    assert edge.query(
        "select event_id, reject_reason from main.int_events_validated "
        "where event_id like 'js_%' order by event_id"
    ) == [(event_id, None) for event_id in ["js_array", "js_bad", "js_fs1", "js_fs2", "js_object"]]


def test_a_count_with_a_fraction_is_an_invalid_value(edge: DbtProject) -> None:
    # employee_count 150.5 is not a count: unknown (no size_band), reported; 150.0 reads as 150;
    # a count beyond bigint is reported too (it must not fail the build)
    assert "size_band" not in breakdown(edge, "FRAC")
    assert breakdown(edge, "WHOLE") == {"size_band": Decimal("1.00")}
    assert edge.query(
        "select contact_id, employee_count from main.dim_contacts "
        "where contact_id in ('FRAC', 'HUGE', 'WHOLE') order by 1"
    ) == [("FRAC", None), ("HUGE", None), ("WHOLE", 150)]
    assert edge.query(
        "select contact_id, field, raw_value, reject_reason from main.quarantine_contact_fields "
        "where contact_id in ('FRAC', 'HUGE', 'WHOLE') order by 1"
    ) == [
        ("FRAC", "employee_count", "150.5", "invalid_value: employee_count"),
        ("HUGE", "employee_count", "99999999999999999999", "invalid_value: employee_count"),
    ]


def test_boundaries_between_decay_and_inactivity_steps_are_inclusive(edge: DbtProject) -> None:
    # employee_count 100 in 100|200: +1; the page view is 30 days old: 10 * 0.5 = 5, and 30 days
    # without activity reach the 30-day step: -5
    assert breakdown(edge, "BOUND") == {
        "inactivity": Decimal("-5.00"),
        "size_band": Decimal("1.00"),
        "visit": Decimal("5.00"),
        "visits_1p": Decimal("6.00"),
    }
    row = lead_score(edge, "BOUND")
    assert (row["days_inactive"], row["total_score"]) == (30, Decimal("7.00"))


def test_an_event_count_window_holds_ages_below_its_days(edge: DbtProject) -> None:
    """SPEC 4: an event counts in a window of window_days while its age < window_days."""
    assert "bounced" not in breakdown(edge, "BNC30")
    assert breakdown(edge, "BNC29")["bounced"] == Decimal("-3.00")


def test_an_event_at_as_of_counts(edge: DbtProject) -> None:
    assert breakdown(edge, "ATT") == {"visit": Decimal("10.00"), "visits_1p": Decimal("6.00")}
    assert lead_score(edge, "ATT")["days_inactive"] == 0


def test_first_deal_and_first_won_deal_of_several(edge: DbtProject) -> None:
    # deals created 01-20, 01-15 and 01-10; won ones closed 02-20 and 02-10
    assert stages(edge, "MULTI") == [
        ("subscriber", ts("2026-01-01 00:00:00"), "created"),
        ("opportunity", ts("2026-01-10 00:00:00"), "deal_created"),
        ("customer", ts("2026-02-10 00:00:00"), "deal_won"),
    ]
    row = lead_score(edge, "MULTI")
    assert row["became_opportunity_at"] == ts("2026-01-10 00:00:00")
    assert row["became_customer_at"] == ts("2026-02-10 00:00:00")


def test_stage_exits_are_the_next_entries(edge: DbtProject) -> None:
    assert edge.query(
        "select stage, exited_at from main.fct_lifecycle_stage_history "
        "where contact_id = 'NOSQL' order by entry_number"
    ) == [
        ("subscriber", ts("2026-02-01 09:00:00")),
        ("lead", ts("2026-02-01 09:00:00")),
        ("mql", ts("2026-02-10 09:00:00")),
        ("sql", None),
    ]


def test_score_percentile_runs_from_lowest_to_highest(edge: DbtProject) -> None:
    # STUDENT (-20) is the lowest total, NOSQL (116) the highest
    percentiles = dict(edge.query("select contact_id, score_percentile from main.fct_lead_scores"))
    assert (percentiles["STUDENT"], percentiles["NOSQL"]) == (Decimal("0.00"), Decimal("100.00"))


CONTACT_COLUMN_SEEDS = {
    "scoring_models": """
        model_id,description,min_score,max_score,is_lifecycle_model
        default,contacts columns and pipes,,,true
    """,
    "scoring_groups": """
        model_id,group_id,score_type,max_points,decay_percent,decay_period_days
        default,fit,fit,,,
    """,
    # points are powers of two, so a total tells which rules matched
    "scoring_rules": """
        model_id,rule_id,group_id,kind,field,filter_field,operator,value,aggregate,points,max_occurrences,window_days,description
        default,r_created,fit,property,created_at,,is_set,,,1,,,
        default,r_id,fit,property,contact_id,,starts_with,VIP,,2,,,
        default,r_no_created,fit,property,created_at,,is_not_set,,,4,,,
        default,r_updated,fit,property,updated_at,,starts_with,2026-02,,8,,,
        default,r_pipe,fit,property,job_title,,contains,sales | emea,,16,,,
        default,r_pipe_eq,fit,property,company_name,,eq,Foo | Bar,,32,,,
        default,r_pipe_in,fit,property,industry,,in,retail | software,,64,,,
        default,r_ratio,fit,property,ratio,,lt,0.5,,128,,,
        default,r_tiny,fit,property,propensity,,gt,0,,256,,,
    """,
    "scoring_inactivity": """
        model_id,days_inactive,penalty_points,resets_engagement
    """,
    "score_grades": """
        model_id,dimension,band,min_points
    """,
    "lifecycle_thresholds": """
        model_id,stage,min_score,required_rule_id
        default,mql,100000,
    """,
}


@pytest.fixture(scope="module")
def contact_columns(tmp_path_factory: pytest.TempPathFactory) -> DbtProject:
    project = DbtProject(tmp_path_factory.mktemp("contact_columns") / "project")
    for name, text in CONTACT_COLUMN_SEEDS.items():
        project.write_seed(name, text)
    project.write_raw(
        "contacts",
        """
        contact_id,email,company_name,job_title,industry,owner_id,created_at,updated_at
        PLAIN,plain@acme.com,Acme,,,o,2026-01-01 00:00:00,
        vip1,vip1@acme.com,Acme,,,o,2026-01-01 00:00:00,2026-02-03 10:00:00
        PIPE,pipe@acme.com,Foo | Bar,Head of Sales | EMEA,Software,o,2026-01-01 00:00:00,
        TINY,tiny@acme.com,Acme,,,o,2026-01-01 00:00:00,
        """,
    )
    project.write_raw(
        "contact_properties",
        """
        contact_id,property,value,updated_at
        TINY,ratio,0.4999999,2026-01-01 00:00:00
        TINY,propensity,0.0000004,2026-01-01 00:00:00
        """,
    )
    project.write_raw("events", "event_id,contact_id,event_type,occurred_at")
    project.build(vars={"as_of": AS_OF})
    return project


def test_property_rules_read_every_contacts_column(contact_columns: DbtProject) -> None:
    """SPEC 4: a property rule's field is "a contacts column or a custom property", the required
    contact_id and created_at and the optional updated_at too (text comparison, case-insensitive:
    'vip1' starts with 'VIP'; a time reads as 'YYYY-MM-DD HH:MM:SS')."""
    assert breakdown(contact_columns, "PLAIN") == {"r_created": Decimal("1.00")}
    assert breakdown(contact_columns, "vip1") == {
        "r_created": Decimal("1.00"),
        "r_id": Decimal("2.00"),
        "r_updated": Decimal("8.00"),
    }


def test_only_lists_and_ranges_trim_around_their_pipes(contact_columns: DbtProject) -> None:
    """SPEC 3: lists and ranges are separated by `|` (their items compared trimmed: 'retail |
    software' holds 'software'); for any other operator a `|` is part of the value, so
    'Foo | Bar' equals 'Foo | Bar' and 'Head of Sales | EMEA' contains 'sales | emea'."""
    assert breakdown(contact_columns, "PIPE") == {
        "r_created": Decimal("1.00"),
        "r_pipe": Decimal("16.00"),
        "r_pipe_eq": Decimal("32.00"),
        "r_pipe_in": Decimal("64.00"),
    }


def test_numeric_operators_compare_numbers_beyond_six_decimals(contact_columns: DbtProject) -> None:
    """SPEC 3: gt / lt compare numbers: 0.4999999 < 0.5 and 0.0000004 > 0 (a model's propensity
    score has more than six decimals; rounded to six they would read 0.5 and 0)."""
    assert breakdown(contact_columns, "TINY") == {
        "r_created": Decimal("1.00"),
        "r_ratio": Decimal("128.00"),
        "r_tiny": Decimal("256.00"),
    }


# Rules mutation testing found without a test on their boundary. as_of 2026-01-31 00:00:00.
# Model m1 (lifecycle, no bounds; inactivity: 40 days reset engagement, 0 points):
#   fit: job_title IS_SET +1 (an upper-case operator), industry in retail|software +2 and
#        not_in retail|software +4;
#   dec: 12.5 % decay per 30 days, content_download +1; dec30: 30 % per 10 days,
#        webinar_attended +10; neg: max_points 5, email_unsubscribe -10;
#   flt: event_count page_view with url contains /Pricing (capital P) >= 1: +5.
# Model m2: employee_count >= 1000 +1 (fit).
GUARD_AS_OF = "2026-01-31 00:00:00"

GUARD_SEEDS = {
    "scoring_models": """
        model_id,description,min_score,max_score,is_lifecycle_model
        m1,guards,,,true
        m2,second model,,,false
    """,
    "scoring_groups": """
        model_id,group_id,score_type,max_points,decay_percent,decay_period_days
        m1,fit,fit,,,
        m1,dec,engagement,,12.5,30
        m1,dec30,engagement,,30,10
        m1,neg,engagement,5,,
        m1,flt,engagement,,,
        m2,fit2,fit,,,
    """,
    "scoring_rules": """
        model_id,rule_id,group_id,kind,field,filter_field,operator,value,aggregate,points,max_occurrences,window_days,description
        m1,has_title,fit,property,job_title,,IS_SET,,,1,,,
        m1,ind_in,fit,property,industry,,in,retail|software,,2,,,
        m1,ind_not_in,fit,property,industry,,not_in,retail|software,,4,,,
        m1,tick,dec,event,content_download,,,,,1,,,
        m1,seen,dec30,event,webinar_attended,,,,,10,,,
        m1,unsub,neg,event,email_unsubscribe,,,,,-10,,,
        m1,pricing_seen,flt,event_count,page_view,url contains /Pricing,gte,1,count,5,,,
        m2,big,fit2,property,employee_count,,gte,1000,,1,,,
    """,
    "scoring_inactivity": """
        model_id,days_inactive,penalty_points,resets_engagement
        m1,40,0,true
    """,
    "score_grades": """
        model_id,dimension,band,min_points
    """,
    "lifecycle_thresholds": """
        model_id,stage,min_score,required_rule_id
        m1,mql,1000,
    """,
}

GUARD_CONTACTS = """
    contact_id,email,job_title,industry,employee_count,owner_id,created_at
    R,r@acme.com,,,,o,2025-12-01 00:00:00
    D,d@acme.com,,,,o,2025-12-01 00:00:00
    N,n@acme.com,,,,o,2026-01-01 00:00:00
    RS,rs@acme.com,,,,o,2025-12-01 00:00:00
    U,u@acme.com,,,,o,2025-12-01 00:00:00
    T,t@acme.com,Analyst,,,o,2025-12-01 00:00:00
    I,i@acme.com,,retail|software,,o,2025-12-01 00:00:00
    Q,q@acme.com,,,1000,o,2025-12-01 00:00:00
    X2,shared@acme.com,,,,o,2025-12-01 00:00:00
    X1,shared@acme.com,,,,o,2025-12-01 00:00:00
    W,w@acme.com,,,,o,2025-12-01 00:00:00
    F,f@acme.com,,,,o,2025-12-01 00:00:00
"""

GUARD_EVENTS = """
    event_id,contact_id,email,event_type,occurred_at,url
    r1,R,,content_download,2025-12-20 00:00:00,
    r2,R,,content_download,2025-12-25 00:00:00,
    d1,D,,webinar_attended,2025-12-17 00:00:00,
    d2,D,,page_view,2026-01-30 00:00:00,https://acme.com/home
    n1,N,,email_unsubscribe,2026-01-10 00:00:00,
    rs1,RS,,email_unsubscribe,2025-12-05 00:00:00,
    u1,U,,page_view,2026-01-20 00:00:00,https://acme.com/pricing
    x1,,shared@acme.com,page_view,2026-01-20 00:00:00,https://acme.com/pricing
"""

GUARD_DEALS = """
    deal_id,contact_id,stage,amount,created_at,closed_at
    w1,W,closed_won,100,2026-01-05 00:00:00,2026-01-25 00:00:00
    w2,W,closed_won,100,2026-01-10 00:00:00,2026-01-20 00:00:00
    f1,F,open,100,2026-02-15 00:00:00,
"""


@pytest.fixture(scope="module")
def guards(tmp_path_factory: pytest.TempPathFactory) -> DbtProject:
    project = DbtProject(tmp_path_factory.mktemp("guards") / "project")
    for name, text in GUARD_SEEDS.items():
        project.write_seed(name, text)
    project.write_raw("contacts", GUARD_CONTACTS)
    project.write_raw("events", GUARD_EVENTS)
    project.write_raw("deals", GUARD_DEALS)
    project.build(vars={"as_of": GUARD_AS_OF, "hand_raiser_rule_ids": []})
    return project


def m1_score(project: DbtProject, contact_id: str) -> dict:
    (row,) = project.query_dict(
        f"select * from main.fct_lead_scores where contact_id = '{contact_id}' and model_id = 'm1'"
    )
    return row


def test_each_decayed_event_is_rounded_to_cents(guards: DbtProject) -> None:
    """Two downloads aged 37 and 42 days, one 12.5 % step each: 0.875 -> 0.88 per event, 1.76
    (rounding the sum would give 1.75)."""
    assert m1_score(guards, "R")["total_score"] == Decimal("1.76")


def test_decay_never_turns_points_negative(guards: DbtProject) -> None:
    """30 % per 10 days at age 45: four steps, 1 - 1.2 -> weight 0 (not -2 points), in the
    score and in the history's current row."""
    assert m1_score(guards, "D")["total_score"] == Decimal("0.00")
    assert guards.query(
        "select total_score from main.fct_lead_score_history "
        "where contact_id = 'D' and model_id = 'm1' and valid_to is null"
    ) == [(Decimal("0.00"),)]


def test_a_negative_group_is_not_capped_and_a_reset_zeroes_it(guards: DbtProject) -> None:
    """SPEC 4: group points = least(sum, max_points): -10 stays -10 under max_points 5 (N, 30
    days inactive); engagement_score = 0 once a reached step resets (RS, 61 days inactive)."""
    n = m1_score(guards, "N")
    assert (n["engagement_score"], n["total_score"]) == (Decimal("-10.00"), Decimal("-10.00"))
    rs = m1_score(guards, "RS")
    assert (rs["days_inactive"], rs["engagement_score"]) == (61, Decimal("0.00"))


def test_operators_and_filter_values_are_case_insensitive(guards: DbtProject) -> None:
    """IS_SET reads as is_set; the filter value /Pricing matches the url .../pricing."""
    assert breakdown(guards, "T") == {"has_title": Decimal("1.00")}
    assert breakdown(guards, "U")["pricing_seen"] == Decimal("5.00")


def test_in_compares_whole_list_items(guards: DbtProject) -> None:
    """An industry written 'retail|software' is not one of the items retail, software."""
    assert breakdown(guards, "I") == {"ind_not_in": Decimal("4.00")}


def test_an_email_shared_at_one_created_at_resolves_to_the_smallest_id(guards: DbtProject) -> None:
    assert guards.query(
        "select contact_id, match_method from main.int_events_validated where event_id = 'x1'"
    ) == [("X1", "email")]


def test_the_score_percentile_is_within_each_model(guards: DbtProject) -> None:
    """In m2 only Q scores (1): the top of m2, though m1 has higher scores."""
    assert guards.query(
        "select score_percentile from main.fct_lead_scores where contact_id = 'Q' "
        "and model_id = 'm2'"
    ) == [(Decimal("100.00"),)]


def test_deals_count_by_their_own_dates(guards: DbtProject) -> None:
    """SPEC 5: customer at the first won deal's closed_at (w2 closed 01-20, though created
    after w1); a deal created after as_of does not exist yet."""
    w = m1_score(guards, "W")
    assert (w["lifecycle_stage"], w["became_customer_at"]) == (
        "customer", datetime(2026, 1, 20),
    )  # fmt: skip
    f = m1_score(guards, "F")
    assert (f["lifecycle_stage"], f["became_opportunity_at"]) == ("subscriber", None)
