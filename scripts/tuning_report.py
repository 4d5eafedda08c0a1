"""Write the tuning report: one self-contained HTML file with charts of the rpt_ marts.

Reads the report marts of a built DuckDB file (read-only, schema main) and writes one HTML file
with inline CSS, inline JavaScript and the data embedded as JSON: no network, no external files.
The charts answer: do converted leads score higher (score distribution), where do contacts drop
out (funnel), do higher scores and grades convert more (score bands, grades), where should the
mql / sql thresholds be (threshold curve and recommendations), which rules predict conversion
(rule lift, suggested points), and is a recent cohort converting worse than before (cohort trend).

Usage: .venv/bin/python scripts/tuning_report.py --database lead_scoring.duckdb \
           --out reports/tuning_report.html
"""

from __future__ import annotations

import argparse
import html
import json
import math
import os
import sys
import tempfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

ASSETS = Path(__file__).resolve().with_name("tuning_report_assets")
REQUIRED_TABLES = (
    "fct_lead_scores",
    "rpt_lead_outcomes",
    "rpt_conversion_by_score_band",
    "rpt_threshold_tuning",
    "rpt_threshold_recommendations",
    "rpt_rule_calibration",
    "rpt_lifecycle_funnel",
)
CONVERSION_STAGES = ("sql", "opportunity", "customer")
# column of rpt_lifecycle_funnel, label, plural noun, singular noun
FUNNEL_STAGES = (
    ("contacts", "Contacts", "contacts", "contact"),
    ("leads", "Leads", "leads", "lead"),
    ("mqls", "MQLs", "MQLs", "MQL"),
    ("sqls", "SQLs", "SQLs", "SQL"),
    ("opportunities", "Opportunities", "opportunities", "opportunity"),
    ("customers", "Customers", "customers", "customer"),
)
# the step rate column of rpt_lifecycle_funnel for each stage (contacts -> leads has none)
FUNNEL_STEPS = {
    "mqls": ("lead_to_mql_rate", "median_days_lead_to_mql"),
    "sqls": ("mql_to_sql_rate", "median_days_mql_to_sql"),
    "opportunities": ("sql_to_opportunity_rate", "median_days_sql_to_opportunity"),
    "customers": ("opportunity_to_customer_rate", "median_days_opportunity_to_customer"),
}
MAX_HISTOGRAM_BINS = 30
# a score band or grade is named in a takeaway only with at least this share of the judged leads
MIN_TAKEAWAY_SHARE = 0.05


NONE = "\u2013"  # an en dash for a missing value
TIMES = "\u00d7"


class ReportError(Exception):
    """A problem the user has to fix (missing database or tables); printed without a traceback."""


# ---------------------------------------------------------------------------------------------
# formatting for humans (the JavaScript formats chart labels the same way)


def fmt_int(value: float | int | None) -> str:
    return NONE if value is None else f"{round(value):,}"


def fmt_pct(value: float | None) -> str:
    """0.125 -> '12.5%', 1.0 -> '100%', 0.3333 -> '33.3%'."""
    if value is None:
        return NONE
    percent = value * 100
    if 0 < percent < 0.05:
        return "<0.1%"
    return f"{round(percent, 1):,.1f}".removesuffix(".0") + "%"


def fmt_score(value: float | None) -> str:
    """80.0 -> '80', 23.6 -> '23.6', 1234.5 -> '1,234.5'."""
    if value is None:
        return NONE
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def fmt_lift(value: float | None) -> str:
    return NONE if value is None else f"{value:.1f}{TIMES}"


def fmt_f1(value: float | None) -> str:
    return NONE if value is None else f"{value:.2f}"


def fmt_days(value: float | None) -> str:
    if value is None:
        return NONE
    return "1 day" if value == 1 else f"{fmt_score(round(value, 1))} days"


def fmt_month(value: str | None) -> str:
    return NONE if value is None else date.fromisoformat(value).strftime("%b %Y")


def fmt_per_week(value: float | None) -> str:
    return NONE if value is None else f"{fmt_score(round(value, 1))} a week"


# ---------------------------------------------------------------------------------------------
# reading the marts


def plain(value: Any) -> Any:
    """A DuckDB value as JSON-ready Python: decimals as floats, dates as ISO text."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def fetch(connection: duckdb.DuckDBPyConnection, sql: str, params: Sequence = ()) -> list[dict]:
    cursor = connection.execute(sql, list(params))
    names = [column[0] for column in cursor.description]
    return [
        {name: plain(value) for name, value in zip(names, row, strict=True)}
        for row in cursor.fetchall()
    ]


def check_tables(connection: duckdb.DuckDBPyConnection, database: Path) -> None:
    present = {
        row[0]
        for row in connection.execute(
            "select table_name from information_schema.tables where table_schema = 'main'"
        ).fetchall()
    }
    missing = [table for table in REQUIRED_TABLES if table not in present]
    if missing:
        raise ReportError(
            f"{database} has no table main.{', main.'.join(missing)}: run dbt build first "
            "(e.g. `DBT_PROFILES_DIR=. .venv/bin/dbt build`)."
        )


def read_meta(connection: duckdb.DuckDBPyConnection) -> dict:
    scores = fetch(
        connection,
        """
        select
            max(scored_at) as as_of,
            count(distinct contact_id) as contacts_scored,
            count(distinct model_id) as models,
            string_agg(distinct config_version, ', ' order by config_version) as config_version
        from main.fct_lead_scores
        """,
    )[0]
    outcomes = fetch(
        connection,
        """
        select
            min(model_id) as model_id,
            count(*) as contacts,
            count(*) filter (where is_excluded) as excluded,
            count(*) filter (where is_evaluated) as judged,
            count(*) filter (where is_evaluated and is_converted) as converted
        from main.rpt_lead_outcomes
        """,
    )[0]
    judged = outcomes["judged"]
    return {
        **scores,
        **outcomes,
        "base_rate": outcomes["converted"] / judged if judged else None,
        "conversion_stage": infer_conversion_stage(connection),
        "conversion_window_days": infer_conversion_window_days(connection),
    }


def infer_conversion_stage(connection: duckdb.DuckDBPyConnection) -> str | None:
    """The stage whose entry time is converted_at for every contact (var conversion_stage)."""
    checks = ", ".join(
        f"count(*) filter (where converted_at is not distinct from became_{stage}_at) = count(*)"
        f" as {stage}"
        for stage in CONVERSION_STAGES
    )
    row = fetch(
        connection,
        f"select count(converted_at) as with_conversion, {checks} from main.rpt_lead_outcomes",
    )[0]
    matching = [stage for stage in CONVERSION_STAGES if row[stage]]
    return matching[0] if row["with_conversion"] and len(matching) == 1 else None


def infer_conversion_window_days(connection: duckdb.DuckDBPyConnection) -> float | None:
    """judged_until - created_at of judged contacts that did not convert: the window's length."""
    rows = fetch(
        connection,
        """
        select distinct
            round(date_diff('second', created_at, judged_until) / 86400.0, 2) as window_days
        from main.rpt_lead_outcomes
        where is_evaluated and not is_converted
        """,
    )
    return rows[0]["window_days"] if len(rows) == 1 else None


def conversion_definition(meta: dict) -> str:
    stage = meta["conversion_stage"]
    window = meta["conversion_window_days"]
    reached = {
        "sql": "became an SQL",
        "opportunity": "became an opportunity",
        "customer": "became a customer",
    }.get(stage, "reached the conversion stage (var conversion_stage)")
    if window is None:
        within = "within its conversion window (var conversion_window_days) after it was created"
        judged = "that window has passed"
    else:
        within = f"within {fmt_score(window)} days of being created"
        judged = f"those {fmt_score(window)} days have passed"
    return (
        f"A contact converted when it {reached} {within}. It is judged once {judged} by the "
        "as-of time (excluded contacts never are), by its peak score before it converted or its "
        "window closed."
    )


def histogram(connection: duckdb.DuckDBPyConnection) -> dict:
    """Peak scores of the judged contacts in bins of the score band width, converted vs not."""
    widths = fetch(
        connection,
        "select min(band_upper - band_lower) as width from main.rpt_conversion_by_score_band "
        "where breakdown = 'score_band'",
    )
    width = widths[0]["width"] or 10.0
    span = fetch(
        connection,
        "select min(peak_score) as low, max(peak_score) as high from main.rpt_lead_outcomes "
        "where is_evaluated",
    )[0]
    if span["low"] is not None:
        while (span["high"] - span["low"]) / width >= MAX_HISTOGRAM_BINS:
            width *= 2
    counts = fetch(
        connection,
        """
        select
            floor(peak_score / ?) * ? as lower,
            count(*) filter (where is_converted) as converted,
            count(*) filter (where not is_converted) as not_converted
        from main.rpt_lead_outcomes
        where is_evaluated
        group by 1
        order by 1
        """,
        [width, width],
    )
    medians = fetch(
        connection,
        """
        select
            quantile_cont(peak_score, 0.5) filter (where is_converted) as converted,
            quantile_cont(peak_score, 0.5) filter (where not is_converted) as not_converted
        from main.rpt_lead_outcomes
        where is_evaluated
        """,
    )[0]
    by_lower = {row["lower"]: row for row in counts}
    bins = []
    if counts:
        lower = counts[0]["lower"]
        while lower <= counts[-1]["lower"]:
            row = by_lower.get(lower, {"converted": 0, "not_converted": 0})
            bins.append(
                {
                    "lower": lower,
                    "upper": lower + width,
                    "converted": row["converted"],
                    "not_converted": row["not_converted"],
                }
            )
            lower += width
    return {
        "bin_width": width,
        "bins": bins,
        "converted_total": sum(row["converted"] for row in bins),
        "not_converted_total": sum(row["not_converted"] for row in bins),
        "median_converted": medians["converted"],
        "median_not_converted": medians["not_converted"],
    }


def funnel(connection: duckdb.DuckDBPyConnection) -> dict:
    rows = fetch(connection, "select * from main.rpt_lifecycle_funnel where breakdown = 'overall'")
    if not rows or not rows[0]["contacts"]:
        return {"steps": []}
    row = rows[0]
    steps = []
    previous: tuple[str, str] | None = None
    for column, label, noun, singular in FUNNEL_STAGES:
        rate_column, days_column = FUNNEL_STEPS.get(column, (None, None))
        if column == "contacts":
            rate = None
        elif column == "leads":
            rate = row["leads"] / row["contacts"]
        else:
            rate = row[rate_column]
        steps.append(
            {
                "key": column,
                "label": label,
                "noun": noun,
                "singular": singular,
                "count": row[column],
                "from_noun": previous[0] if previous else None,
                "from_singular": previous[1] if previous else None,
                "rate": rate,
                "median_days": row[days_column] if days_column else None,
                "is_biggest_drop": False,
            }
        )
        previous = (noun, singular)
    rated = [step for step in steps[1:] if step["rate"] is not None]
    if rated:
        min(rated, key=lambda step: step["rate"])["is_biggest_drop"] = True
    return {"steps": steps}


def rate_bands(connection: duckdb.DuckDBPyConnection, breakdown: str, base_rate: float | None):
    order = "band_lower" if breakdown == "score_band" else "band"
    rows = fetch(
        connection,
        f"""
        select band, band_lower, band_upper, leads, converted_leads, conversion_rate, lift,
            share_of_leads
        from main.rpt_conversion_by_score_band
        where breakdown = ?
        order by {order}
        """,
        [breakdown],
    )
    if breakdown == "score_band" and rows:
        rows = fill_band_gaps(rows)
    return {"base_rate": base_rate, "bands": rows, "min_leads": min_support(rows)}


def fill_band_gaps(rows: list[dict]) -> list[dict]:
    """Score bands without judged contacts as empty bands, so the x axis stays a number line."""
    width = rows[0]["band_upper"] - rows[0]["band_lower"]
    by_lower = {row["band_lower"]: row for row in rows}
    filled = []
    lower = rows[0]["band_lower"]
    while lower <= rows[-1]["band_lower"]:
        filled.append(
            by_lower.get(lower)
            or {
                "band": f"{lower:.2f} to <{lower + width:.2f}",
                "band_lower": lower,
                "band_upper": lower + width,
                "leads": 0,
                "converted_leads": 0,
                "conversion_rate": None,
                "lift": None,
                "share_of_leads": 0.0,
            }
        )
        lower += width
    return filled


def thresholds(connection: duckdb.DuckDBPyConnection) -> dict:
    points = fetch(
        connection,
        """
        select threshold, precision, recall, f1, lift, leads_above, converted_above,
            reached_per_week
        from main.rpt_threshold_tuning
        where stage = 'mql'
        order by threshold
        """,
    )
    recommendations = {
        row["stage"]: row
        for row in fetch(connection, "select * from main.rpt_threshold_recommendations")
    }
    mql = recommendations.get("mql", {})
    sql = recommendations.get("sql", {})
    candidates = [
        ("current", "MQL now", mql.get("current_threshold")),
        ("best_f1", "best F1", mql.get("best_f1_threshold")),
        ("sql_current", "SQL now", sql.get("current_threshold")),
        ("capacity", "SQL capacity", sql.get("capacity_threshold")),
    ]
    markers: list[dict] = []
    for kind, label, value in candidates:
        if value is None:
            continue
        same = next((marker for marker in markers if marker["value"] == value), None)
        if same:
            same["label"] += f" · {label}"
        else:
            markers.append({"kind": kind, "label": label, "value": value})
    return {"points": points, "markers": markers, "recommendations": recommendations}


def rules(connection: duckdb.DuckDBPyConnection, model_id: str | None) -> dict:
    rows = fetch(
        connection,
        """
        select rule_id, kind, group_id, points, suggested_points, leads_matched,
            converted_matched, contacts_matched, conversion_rate_matched,
            conversion_rate_unmatched, lift, log_odds_ratio, z_score, is_never_fired,
            is_sign_suspect
        from main.rpt_rule_calibration
        where model_id = ?
        order by is_never_fired, log_odds_ratio desc nulls last, rule_id
        """,
        [model_id],
    )
    return {"model_id": model_id, "rules": rows}


def cohorts(connection: duckdb.DuckDBPyConnection) -> dict:
    rows = fetch(
        connection,
        """
        select cohort_month, is_mature, contacts, mqls, sqls, mql_to_sql_rate,
            trailing_mql_to_sql_rate, is_mql_to_sql_below_trend
        from main.rpt_lifecycle_funnel
        where breakdown = 'cohort'
        order by cohort_month
        """,
    )
    return {"cohorts": rows}


# ---------------------------------------------------------------------------------------------
# takeaways: one sentence per chart, computed from its data


def distribution_takeaway(chart: dict) -> str:
    converted, others = chart["median_converted"], chart["median_not_converted"]
    if converted is None and others is None:
        return "No contact has been judged yet: no conversion window has closed."
    if converted is None:
        return (
            "No judged contact converted yet; the others peaked at a median of "
            f"{fmt_score(others)}."
        )
    if others is None:
        return f"Every judged contact converted, at a median peak score of {fmt_score(converted)}."
    comparison = "above" if converted > others else "below" if converted < others else "the same as"
    return (
        f"Converted leads peaked at a median score of {fmt_score(converted)}, "
        f"{comparison} the {fmt_score(others)} of the others."
    )


def funnel_takeaway(chart: dict) -> str:
    steps = chart["steps"]
    if not steps:
        return "No judged contacts in the funnel yet."
    drop = next((step for step in steps if step["is_biggest_drop"]), None)
    if drop is None:
        return f"{fmt_int(steps[0]['count'])} contacts, none of them a lead yet."
    days = f" (median {fmt_days(drop['median_days'])})" if drop["median_days"] is not None else ""
    return (
        f"The biggest drop is {drop['from_singular']} → {drop['singular']}: "
        f"{fmt_pct(drop['rate'])} of {drop['from_noun']} became {drop['noun']}{days}."
    )


def min_support(bands: list[dict]) -> int:
    return max(1, math.ceil(MIN_TAKEAWAY_SHARE * sum(band["leads"] for band in bands)))


def score_band_takeaway(chart: dict) -> str:
    bands = [band for band in chart["bands"] if band["band_lower"] is not None]
    base_rate = chart["base_rate"]
    if not bands or not base_rate:
        return "No judged contact converted yet, so no score band can be compared."
    support = min_support(bands)
    best = None
    for index, band in enumerate(bands[1:], start=1):
        above = bands[index:]
        leads = sum(row["leads"] for row in above)
        if leads < support:
            continue
        rate = sum(row["converted_leads"] for row in above) / leads
        if best is None or rate > best[1]:
            best = (band["band_lower"], rate)
    if best is None or best[1] <= base_rate:
        return "Higher peak scores do not convert better than the average here."
    lower, rate = best
    return (
        f"Leads scoring {fmt_score(lower)}+ convert at {fmt_lift(rate / base_rate)} the average "
        f"rate ({fmt_pct(rate)} vs {fmt_pct(base_rate)})."
    )


def grade_takeaway(chart: dict) -> str:
    bands = chart["bands"]
    if not bands or not chart["base_rate"]:
        return "No judged contact converted yet, so no grade can be compared."
    support = min_support(bands)
    candidates = [band for band in bands if band["leads"] >= support] or bands
    best = max(candidates, key=lambda band: (band["conversion_rate"] or 0, band["leads"]))
    worst = min(candidates, key=lambda band: (band["conversion_rate"] or 0, -band["leads"]))
    sentence = (
        f"Grade {best['band']} converts best ({fmt_pct(best['conversion_rate'])}, "
        f"{fmt_lift(best['lift'])} the average)"
    )
    if worst is best:
        return sentence + "."
    return sentence + f"; {worst['band']} the worst ({fmt_pct(worst['conversion_rate'])})."


def threshold_takeaway(chart: dict) -> str:
    mql = chart["recommendations"].get("mql")
    if not mql or mql["best_f1_threshold"] is None:
        return "No judged contact converted yet, so no threshold can be judged."
    current, best = mql["current_threshold"], mql["best_f1_threshold"]
    if current is None or current == best:
        return (
            f"The MQL threshold of {fmt_score(best)} already has the best F1 "
            f"({fmt_f1(mql['best_f1'])}: precision {fmt_pct(mql['best_f1_precision'])}, "
            f"recall {fmt_pct(mql['best_f1_recall'])})."
        )
    verb = "Raising" if best > current else "Lowering"
    return (
        f"{verb} the MQL threshold from {fmt_score(current)} to {fmt_score(best)} would lift F1 "
        f"from {fmt_f1(mql['current_f1'])} to {fmt_f1(mql['best_f1'])} (precision "
        f"{fmt_pct(mql['current_precision'])} → {fmt_pct(mql['best_f1_precision'])}, recall "
        f"{fmt_pct(mql['current_recall'])} → {fmt_pct(mql['best_f1_recall'])})."
    )


def rule_takeaway(chart: dict) -> str:
    rows = chart["rules"]
    if not rows:
        return "No rules to calibrate."
    judged = [row for row in rows if row["z_score"] is not None]
    parts = []
    if judged:
        strongest = max(judged, key=lambda row: (row["z_score"], row["rule_id"]))
        if strongest["z_score"] > 0 and strongest["lift"] is not None:
            parts.append(
                f"The clearest signal is {strongest['rule_id']}: leads matching it convert at "
                f"{fmt_lift(strongest['lift'])} the average"
            )
    never = [row["rule_id"] for row in rows if row["is_never_fired"]]
    suspect = [row["rule_id"] for row in rows if row["is_sign_suspect"]]
    if never:
        parts.append(
            f"{plural(len(never), 'rule')} never fired ({', '.join(never[:3])}"
            f"{', …' if len(never) > 3 else ''})"
        )
    parts.append(
        f"{plural(len(suspect), 'rule')} {'has' if len(suspect) == 1 else 'have'} points of "
        f"the wrong sign ({', '.join(suspect[:3])})"
        if suspect
        else "no rule's points have the wrong sign"
    )
    sentence = "; ".join(parts)
    return sentence[0].upper() + sentence[1:] + "."


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def cohort_takeaway(chart: dict) -> str:
    rows = chart["cohorts"]
    if not rows:
        return "No cohorts yet."
    flagged = [row for row in rows if row["is_mql_to_sql_below_trend"]]
    if flagged:
        latest = flagged[-1]
        others = len(flagged) - 1
        also = f" ({plural(others, 'other cohort')} too)" if others else ""
        return (
            f"MQLs of {fmt_month(latest['cohort_month'])} moved to SQL at "
            f"{fmt_pct(latest['mql_to_sql_rate'])}, well below the "
            f"{fmt_pct(latest['trailing_mql_to_sql_rate'])} of the months before{also}."
        )
    mature = [row for row in rows if row["is_mature"] and row["mql_to_sql_rate"] is not None]
    if not mature:
        return "No cohort is mature yet: every conversion window is still open."
    latest = mature[-1]
    trailing = latest["trailing_mql_to_sql_rate"]
    before = f" (trailing {fmt_pct(trailing)})" if trailing is not None else ""
    return (
        f"No mature cohort fell below its trend; the latest, {fmt_month(latest['cohort_month'])}, "
        f"moved {fmt_pct(latest['mql_to_sql_rate'])} of its MQLs to SQL{before}."
    )


# ---------------------------------------------------------------------------------------------
# the report


CHARTS = (
    # id, payload key, title, question it answers, takeaway function, wide
    (
        "chart-score-distribution",
        "distribution",
        "Peak score: converted vs not",
        "Share of each group by peak score band (judged contacts). Shapes apart = the score "
        "separates converters from the rest.",
        distribution_takeaway,
        False,
    ),
    (
        "chart-funnel",
        "funnel",
        "Lifecycle funnel",
        "Judged contacts (conversion window passed) that reached each stage by the as-of "
        "time; step rate and median days from the stage before.",
        funnel_takeaway,
        False,
    ),
    (
        "chart-score-bands",
        "score_bands",
        "Conversion by peak score band",
        "Conversion rate of the judged contacts per band; the dashed line is the average.",
        score_band_takeaway,
        False,
    ),
    (
        "chart-grades",
        "grades",
        "Conversion by grade",
        "Conversion rate by grade at the peak (fit letter, engagement number).",
        grade_takeaway,
        False,
    ),
    (
        "chart-threshold-curve",
        "thresholds",
        "Where should the thresholds be?",
        "Precision (share of leads above a threshold that converted), recall (share of all "
        "converted leads above it) and F1 (their balance) for each candidate threshold.",
        threshold_takeaway,
        True,
    ),
    (
        "chart-rule-lift",
        "rules",
        "Which rules predict conversion?",
        "Odds of converting when a rule matched vs when it did not (log scale; faded = weak "
        "evidence, |z| < 1.96), and the points each rule gives now vs the calibrated suggestion.",
        rule_takeaway,
        True,
    ),
    (
        "chart-cohort-trend",
        "cohorts",
        "MQL → SQL by cohort month",
        "Share of each monthly cohort's MQLs that became SQLs, against the pooled rate of the "
        "mature months before it.",
        cohort_takeaway,
        True,
    ),
)


def load_report(database: Path) -> dict:
    if not database.exists():
        raise ReportError(f"{database} does not exist: run dbt build first.")
    try:
        connection = duckdb.connect(str(database), read_only=True)
    except duckdb.Error as error:
        raise ReportError(f"cannot open {database} read-only: {error}") from error
    with connection:
        check_tables(connection, database)
        meta = read_meta(connection)
        charts = {
            "distribution": histogram(connection),
            "funnel": funnel(connection),
            "score_bands": rate_bands(connection, "score_band", meta["base_rate"]),
            "grades": rate_bands(connection, "grade", meta["base_rate"]),
            "thresholds": thresholds(connection),
            "rules": rules(connection, meta["model_id"]),
            "cohorts": cohorts(connection),
        }
    takeaways = {key: takeaway(charts[key]) for _, key, _, _, takeaway, _ in CHARTS}
    return {
        "meta": {**meta, "database": database.name, "definition": conversion_definition(meta)},
        "charts": charts,
        "takeaways": takeaways,
    }


def json_for_script(data: Any) -> str:
    """JSON that is safe inside <script>: no '</script>', '<!--' or '&' can appear in it."""
    text = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def esc(value: Any) -> str:
    return html.escape(str(value), quote=True)


def stat(label: str, value: str, note: str = "", value_class: str = "") -> str:
    note_html = f'<span class="stat-note">{esc(note)}</span>' if note else ""
    return (
        f'<div class="stat"><span class="stat-label">{esc(label)}</span>'
        f'<span class="stat-value {value_class}">{esc(value)}</span>{note_html}</div>'
    )


def recommendations_table(recommendations: dict) -> str:
    stages = [stage for stage in ("mql", "sql") if stage in recommendations]
    if not stages:
        return '<p class="note">No threshold recommendations yet.</p>'

    def at(row: dict, prefix: str) -> str:
        threshold = row[f"{prefix}_threshold"]
        if threshold is None:
            return NONE
        f1 = f" · F1 {fmt_f1(row[f'{prefix}_f1'])}" if f"{prefix}_f1" in row else ""
        return (
            f"{fmt_score(threshold)}: precision {fmt_pct(row[f'{prefix}_precision'])} · "
            f"recall {fmt_pct(row[f'{prefix}_recall'])}{f1} · "
            f"{fmt_per_week(row[f'{prefix}_reached_per_week'])}"
        )

    lines: list[tuple[str, Iterable[str]]] = [
        ("Current threshold", (at(recommendations[s], "current") for s in stages)),
        ("Best F1", (at(recommendations[s], "best_f1") for s in stages)),
        (
            "Sales capacity",
            (fmt_per_week(recommendations[s]["capacity_per_week"]) for s in stages),
        ),
        ("Lowest threshold within capacity", (at(recommendations[s], "capacity") for s in stages)),
        (
            "Peak score of converted leads",
            (
                f"lowest {fmt_score(recommendations[s]['lowest_converted_peak'])} · 10th pct "
                f"{fmt_score(recommendations[s]['converted_peak_p10'])} · median "
                f"{fmt_score(recommendations[s]['converted_peak_median'])}"
                for s in stages
            ),
        ),
    ]
    head = "".join(f'<th scope="col">{esc(stage.upper())}</th>' for stage in stages)
    body = "".join(
        f'<tr><th scope="row">{esc(label)}</th>'
        + "".join(f"<td>{esc(cell)}</td>" for cell in cells)
        + "</tr>"
        for label, cells in lines
    )
    return (
        '<table class="recommendations" id="threshold-recommendations">'
        f'<thead><tr><th scope="col"></th>{head}</tr></thead><tbody>{body}</tbody></table>'
    )


def render_html(report: dict) -> str:
    meta = report["meta"]
    css = (ASSETS / "report.css").read_text(encoding="utf-8")
    script = (ASSETS / "report.js").read_text(encoding="utf-8")
    as_of_time = datetime.fromisoformat(meta["as_of"]) if meta["as_of"] else None
    as_of = as_of_time.strftime("%Y-%m-%d %H:%M UTC") if as_of_time else "unknown"
    recommendations = report["charts"]["thresholds"]["recommendations"]
    thresholds_now = " / ".join(
        fmt_score(recommendations[stage]["current_threshold"])
        for stage in ("mql", "sql")
        if stage in recommendations
    )
    stats = "".join(
        [
            stat(
                "As of",
                as_of_time.strftime("%Y-%m-%d") if as_of_time else "unknown",
                as_of_time.strftime("%H:%M UTC") if as_of_time else "",
            ),
            stat("Config version", meta["config_version"] or NONE, value_class="code"),
            stat("Contacts", fmt_int(meta["contacts"]), f"{fmt_int(meta['excluded'])} excluded"),
            stat("Judged", fmt_int(meta["judged"]), "window closed"),
            stat(
                "Converted",
                fmt_int(meta["converted"]),
                f"{fmt_pct(meta['base_rate'])} of judged",
            ),
            stat("MQL / SQL threshold", thresholds_now or NONE),
        ]
    )
    sections = []
    for chart_id, key, title, question, _, wide in CHARTS:
        extra = recommendations_table(recommendations) if key == "thresholds" else ""
        sections.append(
            f'<section class="card{" wide" if wide else ""}" id="{chart_id}" '
            f'data-chart="{key}" data-drawn="false" aria-labelledby="{chart_id}-title">'
            f'<h2 id="{chart_id}-title">{esc(title)}</h2>'
            f'<p class="takeaway" data-takeaway="{key}">{esc(report["takeaways"][key])}</p>'
            f'<p class="question">{esc(question)}</p>'
            f'<div class="chart-canvas"></div>{extra}</section>'
        )
    model = f"model {meta['model_id']} · " if meta["model_id"] else ""
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; \
style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<link rel="icon" href="data:,">
<title>Lead scoring tuning report · {esc(as_of)}</title>
<style>
{css}
</style>
</head>
<body>
<header class="page-header">
<h1>Lead scoring tuning report</h1>
<p class="subtitle">{esc(model)}as of {esc(as_of)} · from {esc(meta["database"])}</p>
<div class="stats">{stats}</div>
<p class="definition"><strong>Converted</strong>: {esc(meta["definition"])}</p>
</header>
<noscript><p class="noscript">The charts are drawn by JavaScript: enable it to see them.</p>
</noscript>
<main class="grid">
{"".join(sections)}
</main>
<footer>Written by scripts/tuning_report.py from the rpt_ marts of {esc(meta["database"])}.
Self-contained: no network, no external files.</footer>
<script type="application/json" id="report-data">{json_for_script(report)}</script>
<script>
{script}
</script>
</body>
</html>
"""


def write_atomically(path: Path, text: str) -> None:
    """Write to a temp file in the target folder, fsync, then rename over the target."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=".tmp", dir=path.parent
    )
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--database",
        type=Path,
        default=Path("lead_scoring.duckdb"),
        help="the built DuckDB file, opened read-only (default: %(default)s)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("reports/tuning_report.html"),
        help="the HTML file to write; replaced atomically (default: %(default)s)",
    )
    args = parser.parse_args(argv)
    try:
        report = load_report(args.database)
    except ReportError as error:
        print(f"tuning_report: {error}", file=sys.stderr)
        return 1
    write_atomically(args.out, render_html(report))
    print(f"wrote {args.out} (as of {report['meta']['as_of']}, {report['meta']['judged']} judged)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
