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
        coalesce(is_lifecycle_model, false) as is_lifecycle_model,
        -- 0, 1, 2 ... in model_id order, and how many: window models partition by one integer per
        -- contact and model (score_key = contact_number * model_count + model_number)
        row_number() over (order by trim(model_id)) - 1 as model_number,
        count(*) over () as model_count
    from scoring_models

)

select * from final
