"""The project's own generic tests fail on the rows they exist to catch, and the packed-count
macros of the score timeline decode what they pack (a real dbt run)."""

from __future__ import annotations

from pathlib import Path

from dbt_harness import DbtProject

KEY_MODELS = """
version: 2
models:
  - name: keys_with_a_duplicate
    data_tests:
      - unique_combination_of_columns:
          arguments:
            combination_of_columns: ['contact_id', 'changed_at']
  - name: keys_without_duplicates
    data_tests:
      - unique_combination_of_columns:
          arguments:
            combination_of_columns: ['contact_id', 'changed_at']
"""


def check_models_folder(project: DbtProject) -> Path:
    """A folder for this module's check models; the raw inputs the on-run-start hooks register."""
    project.write_raw("contacts", "contact_id,email,created_at\nc1,c1@acme.com,2025-01-01 00:00:00")
    project.write_raw(
        "events", "event_id,contact_id,event_type,occurred_at\ne1,c1,page_view,2025-06-01"
    )
    models = project.root / "models" / "zz_checks"
    models.mkdir()
    return models


def test_unique_combination_of_columns_fails_on_a_repeated_key(project: DbtProject) -> None:
    # ('c1', day 1) twice: one failing key; ('c1', day 2) and ('c2', day 1) share a part only
    rows = (
        "select 'c1' as contact_id, date '2026-01-01' as changed_at union all "
        "select 'c1', date '2026-01-02' union all "
        "select 'c2', date '2026-01-01' union all "
        "select null, null union all "
        "select null, date '2026-01-01'"
    )
    models = check_models_folder(project)
    (models / "keys_with_a_duplicate.sql").write_text(
        f"{rows} union all select 'c1', date '2026-01-01'\n"
    )
    (models / "keys_without_duplicates.sql").write_text(rows + "\n")
    (models / "_zz_checks.yml").write_text(KEY_MODELS)

    result = project.dbt("build", "-s", "keys_with_a_duplicate", "keys_without_duplicates")

    statuses = {
        name: status for name, status in result.statuses().items() if "unique_combination" in name
    }
    assert len(statuses) == 2, result.output[-3000:]
    failing = [name for name, status in statuses.items() if status == "fail"]
    assert len(failing) == 1 and "keys_with_a_duplicate" in failing[0], statuses
    assert "Got 1 result" in result.output


def test_packed_counts_decode_every_sum_of_pairs(project: DbtProject) -> None:
    # macros/packed_counts.sql, rendered by dbt and run on DuckDB: summed pairs decode to the sums
    # of their parts, including a negative low part, a negative high part and parts at 2^25 - 1
    models = check_models_folder(project)
    (models / "packed_counts_decoded.sql").write_text(
        """
        with pairs as (
            select * from (values
                (1, 1, 0), (1, 0, 1), (1, 2, 3), (1, -1, -1),
                (2, 0, 33554431), (3, 1000, 0), (4, 5, -3), (5, -1, 5),
                (6, 33554431, 33554431), (6, 0, 0)
            ) as pairs (case_id, high, low)
        ),
        summed as (
            select
                case_id,
                sum({{ pack_counts('high', 'low') }}) as packed,
                sum(high) as high,
                sum(low) as low
            from pairs
            group by case_id
        )
        select
            case_id,
            high,
            low,
            {{ packed_count_high('packed') }} as decoded_high,
            {{ packed_count_low('packed') }} as decoded_low
        from summed
        """
    )

    result = project.dbt("run", "-s", "packed_counts_decoded")

    assert result.returncode == 0, result.output[-3000:]
    rows = project.query(
        "select case_id, high, low, decoded_high, decoded_low "
        "from main.packed_counts_decoded order by case_id"
    )
    assert [row[0] for row in rows] == [1, 2, 3, 4, 5, 6]
    assert [(row[1], row[2]) for row in rows] == [
        (2, 3), (0, 33554431), (1000, 0), (5, -3), (-1, 5), (33554431, 33554431),
    ]  # fmt: skip
    assert all((row[3], row[4]) == (row[1], row[2]) for row in rows), rows
