with

feedback as (

    select * from {{ ref('stg_crm__sales_feedback') }}

),

contacts as (

    select contact_id from {{ ref('int_contacts_accepted') }}

),

actions as (

    select * from {{ ref('stg_config__sales_feedback_actions') }}

),

classified as (

    select
        feedback.*,
        actions.points,
        coalesce(
            feedback.row_problem,
            case
                when actions.feedback is null then 'unknown_value: feedback'
                when contacts.contact_id is null then 'unmatched_contact: contact_id'
            end
        ) as problem
    from feedback
    left join actions
        on feedback.feedback = actions.feedback
    left join contacts
        on feedback.contact_id = contacts.contact_id

),

-- the kept copy of a duplicated id: a fully valid row first, then the latest
deduplicated as (

    select
        *,
        row_number() over (
            partition by feedback_id
            order by
                case when problem is null then 0 else 1 end,
                created_at desc nulls last,
                feedback asc,
                contact_id asc,
                -- then every other column, so the copy kept never depends on the order of reading
                reason asc,
                rep_id asc,
                created_at_raw asc
        ) as copy_number
    from classified

),

final as (

    select
        feedback_id,
        contact_id,
        feedback,
        reason,
        rep_id,
        created_at_raw,
        created_at,
        points,
        case
            when problem is not null then problem
            when feedback_id is not null and copy_number > 1 then 'duplicate_id: feedback_id'
        end as reject_reason
    from deduplicated

)

select * from final
