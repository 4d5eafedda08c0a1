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

final as (

    select
        feedback.feedback_id,
        feedback.contact_id,
        feedback.feedback,
        feedback.reason,
        feedback.rep_id,
        feedback.created_at_raw,
        feedback.created_at,
        actions.points,
        coalesce(
            feedback.reject_reason,
            case
                when actions.feedback is null then 'unknown_value: feedback'
                when contacts.contact_id is null then 'unmatched_contact: contact_id'
            end
        ) as reject_reason
    from feedback
    left join actions
        on feedback.feedback = actions.feedback
    left join contacts
        on feedback.contact_id = contacts.contact_id

)

select * from final
