-- Every contact's end-of-day score on one day under one model: one lookup in the history.
--   dbt compile --select scores_on_day --vars '{day: "2026-09-15", model_id: default}'
-- Equals a rebuild with as_of = '<day> 23:59:59.999999' (tests/python/test_score_history.py).

with

history as (

    select * from {{ ref('fct_lead_score_history') }}
    where model_id = '{{ var("model_id", "default") }}'

),

final as (

    select
        contact_id,
        fit_score,
        engagement_score,
        total_score,
        valid_from,
        valid_to,
        config_version
    from history
    where valid_from <= cast('{{ var("day", "2026-01-01") }}' as date)
        and (valid_to is null or valid_to > cast('{{ var("day", "2026-01-01") }}' as date))

)

select * from final
order by total_score desc, contact_id asc
