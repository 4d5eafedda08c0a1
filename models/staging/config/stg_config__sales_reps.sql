with

sales_reps as (

    select * from {{ ref('sales_reps') }}

),

final as (

    select
        trim(rep_id) as rep_id,
        coalesce(is_active, false) as is_active
    from sales_reps

)

select * from final
