{{ config(materialized='table') }}

{#- What a contact's scores depend on besides its events and the configuration: its contact row,
    custom properties, sales feedback and deals, as one fingerprint; with the identity events are
    resolved by (int_events_resolved). int_contacts_to_score compares it with the previous run's
    (int_contact_fingerprints_seen). One row per accepted contact. -#}

with

contacts as (

    select * exclude (contact_number) from {{ ref('int_contacts_accepted') }}

),

contact_rows as (

    select
        contacts.contact_id,
        {{ fingerprint_of_rows('contacts') }} as fingerprint
    from contacts
    group by 1

),

properties as (

    select
        properties.contact_id,
        {{ fingerprint_of_rows('properties') }} as fingerprint
    from {{ ref('int_contact_properties_validated') }} as properties
    where properties.reject_reason is null
    group by 1

),

feedback as (

    select
        feedback.contact_id,
        {{ fingerprint_of_rows('feedback') }} as fingerprint
    from {{ ref('int_sales_feedback_validated') }} as feedback
    where feedback.reject_reason is null
    group by 1

),

deals as (

    select
        deals.contact_id,
        {{ fingerprint_of_rows('deals') }} as fingerprint
    from {{ ref('int_deals_validated') }} as deals
    where deals.reject_reason is null
    group by 1

),

final as (

    select
        contacts.contact_id,
        contacts.email,
        contacts.name_key,
        contacts.created_at,
        {{ dbt.hash(dbt.concat([
            "contact_rows.fingerprint",
            "'|'", "coalesce(properties.fingerprint, '')",
            "'|'", "coalesce(feedback.fingerprint, '')",
            "'|'", "coalesce(deals.fingerprint, '')",
        ])) }} as fingerprint
    from contacts
    inner join contact_rows
        on contacts.contact_id = contact_rows.contact_id
    left join properties
        on contacts.contact_id = properties.contact_id
    left join feedback
        on contacts.contact_id = feedback.contact_id
    left join deals
        on contacts.contact_id = deals.contact_id

)

select * from final
