{#- Sales-feedback adjustments (SPEC 4): the points of every feedback given up to as_of.
    They apply to the lifecycle model only. One row per contact with feedback. -#}

with

feedback as (

    select * from {{ ref('int_sales_feedback_validated') }}
    where reject_reason is null
        and created_at <= {{ as_of_timestamp() }}

),

final as (

    select
        contact_id,
        sum(points) as adjustment_points,
        count(*) as feedback_count,
        max(created_at) as last_feedback_at
    from feedback
    group by 1

)

select * from final
