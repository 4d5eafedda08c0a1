{#- a custom property named like a contacts column (or email_domain, derived from email) would be
    shadowed by that column: rejected with the reason instead of being ignored unseen -#}
{%- set contacts = raw_table_columns()['contacts'] -%}
{%- set contact_attributes = contacts['required'] + contacts['optional'] + ['email_domain'] -%}

with

source as (

    select * from {{ source('crm', 'contact_properties') }}

),

typed as (

    select
        {{ clean_text('contact_id') }} as contact_id,
        {{ normalize_text('property') }} as property,
        {{ clean_text('value') }} as value,
        {{ clean_text('updated_at') }} as updated_at_raw,
        {{ parse_utc_timestamp(clean_text('updated_at')) }} as updated_at
    from source

),

classified as (

    select
        *,
        case
            when contact_id is null then 'missing_required_value: contact_id'
            when property is null then 'missing_required_value: property'
            when property in ('{{ contact_attributes | join("', '") }}')  -- noqa: LT05
                then 'reserved_property: property (a contacts column; give the value there)'
            when updated_at_raw is not null and updated_at is null
                then 'unparseable_timestamp: updated_at'
            when updated_at > {{ dbt.dateadd('day', 1, load_timestamp()) }}
                then 'future_timestamp: updated_at'
        end as row_problem
    from typed

),

final as (

    select
        contact_id,
        property,
        value,
        updated_at_raw,
        updated_at,
        row_problem
    from classified

)

select * from final
