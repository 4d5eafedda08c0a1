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

{#- the accepted rows of each contact-level input, one fingerprint per contact and input -#}
{%- set contact_inputs = {
    'properties': 'int_contact_properties_validated',
    'feedback': 'int_sales_feedback_validated',
    'deals': 'int_deals_validated',
} %}

input_fingerprints as (

    {%- for input_name, model_name in contact_inputs.items() %}

        select
            '{{ input_name }}' as input_name,
            {{ input_name }}.contact_id,
            {{ fingerprint_of_rows(input_name) }} as fingerprint
        from {{ ref(model_name) }} as {{ input_name }}
        where {{ input_name }}.reject_reason is null
        group by 1, 2
        {%- if not loop.last %}

            union all
        {%- endif %}
    {%- endfor %}

),

inputs_by_contact as (

    select
        contact_id,
        {{ dbt.listagg("input_name || ':' || fingerprint", "'|'", "order by input_name") }} as fingerprint
    from input_fingerprints
    group by 1

),

final as (

    select
        contacts.contact_id,
        contacts.email,
        contacts.name_key,
        contacts.created_at,
        {{ dbt.hash(dbt.concat([
            "contact_rows.fingerprint", "'|'", "coalesce(inputs_by_contact.fingerprint, '')",
        ])) }} as fingerprint
    from contacts
    inner join contact_rows
        on contacts.contact_id = contact_rows.contact_id
    left join inputs_by_contact
        on contacts.contact_id = inputs_by_contact.contact_id

)

select * from final
