with

properties as (

    select * from {{ ref('stg_crm__contact_properties') }}

),

contacts as (

    select contact_id from {{ ref('int_contacts_accepted') }}

),

classified as (

    select
        properties.*,
        coalesce(
            properties.row_problem,
            case when contacts.contact_id is null then 'unmatched_contact: contact_id' end
        ) as problem
    from properties
    left join contacts
        on properties.contact_id = contacts.contact_id

),

-- one current value per contact and property: the most recently updated valid one
deduplicated as (

    select
        *,
        row_number() over (
            partition by contact_id, property
            order by
                case when problem is null then 0 else 1 end,
                updated_at desc nulls last,
                value asc,
                -- the same time written two ways: the kept copy never depends on the read order
                updated_at_raw asc
        ) as copy_number
    from classified

),

final as (

    select
        contact_id,
        property,
        value,
        updated_at_raw,
        updated_at,
        case
            when problem is not null then problem
            when copy_number > 1 then 'duplicate_id: contact_id + property (an older value)'
        end as reject_reason
    from deduplicated

)

select * from final
