with

scoring_groups as (

    select * from {{ ref('scoring_groups') }}

),

final as (

    select
        trim(model_id) as model_id,
        trim(group_id) as group_id,
        lower(trim(score_type)) as score_type,
        max_points,
        decay_percent,
        decay_period_days
    from scoring_groups

)

select * from final
