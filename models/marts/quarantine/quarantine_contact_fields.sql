{#- Field-level problems of accepted contacts: the row is kept, the bad value is not used. -#}

with

contacts as (

    select * from {{ ref('stg_crm__contacts') }}
    where reject_reason is null

),

field_problems as (

    select
        contact_id,
        'email' as field,
        email_raw as raw_value,
        'invalid_email: email' as reject_reason
    from contacts
    where email_raw is not null and not is_email_valid

    union all

    select
        contact_id,
        'employee_count' as field,
        employee_count_raw as raw_value,
        case
            when {{ try_cast('employee_count_raw', 'decimal(38, 6)') }} < 0 then 'negative_count: employee_count'
            else 'invalid_value: employee_count'
        end as reject_reason
    from contacts
    where employee_count_raw is not null and employee_count is null

    union all

    select
        contact_id,
        'annual_revenue' as field,
        annual_revenue_raw as raw_value,
        case
            when {{ try_cast('annual_revenue_raw', 'decimal(38, 6)') }} < 0 then 'negative_amount: annual_revenue'
            else 'invalid_value: annual_revenue'
        end as reject_reason
    from contacts
    where annual_revenue_raw is not null and annual_revenue is null

    union all

    select
        contact_id,
        'contact_type' as field,
        contact_type_raw as raw_value,
        'invalid_value: contact_type (read as prospect)' as reject_reason
    from contacts
    where contact_type_raw is not null and contact_type_raw <> contact_type

    union all

    select
        contact_id,
        'updated_at' as field,
        updated_at_raw as raw_value,
        updated_at_problem as reject_reason
    from contacts
    where updated_at_problem is not null

),

final as (

    select * from field_problems

)

select * from final
