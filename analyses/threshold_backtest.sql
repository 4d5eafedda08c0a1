-- What if the mql (or sql) threshold had been X? Every contact that is not excluded, the first
-- moment its lifecycle-model score reached X, when it really entered the stage, and whether it
-- converted (rpt_lead_outcomes): who would have been handed over earlier, later or not at all.
--   dbt compile --select threshold_backtest --vars '{threshold: 45, stage: mql}'
-- Summarise the compiled query, e.g. count(*) filter (where would_have_reached_at is not null).

{%- set stage = var('stage', 'mql') %}
{%- if stage not in ['mql', 'sql'] %}
    {{ exceptions.raise_compiler_error("var stage must be mql or sql, not '" ~ stage ~ "'") }}
{%- endif %}

with

outcomes as (

    select * from {{ ref('rpt_lead_outcomes') }}
    where not is_excluded

),

timeline as (

    select * from {{ ref('int_lead_score_timeline') }}

),

first_reached as (

    select
        timeline.contact_id,
        min(timeline.changed_at) as would_have_reached_at
    from timeline
    inner join outcomes
        on timeline.contact_id = outcomes.contact_id
        and timeline.model_id = outcomes.model_id
    where timeline.total_score >= {{ var('threshold', 50) }}
    group by 1

),

final as (

    select
        outcomes.contact_id,
        {{ var('threshold', 50) }} as threshold,
        first_reached.would_have_reached_at,
        outcomes.became_{{ stage }}_at as actually_became_{{ stage }}_at,
        case
            when first_reached.would_have_reached_at is null and outcomes.became_{{ stage }}_at is null
                then 'neither'
            when first_reached.would_have_reached_at is null then 'not_reached'
            when outcomes.became_{{ stage }}_at is null then 'new'
            when first_reached.would_have_reached_at < outcomes.became_{{ stage }}_at then 'earlier'
            when first_reached.would_have_reached_at > outcomes.became_{{ stage }}_at then 'later'
            else 'same_time'
        end as change,
        outcomes.is_evaluated,
        outcomes.is_converted,
        outcomes.converted_at,
        outcomes.peak_score,
        outcomes.current_score
    from outcomes
    left join first_reached
        on outcomes.contact_id = first_reached.contact_id

)

select * from final
