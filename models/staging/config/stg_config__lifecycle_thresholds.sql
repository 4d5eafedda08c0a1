with

lifecycle_thresholds as (

    select * from {{ ref('lifecycle_thresholds') }}

),

final as (

    select
        trim(model_id) as model_id,
        lower(trim(stage)) as stage,
        min_score,
        nullif(trim(required_rule_id), '') as required_rule_id
    from lifecycle_thresholds

)

select * from final
