with

properties as (

    select * from {{ ref('stg_crm__contact_properties') }}

),

contacts as (

    select contact_id from {{ ref('int_contacts_accepted') }}

),

final as (

    select
        properties.contact_id,
        properties.property,
        properties.value,
        properties.updated_at_raw,
        properties.updated_at,
        coalesce(
            properties.reject_reason,
            case when contacts.contact_id is null then 'unmatched_contact: contact_id' end
        ) as reject_reason
    from properties
    left join contacts
        on properties.contact_id = contacts.contact_id

)

select * from final
