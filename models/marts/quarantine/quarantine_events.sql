{{ config(materialized='incremental', incremental_strategy='replace_event_window') }}

{#- Rejected raw events rows with the reason, for a data steward to fix at the source: the rows of
    the event store with a reject_reason, kept in step with it. An incremental run replaces the
    rows of the events the store reloaded (strategy replace_event_window, the store's delete) with
    the store's new rows of those events, instead of rewriting every rejected row (1.8M at 1M
    contacts). -#}

-- depends_on: {{ ref('int_raw_events_reloaded') }}
-- depends_on: {{ ref('int_scoring_run') }}

with

validated as (

    select stored_events.*
    from {{ ref('int_events_validated') }} as stored_events
    where stored_events.reject_reason is not null
    {%- if recomputes_changes_only() %}
        -- the store's rows of what it reloaded: exactly the rows this run loaded
        and {{ is_stored_event_reloaded('stored_events') }}
    {%- endif %}

),

final as (

    select
        event_id,
        contact_id,
        match_method,
        event_type,
        channel,
        is_activity,
        is_conversion,
        occurred_at,
        url,
        form_id,
        campaign_id,
        content_id,
        source_system,
        properties,
        {%- for column in rejected_event_raw_columns() %}
            {{ json_text_value('rejected_row_values', "'" ~ column ~ "'") }} as {{ column }},
        {%- endfor %}
        reject_reason
    from validated

)

select * from final
