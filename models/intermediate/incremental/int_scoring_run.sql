{{ config(materialized='table') }}

{#- This run: its mode and what it recomputes. Incremental when the outputs of an earlier run
    exist and --full-refresh is not given (macro incremental_scoring). An incremental run still
    recomputes every contact (recompute_all_reason) when the previous run did not complete, when
    the code or the configuration (its files or its loaded seed tables) changed since it, or when
    as_of moved back before it; it then also reloads every raw event. So does a run whose raw
    events older than the lookback window differ from the stored ones (an event that arrived too
    late, one removed, one edited in place). Otherwise it
    reloads the raw events of the lookback window: occurred_at from the previous as_of minus var
    event_lookback_days on. One row. -#}

{%- set previous_started = this if incremental_scoring() else none %}
{%- set completed_runs = model_relation('fct_scoring_runs') if incremental_scoring() else none %}
{#- an event store written before the row fingerprints existed (an upgrade): its code version
    differs anyway, so this run recomputes everything and writes them -#}
{%- set stored_columns = adapter.get_columns_in_relation(model_relation('int_events_validated'))
    if incremental_scoring() and execute else [] %}
{%- set stored_fingerprint = 'events.raw_row_fingerprint'
    if 'raw_row_fingerprint' in stored_columns | map(attribute='name') | list else 'null' %}

-- depends_on: {{ ref('stg_events__events') }}

with

{% if incremental_scoring() -%}

previous_completed as (

    select
        invocation_id,
        as_of,
        code_version
    from {{ completed_runs }}
    order by started_at desc
    limit 1

),

previous_started as (

    select invocation_id from {{ previous_started }}

),

-- the raw events older than the lookback window must be the ones stored: an event that arrives
-- later than the lookback (or one removed, re-dated or edited in the raw files: each row's
-- fingerprint is stored) would otherwise be missed, so it makes the run reload everything
history_starts as (

    select
        {{ dbt.dateadd('day', '-' ~ var('event_lookback_days'), 'as_of') }} as reloaded_from
    from previous_completed

),

raw_history as (

    select {{ fingerprint_of_rows('raw_events') }} as fingerprint
    from (
        select
            events.event_id,
            events.occurred_at,
            events.raw_row_fingerprint
        from {{ ref('stg_events__events') }} as events
        where events.occurred_at < (select reloaded_from from history_starts)
    ) as raw_events

),

stored_history as (

    select {{ fingerprint_of_rows('stored_events') }} as fingerprint
    from (
        select
            events.event_id,
            events.occurred_at,
            {{ stored_fingerprint }} as raw_row_fingerprint
        from {{ model_relation('int_events_validated') }} as events
        where events.occurred_at < (select reloaded_from from history_starts)
    ) as stored_events

),

{% endif -%}

-- the configuration as loaded: the seed tables, not only their files (in the code version), since
-- a `dbt run` after a seed file changed computes with the old tables and the next `dbt build`,
-- which loads the new ones, must then recompute again
config_loaded as (

    select config_version from {{ ref('int_scoring_config_versioned') }}

),

this_run as (

    select
        '{{ invocation_id }}' as invocation_id,
        {{ as_of_timestamp() }} as as_of,
        '{{ scoring_code_version() }}' || '/' || config_loaded.config_version as code_version
    from config_loaded

),

checked as (

    {% if incremental_scoring() -%}
        select
            this_run.*,
            'incremental' as run_mode,
            previous_completed.as_of as previous_as_of,
            case
                when previous_completed.invocation_id is null
                    then 'no completed run before'
                when previous_started.invocation_id is distinct from previous_completed.invocation_id
                    then 'the previous run did not complete'
                when previous_completed.code_version <> this_run.code_version
                    then 'the code or configuration changed since the previous run'
                when raw_history.fingerprint is distinct from stored_history.fingerprint
                    then 'raw events older than the lookback window changed'
                when this_run.as_of < previous_completed.as_of
                    then 'as_of is earlier than the previous run''s'
            end as recompute_all_reason
        from this_run
        left join previous_completed
            on true
        left join previous_started
            on true
        cross join raw_history
        cross join stored_history
    {%- else -%}
        select
            this_run.*,
            'full' as run_mode,
            cast(null as {{ dbt.type_timestamp() }}) as previous_as_of,
            'full build' as recompute_all_reason
        from this_run
    {%- endif %}

),

final as (

    select
        invocation_id,
        run_mode,
        as_of,
        previous_as_of,
        code_version,
        recompute_all_reason,
        recompute_all_reason is not null as is_recompute_all,
        -- stored events from this time on are reloaded from the raw files (null: none, a full
        -- build reads them all anyway)
        case
            when run_mode = 'full' then cast(null as {{ dbt.type_timestamp() }})
            when recompute_all_reason is not null then cast('0001-01-01' as {{ dbt.type_timestamp() }})
            else {{ dbt.dateadd('day', '-' ~ var('event_lookback_days'), 'previous_as_of') }}
        end as events_reloaded_from
    from checked

)

select * from final
