"""Print the top leads of a scoring model with grade, score and the rules that made the score.

Reads the marts only, so it works on the build database and on the served copy alike.
Exit codes: 0 printed, 1 nothing to show (no scores, unknown model, no marts), 2 usage or no
database file.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import duckdb

TOP_LEADS_SQL = """
with

lifecycle_model as (
    -- the model whose rows carry a lifecycle stage (the marts only: the served copy has no seeds)
    select min(model_id) as model_id from main.fct_lead_scores where lifecycle_stage is not null
),

top_leads as (
    select scores.*
    from main.fct_lead_scores as scores
    where scores.model_id = coalesce(?, (select model_id from lifecycle_model))
    order by scores.total_score desc, scores.contact_id
    limit ?
),

top_reasons as (
    select
        breakdown.contact_id,
        string_agg(
            breakdown.rule_id || ' ' || case when breakdown.points >= 0 then '+' else '' end
            || cast(breakdown.points as varchar),
            ', ' order by abs(breakdown.points) desc, breakdown.rule_id
        ) as reasons
    from main.fct_lead_score_breakdown as breakdown
    inner join top_leads
        on breakdown.contact_id = top_leads.contact_id
        and breakdown.model_id = top_leads.model_id
    group by 1
)

select
    top_leads.model_id,
    top_leads.contact_id,
    coalesce(contacts.first_name || ' ' || contacts.last_name, contacts.email, '') as name,
    coalesce(contacts.job_title, '') as job_title,
    coalesce(contacts.company_name, '') as company,
    coalesce(top_leads.grade, '') as grade,
    coalesce(top_leads.lifecycle_stage, '') as stage,
    top_leads.total_score,
    top_leads.fit_score,
    top_leads.engagement_score,
    coalesce(top_reasons.reasons, '') as reasons
from top_leads
inner join main.dim_contacts as contacts
    on top_leads.contact_id = contacts.contact_id
left join top_reasons
    on top_leads.contact_id = top_reasons.contact_id
order by top_leads.total_score desc, top_leads.contact_id
"""


def top_leads(db_path: Path, model_id: str | None, limit: int) -> list[tuple]:
    with duckdb.connect(str(db_path), read_only=True) as connection:
        if model_id is not None:
            models = [row[0] for row in connection.execute(
                "select distinct model_id from main.fct_lead_scores order by 1"
            ).fetchall()]  # fmt: skip
            if model_id not in models:
                raise LookupError(
                    f"model {model_id!r} has no scores in {db_path}; its models: "
                    + (", ".join(models) or "none")
                )
        return connection.execute(TOP_LEADS_SQL, [model_id, limit]).fetchall()


def format_table(rows: list[tuple]) -> str:
    headers = [
        "contact",
        "name",
        "title",
        "company",
        "grade",
        "stage",
        "score",
        "fit",
        "eng",
        "why",
    ]
    body = [
        [
            contact,
            name[:22],
            title[:26],
            company[:20],
            grade,
            stage,
            f"{total:.2f}",
            f"{fit:.2f}",
            f"{engagement:.2f}",
            reasons,
        ]
        for _, contact, name, title, company, grade, stage, total, fit, engagement, reasons in rows
    ]
    widths = [
        max(len(str(cell)) for cell in column) for column in zip(headers, *body, strict=False)
    ]
    widths[-1] = 0  # the reasons column runs to the end of the line
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))]
    lines += ["  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)) for row in body]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, default=Path("lead_scoring.duckdb"))
    parser.add_argument("--model", default=None, help="model_id (default: the lifecycle model)")
    parser.add_argument("--limit", type=int, default=10, help="how many leads (default 10)")
    args = parser.parse_args()
    if args.limit < 1:
        parser.error("--limit must be at least 1")
    if not args.db.exists():
        print(f"error: database {args.db} not found (run dbt build first)", file=sys.stderr)
        sys.exit(2)
    try:
        rows = top_leads(args.db, args.model, args.limit)
    except LookupError as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(1)
    except duckdb.Error as error:
        print(
            f"error: cannot read the scores of {args.db} (a build holding it, or no dbt build "
            f"yet?): {str(error).splitlines()[0]}",
            file=sys.stderr,
        )
        sys.exit(1)
    if not rows:
        print(f"error: no scores in {args.db}: run `dbt build` first", file=sys.stderr)
        sys.exit(1)
    print(f"Top {len(rows)} leads of model '{rows[0][0]}' ({args.db}):")
    print(format_table(rows))


if __name__ == "__main__":
    main()
