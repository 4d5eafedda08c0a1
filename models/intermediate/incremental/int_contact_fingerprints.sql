{{ config(materialized='table') }}

{#- What a contact's scores depend on besides its events and the configuration: its contact row,
    custom properties, sales feedback and deals, as one fingerprint; with the identity events are
    resolved by (int_events_resolved). int_contacts_to_score compares it with the previous run's
    (int_contact_fingerprints_seen). One row per accepted contact. -#}

with

{#- every column but contact_number: a full refresh numbers the contacts anew -#}
{%- set contact_columns = [] %}
{%- if execute %}
    {%- for column in adapter.get_columns_in_relation(ref('int_contacts_accepted')) %}
        {%- if column.name != 'contact_number' %}
            {%- do contact_columns.append(adapter.quote(column.name)) %}
        {%- endif %}
    {%- endfor %}
{%- endif %}

contacts as (

    select {{ contact_columns | join(', ') if contact_columns else '*' }}
    from {{ ref('int_contacts_accepted') }}

),

contact_rows as (

    select
        contacts.contact_id,
        {{ fingerprint_of_rows('contacts') }} as fingerprint
    from contacts
    group by 1

),

{#- the accepted rows of each contact-level input, one fingerprint per contact -#}
{%- set contact_inputs = {
    'properties': 'int_contact_properties_validated',
    'feedback': 'int_sales_feedback_validated',
    'deals': 'int_deals_validated',
} %}
{%- for input_name, model_name in contact_inputs.items() %}

{{ input_name }} as (

    select
        {{ input_name }}.contact_id,
        {{ fingerprint_of_rows(input_name) }} as fingerprint
    from {{ ref(model_name) }} as {{ input_name }}
    where {{ input_name }}.reject_reason is null
    group by 1

),
{%- endfor %}

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
