{{ config(materialized='table') }}

{#- The stored events an incremental run replaces, as the previous run left them: those of the
    reloaded ids, and the undated ones or those of the lookback window (which may be gone from
    the raw files). int_contacts_to_score compares them with what replaced them. Empty in a full
    build. One row per stored event row replaced. -#}

-- depends_on: {{ ref('int_scoring_run') }}
-- depends_on: {{ ref('int_event_ids_to_reload') }}
-- depends_on: {{ ref('int_raw_events_reloaded') }}

with

final as (

    {% if recomputes_changes_only() -%}
        select stored_events.*
        from {{ model_relation('int_events_validated') }} as stored_events
        where {{ is_stored_event_reloaded('stored_events') }}
    {%- else -%}
        select *
        from {{ ref('int_events_to_load') }}
        where false
    {%- endif %}

)

select * from final
