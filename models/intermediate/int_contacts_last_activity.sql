{{ config(
    materialized='incremental',
    incremental_strategy='replace_contacts',
    on_schema_change='fail',
) }}

{#- The latest is_activity event of each contact at as_of (opens, visits, clicks, replies; not
    sends). One row per contact with at least one activity. -#}

-- incremental runs recompute only the contacts of int_contacts_to_score
-- depends_on: {{ ref('int_contacts_to_score') }}

with

events as (

    select * from {{ ref('int_events_validated') }}
    where {{ is_contact_to_score('contact_number', 'contact_number') }}
        and reject_reason is null
        and is_activity
        and occurred_at <= {{ as_of_timestamp() }}

),

final as (

    select
        contact_id,
        max(occurred_at) as last_activity_at
    from events
    group by 1

)

select * from final
