with

scoring_inactivity as (

    select * from {{ ref('scoring_inactivity') }}

),

final as (

    select
        trim(model_id) as model_id,
        days_inactive,
        penalty_points,
        coalesce(resets_engagement, false) as resets_engagement
    from scoring_inactivity

)

select * from final
