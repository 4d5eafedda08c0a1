with

deals as (

    select * from {{ ref('stg_crm__deals') }}

),

contacts as (

    select contact_id from {{ ref('int_contacts_accepted') }}

),

classified as (

    select
        deals.*,
        coalesce(
            deals.row_problem,
            case when contacts.contact_id is null then 'unmatched_contact: contact_id' end
        ) as problem
    from deals
    left join contacts
        on deals.contact_id = contacts.contact_id

),

-- the kept copy of a duplicated id: a fully valid row first, then the latest state of the deal
deduplicated as (

    select
        *,
        row_number() over (
            partition by deal_id
            order by
                case when problem is null then 0 else 1 end,
                closed_at desc nulls last,
                created_at desc nulls last,
                stage asc,
                amount asc,
                contact_id asc,
                -- then every other column, so the copy kept never depends on the order of reading
                amount_raw asc,
                created_at_raw asc,
                closed_at_raw asc
        ) as copy_number
    from classified

),

final as (

    select
        deal_id,
        contact_id,
        stage,
        amount_raw,
        amount,
        created_at_raw,
        created_at,
        closed_at_raw,
        closed_at,
        case
            when problem is not null then problem
            when deal_id is not null and copy_number > 1 then 'duplicate_id: deal_id'
        end as reject_reason
    from deduplicated

)

select * from final
