{{ config(materialized='table') }}

{#- The event ids an incremental run reloads from the raw files: those with a copy in the lookback
    window or without a usable timestamp (int_scoring_run.events_reloaded_from), and those carrying
    the identity (contact id, email, name + company) of a contact that changed, as they may now
    resolve to another contact. Empty in a full build, which loads every event. One scan of the raw
    ids: whether a copy of an id lies outside the window is read from int_raw_events_reloaded,
    which holds every copy (macro is_stored_event_reloaded). One row per event id. -#}

-- depends_on: {{ ref('int_scoring_run') }}
-- depends_on: {{ ref('stg_events__events') }}

with

changed_identities as (

    select * from {{ ref('int_contact_identities_changed') }}

),

final as (

    {% if recomputes_changes_only() -%}
        select distinct events.event_id
        from {{ ref('stg_events__events') }} as events
        where events.event_id is not null
            and (
                {{ is_in_event_reload('events.occurred_at') }}
                or events.contact_id_raw in (select contact_id from changed_identities)
                or events.email in (select email from changed_identities)
                or events.name_key in (select name_key from changed_identities)
            )
    {%- else -%}
        select cast(null as {{ dbt.type_string() }}) as event_id
        from changed_identities
        where false
    {%- endif %}

)

select * from final
