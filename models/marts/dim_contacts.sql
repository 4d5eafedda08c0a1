with

contacts as (

    select * from {{ ref('int_contacts_accepted') }}

),

final as (

    select
        contact_id,
        email,
        email_domain,
        first_name,
        last_name,
        company_name,
        company_domain,
        job_title,
        industry,
        country,
        employee_count,
        annual_revenue,
        lead_source,
        lead_source_detail,
        contact_type,
        owner_id,
        email_opt_out,
        is_excluded,
        exclusion_reason,
        created_at,
        updated_at
    from contacts
    where created_at <= {{ as_of_timestamp() }}

)

select * from final
