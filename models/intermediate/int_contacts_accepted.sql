{{ config(materialized='table') }}

with

contacts as (

    select * from {{ ref('stg_crm__contacts') }}

),

final as (

    select
        contact_id,
        email,
        email_domain,
        is_email_valid,
        first_name,
        last_name,
        company_name,
        company_domain,
        name_key,
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
        created_at,
        updated_at
    from contacts
    where reject_reason is null

)

select * from final
