-- A contact's lifecycle journey: every stage entry with its cause and score, the alerts sales got,
-- and the end-of-day lifecycle score on the days it changed (shown at 23:59:59 of the day, or at
-- as_of on the as_of day: var as_of, else that of the latest build in fct_scoring_runs; after
-- that day's entries and alerts). Entries of one moment come in
-- the order they were made, then the alerts they raised. Compile with
--   dbt compile --select contact_journey --vars '{contact_id: C00000042}'
-- and run the SQL in target/compiled/ against the DuckDB file.

with

stages as (

    select * from {{ ref('fct_lifecycle_stage_history') }}
    where contact_id = '{{ var("contact_id", "") }}'

),

alerts as (

    select * from {{ ref('fct_sales_alerts') }}
    where contact_id = '{{ var("contact_id", "") }}'

),

-- the as_of of the scores shown: var as_of when given, else that of the latest completed build
-- (the run log), else now
scored_as_of as (

    select
        {%- set as_of_var = var('as_of', none) %}
        {%- if as_of_var is none or as_of_var | string | trim | lower in ['', 'none', 'null'] %}
            coalesce(
                (
                    select max(runs.as_of) from {{ ref('fct_scoring_runs') }} as runs
                    where runs.started_at = (select max(started_at) from {{ ref('fct_scoring_runs') }})
                ),
                {{ as_of_timestamp() }}
            ) as as_of
        {%- else %}
            {{ as_of_timestamp() }} as as_of
        {%- endif %}

),

history as (

    select history.*
    from {{ ref('fct_lead_score_history') }} as history
    inner join {{ ref('stg_config__scoring_models') }} as scoring_models
        on history.model_id = scoring_models.model_id
        and scoring_models.is_lifecycle_model
    where history.contact_id = '{{ var("contact_id", "") }}'

),

final as (

    select
        entered_at as happened_at,
        'stage' as kind,
        stage as what,
        reason as detail,
        total_score_at_entry as total_score,
        0 as kind_order,
        entry_number as order_in_kind
    from stages

    union all

    select
        triggered_at as happened_at,
        'alert' as kind,
        alert_type as what,
        action || ' (owner ' || coalesce(owner_id, 'none') || ', due '
        || cast(due_at as {{ dbt.type_string() }}) || case when is_open then ', open)' else ')' end as detail,
        total_score_at_trigger as total_score,
        1 as kind_order,
        case alert_type when 'mql' then 1 when 'sql' then 2 else 3 end as order_in_kind
    from alerts

    union all

    select
        -- the as_of day ends at as_of: its score is the score at as_of
        least(
            {{ dbt.dateadd('second', 86399, 'cast(history.valid_from as ' ~ dbt.type_timestamp() ~ ')') }},
            scored_as_of.as_of
        ) as happened_at,
        'score' as kind,
        'end of day' as what,
        'fit ' || cast(history.fit_score as {{ dbt.type_string() }}) || ', engagement '
        || cast(history.engagement_score as {{ dbt.type_string() }}) as detail,
        history.total_score,
        2 as kind_order,
        0 as order_in_kind
    from history
    cross join scored_as_of

)

select
    happened_at,
    kind,
    what,
    detail,
    total_score
from final
-- a day's end-of-day score after everything of that day, even a row at 23:59:59.5
order by cast(happened_at as date), kind_order = 2, happened_at, kind_order, order_in_kind
