-- Why does a contact have its score? Compile with
--   dbt compile --select explain_contact --vars '{contact_id: C00000042}'
-- and run the SQL in target/compiled/ against the DuckDB file.

with

scores as (

    select * from {{ ref('fct_lead_scores') }}
    where contact_id = '{{ var("contact_id", "") }}'

),

breakdown as (

    select * from {{ ref('fct_lead_score_breakdown') }}

),

final as (

    select
        scores.model_id,
        scores.total_score,
        scores.grade,
        breakdown.row_type,
        breakdown.group_id,
        breakdown.rule_id,
        breakdown.points,
        breakdown.reason
    from scores
    left join breakdown
        on scores.contact_id = breakdown.contact_id
        and scores.model_id = breakdown.model_id

)

select * from final
order by model_id asc, abs(points) desc, rule_id asc
