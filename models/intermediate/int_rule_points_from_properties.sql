{{ config(
    materialized='incremental',
    incremental_strategy='replace_contacts',
    on_schema_change='fail',
) }}

{#- Property rules (SPEC 4): a contact whose attribute satisfies the rule's operator/value earns
    the rule's points once. An unknown (null/empty) attribute matches only is_not_set.
    One row per model, contact and matched property rule. -#}

-- incremental runs recompute only the contacts of int_contacts_to_score
-- depends_on: {{ ref('int_contacts_to_score') }}

with

rules as (

    select * from {{ ref('stg_config__scoring_rules') }}
    where kind = 'property'

),

attributes as (

    select * from {{ ref('int_contact_attributes_unpivoted') }}

),

contacts as (

    select contact_id from {{ ref('int_contacts_accepted') }}
    where {{ is_contact_to_score() }}
        and created_at <= {{ as_of_timestamp() }}

),

matched_known_values as (

    select
        rules.model_id,
        attributes.contact_id,
        rules.rule_id,
        attributes.attribute_value
    from rules
    inner join attributes
        on rules.field = attributes.attribute
    inner join contacts
        on attributes.contact_id = contacts.contact_id
    where rules.operator <> 'is_not_set'
        and {{ rule_condition_holds(
            'rules.operator', 'attributes.attribute_text', try_cast('attributes.attribute_value', 'decimal(38, 18)'),
            'rules.value_text', 'rules.value_number', 'rules.value_low', 'rules.value_high'
        ) }}

),

matched_unknown_values as (

    select
        rules.model_id,
        contacts.contact_id,
        rules.rule_id,
        cast(null as {{ dbt.type_string() }}) as attribute_value
    from rules
    cross join contacts
    left join attributes
        on contacts.contact_id = attributes.contact_id
        and rules.field = attributes.attribute
    where rules.operator = 'is_not_set'
        and attributes.contact_id is null

),

final as (

    select
        matched.model_id,
        matched.contact_id,
        matched.rule_id,
        matched.attribute_value
    from matched_known_values as matched

    union all

    select
        matched.model_id,
        matched.contact_id,
        matched.rule_id,
        matched.attribute_value
    from matched_unknown_values as matched

)

select * from final
