-- How are scores spread per model and grade? A first look before tuning thresholds.

with

scores as (

    select * from {{ ref('fct_lead_scores') }}

),

final as (

    select
        model_id,
        grade,
        count(*) as contacts,
        min(total_score) as min_score,
        percentile_cont(0.5) within group (order by total_score) as median_score,
        max(total_score) as max_score
    from scores
    group by 1, 2

)

select * from final
order by 1, 2
