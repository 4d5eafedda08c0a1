{{ config(materialized='table') }}

{#- Contacts whose identity changed since the previous run (new, removed, or another email, name +
    company or created_at), with their old and new identity: the stored events carrying one of
    these keys are resolved again (int_events_to_load), since they may now belong to another
    contact. Empty in a full build. One row per contact and identity (old, new). -#}

with

{% if incremental_scoring() -%}

current_identities as (

    select
        contact_id,
        email,
        name_key,
        created_at
    from {{ ref('int_contact_fingerprints') }}

),

previous_identities as (

    select
        contact_id,
        email,
        name_key,
        created_at
    from {{ model_relation('int_contact_fingerprints_seen') }}

),

identities_changed as (

    select * from (
        select * from current_identities
        except
        select * from previous_identities
    ) as appeared

    union

    select * from (
        select * from previous_identities
        except
        select * from current_identities
    ) as disappeared

),

{% endif -%}

final as (

    {% if incremental_scoring() -%}
        select * from identities_changed
    {%- else -%}
        select
            contact_id,
            email,
            name_key,
            created_at
        from {{ ref('int_contact_fingerprints') }}
        where false
    {%- endif %}

)

select * from final
