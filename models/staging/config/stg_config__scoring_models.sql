with

scoring_models as (

    select * from {{ ref('scoring_models') }}

),

final as (

    select
        trim(model_id) as model_id,
        description,
        min_score,
        max_score,
        coalesce(is_lifecycle_model, false) as is_lifecycle_model
    from scoring_models

)

select * from final
