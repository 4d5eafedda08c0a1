with

sales_feedback_actions as (

    select * from {{ ref('sales_feedback_actions') }}

),

final as (

    select
        lower(trim(feedback)) as feedback,
        coalesce(points, 0) as points,
        lower(trim(to_stage)) as to_stage,
        coalesce(blocks_requalification, false) as blocks_requalification
    from sales_feedback_actions

)

select * from final
