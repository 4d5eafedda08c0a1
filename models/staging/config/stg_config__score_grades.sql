with

score_grades as (

    select * from {{ ref('score_grades') }}

),

renamed as (

    select
        trim(model_id) as model_id,
        lower(trim(dimension)) as dimension,
        trim(band) as band,
        min_points
    from score_grades

),

-- each band covers [its min_points, the next band's min_points); the lowest band is the floor,
-- so a score below every min_points still gets the lowest band
final as (

    select
        model_id,
        dimension,
        band,
        min_points,
        case
            when min_points = min(min_points) over (partition by model_id, dimension) then null
            else min_points
        end as lower_bound,
        lead(min_points) over (partition by model_id, dimension order by min_points) as upper_bound
    from renamed

)

select * from final
