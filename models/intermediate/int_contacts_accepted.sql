{{ config(materialized='table') }}

with

contacts as (

    select * from {{ ref('stg_crm__contacts') }}

),

contact_numbers as (

    select * from {{ ref('int_contact_numbers') }}

),

final as (

    select
        contacts.contact_id,
        -- a number per contact, stable across incremental runs: window models partition by one
        -- integer key built from it, which sorts much faster than (model_id, contact_id) strings
        contact_numbers.contact_number,
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
        -- excluded contacts are scored but never become mql or sql by score (SPEC 5)
        contact_type <> 'prospect' or email_opt_out as is_excluded,
        case
            when contact_type <> 'prospect' then 'contact_type: ' || contact_type
            when email_opt_out then 'email_opt_out'
        end as exclusion_reason,
        created_at,
        updated_at
    from contacts
    inner join contact_numbers
        on contacts.contact_id = contact_numbers.contact_id
    where contacts.reject_reason is null

)

select * from final
