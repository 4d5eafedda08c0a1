{#- A table, unlike the other staging models: four models read it (accepted contacts, their
    numbers, both contact quarantines), and as a view each read would rank the copies of every
    contact id again (a window over all raw contacts: 3-4 CPU s per read at 1M contacts). -#}
{{ config(materialized='table') }}

with

source as (

    select * from {{ source('crm', 'contacts') }}

),

typed as (

    select
        {{ clean_text('contact_id') }} as contact_id,
        {{ clean_text('email') }} as email_raw,
        {{ normalize_text('email') }} as email_normalized_candidate,
        {{ clean_text('first_name') }} as first_name,
        {{ clean_text('last_name') }} as last_name,
        {{ clean_text('company_name') }} as company_name,
        {{ normalize_text('company_domain') }} as company_domain,
        {{ clean_text('job_title') }} as job_title,
        {{ clean_text('industry') }} as industry,
        {{ clean_text('country') }} as country,
        {{ clean_text('employee_count') }} as employee_count_raw,
        -- a count is a whole number: '200.0' reads as 200, '200.7' is invalid (a cast to an
        -- integer would round it); a double keeps '200.0000001' from rounding to a whole number
        {{ try_cast(clean_text('employee_count'), 'double') }} as employee_count_number,
        {{ clean_text('annual_revenue') }} as annual_revenue_raw,
        {{ try_cast(clean_text('annual_revenue'), 'decimal(18, 2)') }} as annual_revenue_parsed,
        {{ normalize_text('lead_source') }} as lead_source,
        {{ clean_text('lead_source_detail') }} as lead_source_detail,
        {{ normalize_text('contact_type') }} as contact_type_raw,
        {{ clean_text('owner_id') }} as owner_id,
        {{ normalize_text('email_opt_out') }} as email_opt_out_raw,
        {{ clean_text('created_at') }} as created_at_raw,
        {{ parse_utc_timestamp(clean_text('created_at')) }} as created_at,
        {{ clean_text('updated_at') }} as updated_at_raw,
        {{ parse_utc_timestamp(clean_text('updated_at')) }} as updated_at_parsed
    from source

),

classified as (

    select
        *,
        {{ is_valid_email('email_normalized_candidate') }} as is_email_valid,
        case
            when contact_id is null then 'missing_required_value: contact_id'
            when created_at_raw is null then 'missing_required_value: created_at'
            when created_at is null then 'unparseable_timestamp: created_at'
            when created_at > {{ dbt.dateadd('day', 1, load_timestamp()) }}
                then 'future_timestamp: created_at'
        end as row_problem,
        -- a bad updated_at is a field-level problem (quarantine_contact_fields): the contact is
        -- kept and the value not used, so a far-future one cannot win every duplicate tie
        case
            when updated_at_parsed <= {{ dbt.dateadd('day', 1, load_timestamp()) }} then updated_at_parsed
        end as updated_at,
        case
            when updated_at_raw is not null and updated_at_parsed is null
                then 'unparseable_timestamp: updated_at'
            when updated_at_parsed > {{ dbt.dateadd('day', 1, load_timestamp()) }}
                then 'future_timestamp: updated_at'
        end as updated_at_problem
    from typed

),

deduplicated as (

    select
        *,
        -- the kept copy of a duplicated id: a valid row first, then the most recently updated
        row_number() over (
            partition by contact_id
            order by
                case when row_problem is null then 0 else 1 end,
                updated_at desc nulls last,
                created_at desc nulls last,
                -- then every other column, so the copy kept never depends on the order of reading
                email_raw asc, first_name asc, last_name asc, company_name asc, job_title asc,
                company_domain asc, industry asc, country asc, employee_count_raw asc,
                annual_revenue_raw asc, lead_source asc, lead_source_detail asc,
                contact_type_raw asc, owner_id asc, email_opt_out_raw asc, created_at_raw asc,
                updated_at_raw asc
        ) as copy_number
    from classified

),

final as (

    select
        contact_id,
        email_raw,
        case when is_email_valid then email_normalized_candidate end as email,
        case when is_email_valid then {{ dbt.split_part('email_normalized_candidate', "'@'", 2) }} end
            as email_domain,
        coalesce(is_email_valid, false) as is_email_valid,
        first_name,
        last_name,
        company_name,
        company_domain,
        -- the name key of identity resolution: first + last + company, all normalised
        case
            when first_name is not null and last_name is not null and company_name is not null
                then lower(first_name) || '|' || lower(last_name) || '|' || lower(company_name)
        end as name_key,
        job_title,
        industry,
        country,
        employee_count_raw,
        case
            when employee_count_number >= 0 and employee_count_number = floor(employee_count_number)
                then {{ try_cast('employee_count_number', 'bigint') }}
        end as employee_count,
        annual_revenue_raw,
        case when annual_revenue_parsed >= 0 then annual_revenue_parsed end as annual_revenue,
        lead_source,
        lead_source_detail,
        contact_type_raw,
        case
            when contact_type_raw is null then 'prospect'
            when contact_type_raw in ('prospect', 'employee', 'partner', 'competitor', 'vendor')
                then contact_type_raw
            else 'prospect'
        end as contact_type,
        owner_id,
        email_opt_out_raw,
        coalesce(email_opt_out_raw in ('true', 't', 'yes', 'y', '1'), false) as email_opt_out,
        created_at_raw,
        created_at,
        updated_at_raw,
        updated_at,
        updated_at_problem,
        case
            when row_problem is not null then row_problem
            when copy_number > 1 then 'duplicate_id: contact_id'
        end as reject_reason
    from deduplicated

)

select * from final
