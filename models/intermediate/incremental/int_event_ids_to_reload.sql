{{ config(materialized='table') }}

{#- The event ids an incremental run reloads from the raw files: those with a copy in the lookback
    window or without a usable timestamp (int_scoring_run.events_reloaded_from), and those carrying
    the identity (contact id, email, name + company) of a contact that changed, as they may now
    resolve to another contact. Empty in a full build, which loads every event.
    One row per event id, with whether a raw copy of it lies outside the window. -#}

-- depends_on: {{ ref('int_scoring_run') }}
-- depends_on: {{ ref('stg_events__events') }}

with

changed_identities as (

    select * from {{ ref('int_contact_identities_changed') }}

),

final as (

    {% if incremental_scoring() -%}
        select
            events.event_id,
            -- every copy counts, also those outside the window: a stored copy outside it is
            -- found by its id (macro is_stored_event_reloaded)
            {{ dbt.bool_or('not ' ~ is_in_event_reload('events.occurred_at')) }} as has_copy_outside_window
        from {{ ref('stg_events__events') }} as events
        where events.event_id in (
            select reloaded.event_id
            from {{ ref('stg_events__events') }} as reloaded
            where {{ is_in_event_reload('reloaded.occurred_at') }}
                or reloaded.contact_id_raw in (select contact_id from changed_identities)
                or reloaded.email in (select email from changed_identities)
                or reloaded.name_key in (select name_key from changed_identities)
        )
        group by 1
    {%- else -%}
        select
            cast(null as {{ dbt.type_string() }}) as event_id,
            false as has_copy_outside_window
        from changed_identities
        where false
    {%- endif %}

)

select * from final
