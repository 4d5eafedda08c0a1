{{ config(materialized='view') }}

{#- Every known (non-empty) attribute value of a contact in long form: the contacts columns plus
    the accepted custom properties (one named like a contacts column is rejected in staging).
    Property rules match against this; a view, and only the columns some property rule
    reads are unpivoted. One row per contact and attribute. -#}

{#- contact_id, created_at and updated_at too: SPEC 4 lets a property rule read any contacts
    column (times read as 'YYYY-MM-DD HH:MM:SS' text) -#}
{%- set contact_columns = [
    'contact_id', 'email', 'email_domain', 'first_name', 'last_name', 'company_name',
    'company_domain', 'job_title', 'industry', 'country', 'employee_count', 'annual_revenue',
    'lead_source', 'lead_source_detail', 'contact_type', 'owner_id', 'email_opt_out',
    'created_at', 'updated_at',
] -%}

-- incremental runs recompute only the contacts of int_contacts_to_score
-- depends_on: {{ ref('int_contacts_to_score') }}

with

contacts as (

    select * from {{ ref('int_contacts_accepted') }}
    where {{ is_contact_to_score() }}

),

custom_properties as (

    select * from {{ ref('int_contact_properties_validated') }}
    where {{ is_contact_to_score() }}
        and reject_reason is null

),

column_values as (

    {% for column in contact_columns %}
        select
            contact_id,
            '{{ column }}' as attribute,
            {% if column == 'annual_revenue' -%}
                -- a decimal(18, 2): compared as the number reads, '1000000' not '1000000.00'
                case
                    when annual_revenue = round(annual_revenue, 0)
                        then cast(cast(annual_revenue as {{ dbt.type_bigint() }}) as {{ dbt.type_string() }})
                    else rtrim(cast(annual_revenue as {{ dbt.type_string() }}), '0')
                end as attribute_value
            {%- else -%}
                {{ clean_text(column) }} as attribute_value
            {%- endif %}
        from contacts
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

property_values as (

    select
        contact_id,
        property as attribute,
        value as attribute_value
    from custom_properties

),

final as (

    select
        contact_id,
        attribute,
        attribute_value,
        lower(attribute_value) as attribute_text
    from (
        select * from column_values
        union all
        select * from property_values
    ) as all_values
    where attribute_value is not null

)

select * from final
