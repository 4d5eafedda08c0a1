"""SPEC 2 (inputs, identity resolution) and SPEC 8 (bad input), with exact expected outcomes.

One project is built once (as_of 2026-01-31 00:00:00, default configuration seeds) from
hand-written raw CSVs in which every row is one case: each is either accepted (events with the
contact it resolves to and how) or quarantined with an exact reject_reason. Separate small
projects cover the input contract: a missing required column, absent optional tables and
columns, and Parquet instead of CSV.

Timestamps "in the future" are relative to the load time (dbt's run start, UTC), so two events
are generated from the wall clock: one 6 hours ahead (accepted: less than a day ahead) and one
2 days ahead (quarantined).
"""

from __future__ import annotations

import shutil
from collections import Counter
from contextlib import chdir
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from dbt_harness import DbtProject
from raw_contract import utc_timestamp_sql

AS_OF = "2026-01-31 00:00:00"
VARS = {"as_of": AS_OF}

_NOW = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
IN_6_HOURS = (_NOW + timedelta(hours=6)).strftime("%Y-%m-%d %H:%M:%S")
IN_2_DAYS = (_NOW + timedelta(days=2)).strftime("%Y-%m-%d %H:%M:%S")

UNMATCHED_EVENT = "unmatched_contact: no contact_id, email or name + company match"

CONTACTS = """
    contact_id,email,first_name,last_name,company_name,job_title,employee_count,industry,created_at,updated_at,annual_revenue
    C1,c1@acme.com,Carl,One,Acme,VP Sales,200,Software,2025-01-01 00:00:00,,
    C2,ann@beta.com,Ann,Two,Beta,,,,2025-01-01 00:00:00,,
    C3,bob@example.com,Bob,Three,Example,,,,2025-01-01 00:00:00,,
    SH1,shared@x.com,Sam,Later,Shared Inc,,,,2025-03-01 00:00:00,,
    SH2,Shared@X.com,Sue,Earlier,Shared Inc,,,,2025-02-01 00:00:00,,
    N1,n1@gamma.com,Nina,Name,Gamma Corp,,,,2025-01-01 00:00:00,,
    T1,t1@delta.com,Tom,Twin,Delta,,,,2025-01-01 00:00:00,,
    T2,t2@delta.com,tom,TWIN,"Delta ",,,,2025-01-01 00:00:00,,
    D1,d1-old@x.com,Dan,Dup,X,Old Title,,,2025-01-01 00:00:00,2025-03-01 00:00:00,
    D1,d1-new@x.com,Dan,Dup,X,New Title,,,2025-01-01 00:00:00,2025-06-01 00:00:00,
    D2,d2-new@x.com,Dora,Dup,X,New Title,,,2025-01-01 00:00:00,2025-06-01 00:00:00,
    D2,d2-old@x.com,Dora,Dup,X,Old Title,,,2025-01-01 00:00:00,2025-03-01 00:00:00,
    MC,mc@x.com,Max,Missing,X,,,,,,
    UC,uc@x.com,Una,Unparseable,X,,,,31/31/2025,,
    IE,not-an-email,Ivy,Invalid,Epsilon,,,,2025-01-01 00:00:00,,
    NE,ne@zeta.com,Ned,Negative,Zeta,,-5,,2025-01-01 00:00:00,,
    FUTC,fut@eta.com,Fay,Future,Eta,,,,2025-01-01 00:00:00,,
    TZ,tz@theta.com,Tia,Zone,Theta,,,,2025-01-01T22:00:00-08:00,2025-01-02 09:30:00+05:30,
    FC,fc@x.com,Fio,Future,X,,,,2099-01-01 00:00:00,,
    NRV,nrv@x.com,Nia,Revenue,X,,,,2025-01-01 00:00:00,,-100
"""

CONTACT_PROPERTIES = """
    contact_id,property,value,updated_at
    C1,persona,economic_buyer,2025-06-01 00:00:00
    XX,persona,economic_buyer,2025-06-01 00:00:00
    C1,,orphan value,2025-06-01 00:00:00
    C2, Job_Title ,VP Sales,2025-06-01 00:00:00
"""

EVENTS = f"""
    event_id,contact_id,email,first_name,last_name,company_name,event_type,occurred_at,url
    e_cid,C1,,,,,page_view,2026-01-20 10:00:00,/home
    e_dup_exact,C1,,,,,page_view,2026-01-21 10:00:00,/exact
    e_dup_exact,C1,,,,,page_view,2026-01-21 10:00:00,/exact
    e_dup_time,C1,,,,,page_view,2026-01-22 10:00:00,/later-copy
    e_dup_time,C1,,,,,page_view,2026-01-22 08:00:00,/earlier-copy
    e_dup_valid,C1,,,,,,2026-01-01 00:00:00,/invalid-copy
    e_dup_valid,C1,,,,,page_view,2026-01-15 00:00:00,/valid-copy
    e_dup_type,C1,,,,,pgae_view,2026-01-01 00:00:00,/typo-copy
    e_dup_type,C1,,,,,page_view,2026-01-16 00:00:00,/valid-copy
    e_unknown_type,C1,,,,,webinar_watched,2026-01-10 00:00:00,
    e_missing_type,C1,,,,,,2026-01-10 00:00:00,
    e_missing_time,C1,,,,,page_view,,
    e_bad_time,C1,,,,,page_view,not a date,
    e_future,C1,,,,,page_view,2099-01-01 00:00:00,
    e_in_2_days,C1,,,,,page_view,{IN_2_DAYS},
    e_in_6_hours,FUTC,,,,,webinar_attended,{IN_6_HOURS},
    e_after_as_of,FUTC,,,,,outreach_reply,2026-06-01 00:00:00,
    e_noise,C1,,,,," Page_View ",2026-01-25 00:00:00,/noise
    e_by_email,ZZZ,ann@beta.com,,,,outreach_reply,2026-01-20 00:00:00,
    e_by_email_case,,"  BOB@Example.COM ",,,,page_view,2026-01-20 00:00:00,
    e_by_shared_email,,shared@x.com,,,,page_view,2026-01-20 00:00:00,
    e_by_name,,,NINA,name,"Gamma Corp ",page_view,2026-01-20 00:00:00,
    e_id_beats_email,C1,ann@beta.com,,,,page_view,2026-01-20 00:00:00,
    e_email_beats_name,,bob@example.com,Nina,Name,Gamma Corp,page_view,2026-01-20 00:00:00,
    e_kept_contact_email,,d1-new@x.com,,,,page_view,2026-01-20 00:00:00,
    e_name_shared,,,Tom,Twin,Delta,page_view,2026-01-20 00:00:00,
    e_nomatch,ZZZ,nobody@x.com,No,Body,Nowhere,page_view,2026-01-20 00:00:00,
    e_invalid_email,,not-an-email,,,,page_view,2026-01-20 00:00:00,
    e_quarantined_contact,MC,,,,,page_view,2026-01-20 00:00:00,
    e_offset,TZ,,,,,page_view,2026-01-23T01:00:00+02:00,
    e_offset_compact,TZ,,,,,page_view,2026-01-23 10:00:00.5-0500,
    e_zulu,TZ,,,,,page_view,2026-01-23T10:00:00Z,
    e_lower_zulu,TZ,,,,,page_view,2026-01-23t11:00:00z,
    e_lower_offset,TZ,,,,,page_view,2026-01-23t14:00:00+02:00,
    e_lower_plain,TZ,,,,,page_view,2026-01-23t13:00:00,
    e_named_zone,TZ,,,,,page_view,2026-01-23 10:00:00 Europe/Berlin,
    e_unknown_zone,TZ,,,,,page_view,2026-01-23 10:00:00 Mars/Olympus,
    e_short_offset,TZ,,,,,page_view,2026-01-23T10:00+02,
    e_spaced_offset,TZ,,,,,page_view,2026-01-23 10:00:00 +02:30,
    e_zone_abbreviation,TZ,,,,,page_view,2026-01-23 10:00:00 IST,
    ,C1,,,,,page_view,2026-01-10 00:00:00,/no-id
"""

DEALS = """
    deal_id,contact_id,stage,amount,created_at,closed_at
    dl_ok,C1,open,1000,2026-01-05 00:00:00,
    dl_negative,C1,open,-5,2026-01-05 00:00:00,
    dl_unknown_contact,XX,open,100,2026-01-05 00:00:00,
    dl_dup,C2,open,500,2026-01-06 00:00:00,
    dl_dup,C2,closed_won,500,2026-01-06 00:00:00,2026-01-20 00:00:00
    dl_missing_stage,C1,,100,2026-01-05 00:00:00,
    dl_bad_stage,C1,won,100,2026-01-05 00:00:00,
    dl_dup_contact,XX,closed_won,100,2026-01-05 00:00:00,2026-01-25 00:00:00
    dl_dup_contact,C3,open,100,2026-01-05 00:00:00,
    dl_offset,TZ,closed_won,100,2026-01-05 00:00:00+01:00,2026-01-24T23:30:00-01:00
    dl_future,C1,open,100,2099-01-01 00:00:00,
    dl_future_close,C1,closed_won,100,2026-01-05 00:00:00,2099-01-01 00:00:00
    dl_bad_close,C1,closed_won,100,2026-01-05 00:00:00,yesterday
    dl_closed_before,C1,closed_won,100,2026-01-10 00:00:00,2026-01-09 23:59:59
"""

SALES_FEEDBACK = """
    feedback_id,contact_id,feedback,reason,rep_id,created_at
    fb_ok,C2,not_ready,no budget,rep_01,2026-01-21 00:00:00
    fb_unknown_value,C2,maybe_later,,rep_01,2026-01-21 00:00:00
    fb_unknown_contact,XX,sales_ready,,rep_01,2026-01-21 00:00:00
    fb_offset,TZ,not_ready,,rep_01,2026-01-21 00:30:00+01:00
    fb_future,N1,sales_ready,,rep_01,2099-01-01 00:00:00
    fb_bad_time,N1,sales_ready,,rep_01,soon
    fb_dup,N1,not_ready,first copy,rep_01,2026-01-21 00:00:00
    fb_dup,N1,not_ready,first copy,rep_01,2026-01-21 00:00:00
"""

RAW_FILES = {
    "contacts": CONTACTS,
    "contact_properties": CONTACT_PROPERTIES,
    "events": EVENTS,
    "deals": DEALS,
    "sales_feedback": SALES_FEEDBACK,
}

# table -> (row key, accepted model, filter for accepted rows, quarantine model)
RECONCILIATION = {
    "contacts": (
        "coalesce(trim(contact_id), '')",
        "int_contacts_accepted",
        "true",
        "quarantine_contacts",
    ),
    "contact_properties": (
        "coalesce(trim(contact_id), '') || '|' || coalesce(lower(trim(property)), '')",
        "int_contact_properties_validated",
        "reject_reason is null",
        "quarantine_contact_properties",
    ),
    "events": (
        "coalesce(trim(event_id), '')",
        "int_events_validated",
        "reject_reason is null",
        "quarantine_events",
    ),
    "deals": (
        "coalesce(trim(deal_id), '')",
        "int_deals_validated",
        "reject_reason is null",
        "quarantine_deals",
    ),
    "sales_feedback": (
        "coalesce(trim(feedback_id), '')",
        "int_sales_feedback_validated",
        "reject_reason is null",
        "quarantine_sales_feedback",
    ),
}


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> DbtProject:
    project = DbtProject(tmp_path_factory.mktemp("bad_input") / "project")
    for name, text in RAW_FILES.items():
        project.write_raw(name, text)
    project.build(vars=VARS)
    return project


def raw_query(project: DbtProject, sql: str) -> list[tuple]:
    """Query the raw views: they read the files by the relative path raw_data_path."""
    with chdir(project.root):
        return project.query(sql)


def event_rows(project: DbtProject, event_id: str) -> list[dict]:
    return project.query_dict(
        "select event_id, contact_id, match_method, event_type, url, reject_reason "
        f"from main.int_events_validated where event_id = '{event_id}' order by url nulls last"
    )


def one_event(project: DbtProject, event_id: str) -> dict:
    rows = event_rows(project, event_id)
    assert len(rows) == 1, rows
    return rows[0]


def breakdown(project: DbtProject, contact_id: str, model_id: str) -> dict[str, Decimal]:
    return dict(
        project.query(
            "select rule_id, points from main.fct_lead_score_breakdown "
            f"where contact_id = '{contact_id}' and model_id = '{model_id}'"
        )
    )


# --- events: row problems --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("event_id", "reason"),
    [
        ("e_unknown_type", "unknown_event_type: event_type"),
        ("e_missing_type", "missing_required_value: event_type"),
        ("e_missing_time", "missing_required_value: occurred_at"),
        ("e_bad_time", "unparseable_timestamp: occurred_at"),
        ("e_unknown_zone", "unparseable_timestamp: occurred_at"),  # a zone nobody knows
        # IST is India, Israel or Ireland: not guessed
        ("e_zone_abbreviation", "unparseable_timestamp: occurred_at"),
        ("e_future", "future_timestamp: occurred_at"),
        ("e_in_2_days", "future_timestamp: occurred_at"),  # more than a day after load time
    ],
)
def test_bad_event_is_quarantined_with_reason(
    scenario: DbtProject, event_id: str, reason: str
) -> None:
    assert one_event(scenario, event_id)["reject_reason"] == reason
    assert scenario.query(
        f"select reject_reason from main.quarantine_events where event_id = '{event_id}'"
    ) == [(reason,)]


def test_event_without_id_is_quarantined(scenario: DbtProject) -> None:
    assert scenario.query(
        "select reject_reason, url from main.quarantine_events where event_id is null"
    ) == [("missing_required_value: event_id", "/no-id")]


def test_timestamps_with_a_utc_offset_or_a_zone_are_converted_to_utc(scenario: DbtProject) -> None:
    # SPEC 2: timestamps are UTC; text that says otherwise is converted, not read as UTC
    assert dict(
        scenario.query(
            "select event_id, strftime(occurred_at, '%Y-%m-%d %H:%M:%S.%g') "
            "from main.int_events_validated where contact_id = 'TZ' and reject_reason is null"
        )
    ) == {
        "e_offset": "2026-01-22 23:00:00.000",  # +02:00: two hours earlier, the day before
        "e_offset_compact": "2026-01-23 15:00:00.500",
        "e_zulu": "2026-01-23 10:00:00.000",
        "e_lower_zulu": "2026-01-23 11:00:00.000",  # RFC 3339 allows lower-case t and z
        "e_lower_offset": "2026-01-23 12:00:00.000",
        "e_lower_plain": "2026-01-23 13:00:00.000",
        "e_named_zone": "2026-01-23 09:00:00.000",  # Berlin in winter: UTC+1
        "e_short_offset": "2026-01-23 08:00:00.000",  # 19 characters, no seconds
        "e_spaced_offset": "2026-01-23 07:30:00.000",
    }
    assert scenario.query(
        "select created_at, updated_at from main.int_contacts_accepted where contact_id = 'TZ'"
    ) == [(datetime(2025, 1, 2, 6, 0), datetime(2025, 1, 2, 4, 0))]
    assert scenario.query(
        "select created_at, closed_at from main.int_deals_validated where deal_id = 'dl_offset'"
    ) == [(datetime(2026, 1, 4, 23, 0), datetime(2026, 1, 25, 0, 30))]
    assert scenario.query(
        "select created_at from main.int_sales_feedback_validated where feedback_id = 'fb_offset'"
    ) == [(datetime(2026, 1, 20, 23, 30),)]


def test_exact_duplicate_event_keeps_one_copy(scenario: DbtProject) -> None:
    reasons = sorted((row["reject_reason"] or "") for row in event_rows(scenario, "e_dup_exact"))
    assert reasons == ["", "duplicate_id: event_id"]


def test_duplicate_event_keeps_earliest_occurrence(scenario: DbtProject) -> None:
    rows = {row["url"]: row["reject_reason"] for row in event_rows(scenario, "e_dup_time")}
    assert rows == {"/earlier-copy": None, "/later-copy": "duplicate_id: event_id"}


def test_duplicate_event_keeps_valid_copy_before_earlier_invalid_one(
    scenario: DbtProject,
) -> None:
    # the earlier copy lacks event_type: the later, valid copy is the one kept
    rows = {row["url"]: row["reject_reason"] for row in event_rows(scenario, "e_dup_valid")}
    assert rows == {"/valid-copy": None, "/invalid-copy": "missing_required_value: event_type"}


def test_duplicate_event_keeps_valid_copy_before_earlier_unknown_type(
    scenario: DbtProject,
) -> None:
    rows = {row["url"]: row["reject_reason"] for row in event_rows(scenario, "e_dup_type")}
    assert rows == {"/valid-copy": None, "/typo-copy": "unknown_event_type: event_type"}


def test_event_type_with_case_and_whitespace_noise_is_accepted(scenario: DbtProject) -> None:
    row = one_event(scenario, "e_noise")
    assert (row["reject_reason"], row["event_type"], row["contact_id"]) == (None, "page_view", "C1")


def test_event_within_a_day_of_load_time_is_accepted(scenario: DbtProject) -> None:
    row = one_event(scenario, "e_in_6_hours")
    assert (row["reject_reason"], row["contact_id"]) == (None, "FUTC")


def test_event_after_as_of_is_accepted_but_not_scored(scenario: DbtProject) -> None:
    row = one_event(scenario, "e_after_as_of")
    assert (row["reject_reason"], row["contact_id"], row["match_method"]) == (
        None,
        "FUTC",
        "contact_id",
    )
    assert scenario.query(
        "select count(*) from main.quarantine_events where event_id = 'e_after_as_of'"
    ) == [(0,)]
    # FUTC's only events (outreach_reply +15, webinar_attended +10) happen after as_of
    assert breakdown(scenario, "FUTC", "default") == {}
    assert breakdown(scenario, "FUTC", "product_led") == {"work_email": Decimal("10.00")}
    score = scenario.query_dict(
        "select total_score, last_activity_at from main.fct_lead_scores "
        "where contact_id = 'FUTC' and model_id = 'default'"
    )
    assert score == [{"total_score": Decimal("0.00"), "last_activity_at": None}]
    # control: the same rule does score an outreach_reply before as_of (C2, matched by email)
    assert breakdown(scenario, "C2", "default")["outreach_reply"] == Decimal("15.00")


def test_event_quarantine_is_exactly_the_bad_rows(scenario: DbtProject) -> None:
    rows = scenario.query(
        "select event_id, reject_reason from main.quarantine_events "
        "where event_id <> 'e_dup_type' order by 1, 2"
    )
    assert rows == sorted(
        [
            ("e_dup_exact", "duplicate_id: event_id"),
            ("e_dup_time", "duplicate_id: event_id"),
            ("e_dup_valid", "missing_required_value: event_type"),
            ("e_unknown_type", "unknown_event_type: event_type"),
            ("e_missing_type", "missing_required_value: event_type"),
            ("e_missing_time", "missing_required_value: occurred_at"),
            ("e_bad_time", "unparseable_timestamp: occurred_at"),
            ("e_unknown_zone", "unparseable_timestamp: occurred_at"),
            ("e_zone_abbreviation", "unparseable_timestamp: occurred_at"),
            ("e_future", "future_timestamp: occurred_at"),
            ("e_in_2_days", "future_timestamp: occurred_at"),
            ("e_name_shared", UNMATCHED_EVENT),
            ("e_nomatch", UNMATCHED_EVENT),
            ("e_invalid_email", UNMATCHED_EVENT),
            ("e_quarantined_contact", UNMATCHED_EVENT),
        ]
    )


# --- events: identity resolution -------------------------------------------------------------


@pytest.mark.parametrize(
    ("event_id", "contact_id", "match_method"),
    [
        ("e_cid", "C1", "contact_id"),
        # unknown contact_id ZZZ, email of C2
        ("e_by_email", "C2", "email"),
        # '  BOB@Example.COM ' is normalised before matching
        ("e_by_email_case", "C3", "email"),
        # SH1 and SH2 share the email (in different case); SH2 was created first
        ("e_by_shared_email", "SH2", "email"),
        # NINA / name / 'Gamma Corp ': one contact has that name + company
        ("e_by_name", "N1", "name_and_company"),
        # a known contact_id wins over another contact's email
        ("e_id_beats_email", "C1", "contact_id"),
        # an email match wins over another contact's name + company
        ("e_email_beats_name", "C3", "email"),
        # D1's kept (latest updated) copy carries d1-new@x.com
        ("e_kept_contact_email", "D1", "email"),
    ],
)
def test_event_identity_resolution(
    scenario: DbtProject, event_id: str, contact_id: str, match_method: str
) -> None:
    row = one_event(scenario, event_id)
    assert (row["contact_id"], row["match_method"], row["reject_reason"]) == (
        contact_id,
        match_method,
        None,
    )


@pytest.mark.parametrize(
    "event_id",
    [
        "e_name_shared",  # Tom Twin at Delta is T1 and T2 (after normalisation): ambiguous
        "e_nomatch",  # unknown contact_id, email and name
        "e_invalid_email",  # IE's email is invalid, so it is not used for matching
        "e_quarantined_contact",  # MC is quarantined (no created_at): not a known contact
    ],
)
def test_unmatched_event_is_quarantined(scenario: DbtProject, event_id: str) -> None:
    row = one_event(scenario, event_id)
    assert (row["contact_id"], row["match_method"], row["reject_reason"]) == (
        None,
        None,
        UNMATCHED_EVENT,
    )


# --- contacts ----------------------------------------------------------------------------------


def test_contact_quarantine_is_exactly_the_bad_rows(scenario: DbtProject) -> None:
    rows = scenario.query(
        "select contact_id, email_raw, reject_reason from main.quarantine_contacts order by 1"
    )
    assert rows == [
        ("D1", "d1-old@x.com", "duplicate_id: contact_id"),
        ("D2", "d2-old@x.com", "duplicate_id: contact_id"),
        ("FC", "fc@x.com", "future_timestamp: created_at"),
        ("MC", "mc@x.com", "missing_required_value: created_at"),
        ("UC", "uc@x.com", "unparseable_timestamp: created_at"),
    ]


@pytest.mark.parametrize("contact_id", ["D1", "D2"])  # later copy second in the file / first
def test_duplicate_contact_keeps_latest_updated_copy(scenario: DbtProject, contact_id: str) -> None:
    rows = scenario.query(
        "select email, job_title, updated_at from main.int_contacts_accepted "
        f"where contact_id = '{contact_id}'"
    )
    assert rows == [(f"{contact_id.lower()}-new@x.com", "New Title", datetime(2025, 6, 1))]


def test_invalid_email_contact_is_kept_without_email(scenario: DbtProject) -> None:
    rows = scenario.query_dict(
        "select email, email_domain, is_email_valid, first_name from main.int_contacts_accepted "
        "where contact_id = 'IE'"
    )
    assert rows == [
        {"email": None, "email_domain": None, "is_email_valid": False, "first_name": "Ivy"}
    ]
    assert scenario.query("select email from main.dim_contacts where contact_id = 'IE'") == [
        (None,)
    ]


def test_negative_employee_count_contact_is_kept_without_count(scenario: DbtProject) -> None:
    assert scenario.query(
        "select employee_count, email from main.int_contacts_accepted where contact_id = 'NE'"
    ) == [(None, "ne@zeta.com")]


def test_contact_field_quarantine(scenario: DbtProject) -> None:
    rows = scenario.query(
        "select contact_id, field, raw_value, reject_reason from main.quarantine_contact_fields "
        "order by 1, 2"
    )
    assert rows == [
        ("IE", "email", "not-an-email", "invalid_email: email"),
        ("NE", "employee_count", "-5", "negative_count: employee_count"),
        ("NRV", "annual_revenue", "-100", "negative_amount: annual_revenue"),
    ]
    # the contact stays, without the bad value
    assert scenario.query(
        "select annual_revenue from main.dim_contacts where contact_id = 'NRV'"
    ) == [(None,)]


# --- deals, sales feedback, contact properties ----------------------------------------------


def test_deal_quarantine_is_exactly_the_bad_rows(scenario: DbtProject) -> None:
    rows = scenario.query(
        "select deal_id, reject_reason from main.quarantine_deals "
        "where deal_id <> 'dl_dup_contact' order by 1"
    )
    assert rows == [
        ("dl_bad_close", "unparseable_timestamp: closed_at"),
        ("dl_bad_stage", "invalid_value: stage"),
        ("dl_closed_before", "invalid_value: closed_at (before created_at)"),
        ("dl_dup", "duplicate_id: deal_id"),
        ("dl_future", "future_timestamp: created_at"),
        ("dl_future_close", "future_timestamp: closed_at"),
        ("dl_missing_stage", "missing_required_value: stage"),
        ("dl_negative", "negative_amount: amount"),
        ("dl_unknown_contact", "unmatched_contact: contact_id"),
    ]


def test_duplicate_deal_keeps_most_recently_closed_copy(scenario: DbtProject) -> None:
    rows = scenario.query(
        "select stage, reject_reason from main.int_deals_validated "
        "where deal_id = 'dl_dup' order by stage"
    )
    assert rows == [("closed_won", None), ("open", "duplicate_id: deal_id")]


def test_duplicate_deal_keeps_valid_copy_before_unknown_contact_copy(
    scenario: DbtProject,
) -> None:
    rows = scenario.query(
        "select contact_id, reject_reason from main.int_deals_validated "
        "where deal_id = 'dl_dup_contact' order by contact_id"
    )
    assert rows == [("C3", None), ("XX", "unmatched_contact: contact_id")]


def test_sales_feedback_quarantine(scenario: DbtProject) -> None:
    assert scenario.query(
        "select feedback_id, reject_reason from main.quarantine_sales_feedback order by 1"
    ) == [
        ("fb_bad_time", "unparseable_timestamp: created_at"),
        ("fb_dup", "duplicate_id: feedback_id"),
        ("fb_future", "future_timestamp: created_at"),
        ("fb_unknown_contact", "unmatched_contact: contact_id"),
        ("fb_unknown_value", "unknown_value: feedback"),
    ]
    assert scenario.query(
        "select feedback_id from main.int_sales_feedback_validated where reject_reason is null "
        "order by 1"
    ) == [("fb_dup",), ("fb_offset",), ("fb_ok",)]


def test_contact_properties_quarantine(scenario: DbtProject) -> None:
    reserved = "reserved_property: property (a contacts column; give the value there)"
    assert scenario.query(
        "select contact_id, property, value, reject_reason "
        "from main.quarantine_contact_properties order by 1"
    ) == [
        ("C1", None, "orphan value", "missing_required_value: property"),
        # shadowed by the contacts column job_title: rejected, not ignored unseen
        ("C2", "job_title", "VP Sales", reserved),
        ("XX", "persona", "economic_buyer", "unmatched_contact: contact_id"),
    ]
    assert scenario.query(
        "select contact_id, property, value from main.int_contact_properties_validated "
        "where reject_reason is null"
    ) == [("C1", "persona", "economic_buyer")]


# --- nothing is lost ---------------------------------------------------------------------------


@pytest.mark.parametrize("table", list(RECONCILIATION))
def test_raw_rows_equal_accepted_plus_quarantined(scenario: DbtProject, table: str) -> None:
    _, accepted, accepted_where, quarantine = RECONCILIATION[table]
    [(raw_rows,)] = raw_query(scenario, f"select count(*) from raw.{table}")
    [(accepted_rows,)] = scenario.query(
        f"select count(*) from main.{accepted} where {accepted_where}"
    )
    [(quarantined_rows,)] = scenario.query(f"select count(*) from main.{quarantine}")
    assert raw_rows == len(RAW_FILES[table].strip().splitlines()) - 1
    assert quarantined_rows > 0
    assert raw_rows == accepted_rows + quarantined_rows


@pytest.mark.parametrize("table", list(RECONCILIATION))
def test_every_raw_row_is_either_accepted_or_quarantined(scenario: DbtProject, table: str) -> None:
    key, accepted, accepted_where, quarantine = RECONCILIATION[table]
    raw_keys = Counter(raw_query(scenario, f"select {key} from raw.{table}"))
    accepted_keys = Counter(
        scenario.query(f"select {key} from main.{accepted} where {accepted_where}")
    )
    quarantined_keys = Counter(scenario.query(f"select {key} from main.{quarantine}"))
    assert raw_keys == accepted_keys + quarantined_keys
    assert set(accepted_keys.values()) == {1}  # one accepted row per id
    # an id both accepted and quarantined is a duplicated id: one raw row never lands twice
    for both in accepted_keys & quarantined_keys:
        assert raw_keys[both] > 1, both


# --- input contract ----------------------------------------------------------------------------


def test_missing_required_column_fails_naming_table_and_column(project: DbtProject) -> None:
    project.write_raw(
        "contacts",
        """
        contact_id,created_at
        C1,2025-01-01 00:00:00
    """,
    )
    project.write_raw(
        "events",
        """
        event_id,contact_id,occurred_at,url
        e1,C1,2026-01-20 00:00:00,/pricing
    """,
    )
    result = project.dbt("build", vars=VARS)
    assert result.returncode != 0
    assert "Raw input 'events'" in result.output
    assert "missing required column(s): event_type" in result.output
    assert "scripts/gate_raw_inputs.py names the first such line" in result.output  # a CSV
    assert "success" not in set(result.statuses().values())


@pytest.fixture(scope="module")
def minimal_inputs(tmp_path_factory: pytest.TempPathFactory):
    """Only the required tables, with only required columns (plus an unknown extra column)."""
    project = DbtProject(tmp_path_factory.mktemp("minimal") / "project")
    project.write_raw(
        "contacts",
        """
        contact_id,created_at
        M1,2025-01-01 00:00:00
    """,
    )
    project.write_raw(
        "events",
        """
        event_id,contact_id,event_type,occurred_at,utm_medium
        m1,M1,page_view,2026-01-20 00:00:00,cpc
        m2,M1,page_view,2026-01-25 00:00:00,cpc
    """,
    )
    return project, project.dbt("build", vars=VARS)


def test_absent_optional_tables_read_as_empty(minimal_inputs) -> None:
    project, result = minimal_inputs
    assert result.returncode == 0, result.output[-6000:]
    for table in ["contact_properties", "deals", "sales_feedback"]:
        assert raw_query(project, f"select count(*) from raw.{table}") == [(0,)]
    assert project.query("select model_id, total_score from main.fct_lead_scores order by 1") == [
        ("default", Decimal("3.00")),
        ("product_led", Decimal("0.00")),
    ]


def test_absent_optional_columns_read_as_null(minimal_inputs) -> None:
    project, result = minimal_inputs
    assert result.returncode == 0, result.output[-6000:]
    columns = [row[0] for row in raw_query(project, "describe raw.events")]
    assert "url" in columns and "utm_medium" not in columns  # extra columns are ignored
    assert raw_query(project, "select count(*), count(url), count(email) from raw.events") == [
        (2, 0, 0)
    ]
    assert project.query(
        "select event_id, contact_id, match_method from main.int_events_validated "
        "where reject_reason is null order by 1"
    ) == [("m1", "M1", "contact_id"), ("m2", "M1", "contact_id")]
    # 2 page views in 30 days score; url rules (pricing_page...) see null and do not match
    assert breakdown(project, "M1", "default") == {"visits_2_5": Decimal("3.00")}


def test_parquet_input_gives_same_results_as_csv(scenario: DbtProject, project: DbtProject) -> None:
    # the scenario's CSV files as Parquet with auto-detected types (timestamps, integers)
    with duckdb.connect() as connection:
        for table in RAW_FILES:
            connection.execute(
                f"copy (select * from read_csv('{scenario.raw_dir / f'{table}.csv'}', "
                f"header = true)) to '{project.raw_dir / f'{table}.parquet'}' (format parquet)"
            )
        parquet_types = {
            table: dict(
                connection.execute(
                    f"select column_name, column_type from (describe select * from "
                    f"read_parquet('{project.raw_dir / f'{table}.parquet'}'))"
                ).fetchall()
            )
            for table in ("deals", "contact_properties")
        }
    assert parquet_types["contact_properties"]["updated_at"] == "TIMESTAMP"
    # the offsets of dl_offset make the column a timestamptz, read back in UTC
    assert parquet_types["deals"]["created_at"] == "TIMESTAMP WITH TIME ZONE"
    assert parquet_types["deals"]["amount"] == "BIGINT"
    assert not list(project.raw_dir.glob("*.csv"))
    project.build(vars=VARS)
    assert project.query(
        "select count(*) from duckdb_views() where schema_name = 'raw' "
        "and sql like '%read_parquet%'"
    ) == [(len(RAW_FILES),)]
    for sql in [
        "select * from main.fct_lead_scores order by contact_id, model_id",
        "select * from main.fct_lead_score_breakdown order by contact_id, model_id, rule_id",
        (
            "select event_id, url, contact_id, match_method, reject_reason "
            "from main.int_events_validated order by all"
        ),
        "select contact_id, reject_reason from main.quarantine_contacts order by all",
        "select contact_id, field, reject_reason from main.quarantine_contact_fields order by all",
        "select deal_id, reject_reason from main.quarantine_deals order by all",
    ]:
        csv_rows = scenario.query(sql)
        assert csv_rows, sql
        assert project.query(sql) == csv_rows, sql


EVENTS_HEADER = "event_id,contact_id,event_type,occurred_at"
# after the contacts of the tests below were created
LATER_VARS = {"as_of": "2026-07-01 00:00:00"}


def test_rows_starting_with_hash_are_data_and_paths_may_hold_a_quote(tmp_path: Path) -> None:
    """DuckDB's CSV sniffer takes '#' for a comment sign when the other ids look numeric, and
    would drop such a row before it reaches the raw view (and the reconcile test). A quote in
    the raw folder's path, or in a file name of a table folder, must not break the SQL; nor
    DuckDB's glob characters in the path (a folder named "[2026] raw*?" matched no file)."""
    project = DbtProject(tmp_path / "project")
    raw = tmp_path / "[2026] it's raw*?"
    (raw / "events").mkdir(parents=True)
    (raw / "contacts.csv").write_text(
        "contact_id,created_at\nC1,2026-05-01 00:00:00\nC2,2026-05-01 00:00:00\n"
    )
    (raw / "events" / "day's export.csv").write_text(
        "event_id,contact_id,event_type,occurred_at,url\n"
        "1001,C1,page_view,2026-06-01 10:00:00,/pricing\n"
        "1002,C1,page_view,2026-06-02 10:00:00,/pricing\n"
        "#1003,C2,form_submission,2026-06-03 10:00:00,\n"
        "1004,C2,email_open,2026-06-04 10:00:00,\n"
        "1005,C2,email_open,2026-06-05 10:00:00,\n"
    )
    project.build(vars={**LATER_VARS, "raw_data_path": str(raw)})
    assert project.query(
        "select event_id, contact_id, event_type from main.int_events_validated "
        "where event_id like '#%'"
    ) == [("#1003", "C2", "form_submission")]
    assert project.query("select count(*) from main.int_events_validated") == [(5,)]


def test_a_table_given_both_as_a_file_and_a_folder_stops_the_run(tmp_path: Path) -> None:
    """events.csv beside events/*.csv, or a folder named deals.parquet (as Spark writes one),
    would be read differently by the gate and by dbt: both stop the run, naming the paths."""
    project = DbtProject(tmp_path / "project")
    project.write_raw("contacts", "contact_id,created_at\nC1,2026-05-01 00:00:00")
    project.write_raw("events", f"{EVENTS_HEADER}\ne1,C1,page_view,2026-06-01")
    project.write_csv("data/raw/events/late.csv", f"{EVENTS_HEADER}\ne2,C1,page_view,x")
    both = project.dbt("build", vars=VARS)
    assert both.returncode != 0
    assert "Raw input 'events' exists both as" in both.output
    assert "events.csv and as files in" in both.output
    shutil.rmtree(project.raw_dir / "events")
    project.write_csv("data/raw/deals.parquet/part-00000.csv", "deal_id\nD1")
    folder = project.dbt("build", vars=VARS)
    assert folder.returncode != 0
    assert "deals.parquet is a folder; put a table's files in" in folder.output


def test_the_copy_kept_of_a_duplicated_contact_does_not_depend_on_the_read_order(
    tmp_path: Path,
) -> None:
    """Two copies of C1 that differ only in industry: every column breaks the tie, so the same
    copy is kept whichever file (or thread) is read first. Built with the copies in either
    file, the kept copy is the same."""
    project = DbtProject(tmp_path / "project")
    header = "contact_id,email,industry,created_at,updated_at"
    project.write_raw("events", f"{EVENTS_HEADER}\ne1,C1,page_view,2026-06-01")
    for first, second in (("Software", "Retail"), ("Retail", "Software")):
        for name, industry in (("a", first), ("b", second)):
            project.write_csv(
                f"data/raw/contacts/{name}.csv",
                f"{header}\nC1,c1@acme.com,{industry},2026-05-01 00:00:00,2026-05-02 00:00:00",
            )
        project.build(vars=LATER_VARS)
        assert project.query("select industry from main.dim_contacts") == [("Retail",)]
        assert project.query("select contact_id, reject_reason from main.quarantine_contacts") == [
            ("C1", "duplicate_id: contact_id")
        ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # DuckDB's cast accepts these; they are not times of an event
        ("epoch", None),
        ("infinity", None),
        ("-infinity", None),
        ("2026-06-01 10:00:00 -", None),  # text after the time is ignored by the cast
        ("2026-06-01 10:00:00 x", None),
        ("2026-06-01 10:00:00 UTC+2", None),  # the cast would drop the +2
        ("2026-06-01 10:00:00+99", None),  # the cast would shift it by 99 hours
        ("2026-06-01 10:00:00+15", None),
        ("2026-06-01 10:00:00+14:30", None),
        # still read, and converted to UTC
        ("2026-06-01 10:00:00+14", "2026-05-31 20:00:00"),
        ("2026-06-01 10:00:00-0500", "2026-06-01 15:00:00"),
        ("2026-06-01T10:00:00+02:30:00", "2026-06-01 07:30:00"),
        ("2026-06-01 10:00:00 GMT", "2026-06-01 10:00:00"),
        ("2026-06-01 10:00:00 Europe/Berlin", "2026-06-01 08:00:00"),
        ("2026-06-01t10:00:00z", "2026-06-01 10:00:00"),
        ("2026-06-01 10:00:00.25", "2026-06-01 10:00:00.25"),
        ("2026-6-1", "2026-06-01 00:00:00"),
        # short text with a time takes the checks: the cast alone would drop the offset
        ("2026-6-1 9:00+02", "2026-06-01 07:00:00"),
        ("2026-6-1 9:00-05", "2026-06-01 14:00:00"),
        ("2026-6-1 9:00", "2026-06-01 09:00:00"),
        ("2026-06-01 10:00:00+14:00", "2026-05-31 20:00:00"),
    ],
)
def test_text_duckdb_would_misread_as_a_time_is_unparseable(
    text: str, expected: str | None
) -> None:
    """The staging macro parse_utc_timestamp (read from its file, as the gate and the importer
    read it): a value DuckDB's cast would turn into some time is null, so its row is
    quarantined as unparseable_timestamp instead of scored at a wrong time."""
    with duckdb.connect() as connection:
        connection.execute("set TimeZone = 'UTC'")
        (parsed,) = connection.execute(
            f"select cast({utc_timestamp_sql('value')} as varchar) from (select ? as value)",
            [text],
        ).fetchone()
    assert parsed == expected


def test_a_bad_contact_updated_at_is_a_field_problem_and_never_wins_a_duplicate_tie(
    tmp_path: Path,
) -> None:
    """An unparseable or far-future updated_at is listed in quarantine_contact_fields and not
    used: the contact is kept, and a 2099 copy does not beat a real, later-updated one."""
    project = DbtProject(tmp_path / "project")
    project.write_raw(
        "contacts",
        """
        contact_id,industry,created_at,updated_at
        C1,Software,2026-05-01 00:00:00,not a date
        C2,Retail,2026-05-01 00:00:00,2099-01-01 00:00:00
        C2,Banking,2026-05-01 00:00:00,2026-05-03 00:00:00
        C3,Media,2026-05-01 00:00:00,2099-01-01 00:00:00
        """,
    )
    project.write_raw("events", f"{EVENTS_HEADER}\ne1,C1,page_view,2026-06-01")
    project.build(vars=LATER_VARS)
    assert project.query(
        "select contact_id, industry, cast(updated_at as varchar) from main.dim_contacts order by 1"
    ) == [
        ("C1", "Software", None),
        ("C2", "Banking", "2026-05-03 00:00:00"),
        ("C3", "Media", None),
    ]
    assert project.query("select contact_id, reject_reason from main.quarantine_contacts") == [
        ("C2", "duplicate_id: contact_id")  # the 2099 copy
    ]
    assert project.query(
        "select contact_id, field, raw_value, reject_reason from main.quarantine_contact_fields "
        "order by all"
    ) == [
        ("C1", "updated_at", "not a date", "unparseable_timestamp: updated_at"),
        ("C3", "updated_at", "2099-01-01 00:00:00", "future_timestamp: updated_at"),
    ]


def test_an_optional_table_under_another_name_stops_the_run_instead_of_reading_empty(
    tmp_path: Path,
) -> None:
    """Sales_Feedback.CSV or deals/part-0000.csv.gz look meant for an optional table: rather
    than reading it as empty (a customer would stay a subscriber, unseen), the run stops and
    names them."""
    project = DbtProject(tmp_path / "project")
    project.write_raw("contacts", "contact_id,created_at\nC1,2026-05-01 00:00:00")
    project.write_raw("events", f"{EVENTS_HEADER}\ne1,C1,page_view,2026-06-01")
    (project.raw_dir / "Sales_Feedback.CSV").write_text("feedback_id\nF1\n")
    result = project.dbt("build", vars=LATER_VARS)
    assert result.returncode != 0
    assert "Raw input 'sales_feedback' not found" in result.output
    assert "Found instead: " in result.output and "Sales_Feedback.CSV" in result.output
    # the same with the raw path written ./raw/ (DuckDB's glob tidies the paths it returns)
    relative = {**LATER_VARS, "raw_data_path": f"./{project.raw_dir.relative_to(project.root)}/"}
    result = project.dbt("build", vars=relative)
    assert result.returncode != 0 and "Sales_Feedback.CSV" in result.output
    (project.raw_dir / "Sales_Feedback.CSV").unlink()
    (project.raw_dir / "sales-feedback.csv").write_text("feedback_id\nF1\n")
    result = project.dbt("build", vars=LATER_VARS)
    assert result.returncode != 0 and "sales-feedback.csv" in result.output
    (project.raw_dir / "sales-feedback.csv").unlink()
    (project.raw_dir / "deals_README.md").write_text("notes")  # not data: no near miss
    (project.raw_dir / "deals").mkdir()
    (project.raw_dir / "deals" / "part-0000.csv.gz").write_bytes(b"")
    result = project.dbt("build", vars=LATER_VARS)
    assert result.returncode != 0
    assert "Raw input 'deals' not found" in result.output and "part-0000.csv.gz" in result.output
    assert "README" not in result.output


def test_a_repeated_column_header_stops_the_run(tmp_path: Path) -> None:
    """email twice: DuckDB reads the second copy as email_1, which dbt would ignore (here the
    only copy with values), so the run stops naming it."""
    project = DbtProject(tmp_path / "project")
    project.write_raw("contacts", "contact_id,email,created_at,Email\nC1,,2026-05-01,c1@acme.com")
    project.write_raw("events", f"{EVENTS_HEADER}\ne1,C1,page_view,2026-06-01")
    result = project.dbt("build", vars=LATER_VARS)
    assert result.returncode != 0
    assert "Raw input 'contacts'" in result.output
    assert "the column header email appears more than once" in result.output
    # a real second column named like a renamed copy is not a repeated header
    project.write_raw(
        "contacts", "contact_id,email,created_at,email_2\nC1,,2026-05-01,c1.private@acme.com"
    )
    project.build(vars=LATER_VARS)


def test_rows_of_a_folder_file_without_a_required_column_are_quarantined(tmp_path: Path) -> None:
    """Read together by column name, a file of events/ without event_type gives its rows a null
    there: dbt alone quarantines them with the reason (the gate names the file beforehand)."""
    project = DbtProject(tmp_path / "project")
    project.write_raw("contacts", "contact_id,created_at\nC1,2026-05-01 00:00:00")
    (project.raw_dir / "events").mkdir()
    (project.raw_dir / "events" / "a.csv").write_text(
        f"{EVENTS_HEADER}\ne1,C1,page_view,2026-06-01\n"
    )
    (project.raw_dir / "events" / "b.csv").write_text(
        "event_id,contact_id,occurred_at\ne2,C1,2026-06-02\n"
    )
    project.build(vars=LATER_VARS)
    assert project.query("select event_id, reject_reason from main.quarantine_events") == [
        ("e2", "missing_required_value: event_type")
    ]
    accepted = "select event_id from main.int_events_validated where reject_reason is null"
    assert project.query(accepted) == [("e1",)]
