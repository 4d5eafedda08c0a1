with

score_grades as (

    select * from {{ ref('score_grades') }}

),

final as (

    select
        trim(model_id) as model_id,
        lower(trim(dimension)) as dimension,
        trim(band) as band,
        min_points
    from score_grades

)

select * from final
