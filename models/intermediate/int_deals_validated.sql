with

deals as (

    select * from {{ ref('stg_crm__deals') }}

),

contacts as (

    select contact_id from {{ ref('int_contacts_accepted') }}

),

final as (

    select
        deals.deal_id,
        deals.contact_id,
        deals.stage,
        deals.amount_raw,
        deals.amount,
        deals.created_at_raw,
        deals.created_at,
        deals.closed_at_raw,
        deals.closed_at,
        coalesce(
            deals.reject_reason,
            case when contacts.contact_id is null then 'unmatched_contact: contact_id' end
        ) as reject_reason
    from deals
    left join contacts
        on deals.contact_id = contacts.contact_id

)

select * from final
