with

alert_rules as (

    select * from {{ ref('alert_rules') }}

),

final as (

    select
        lower(trim(alert_type)) as alert_type,
        sla_hours,
        lower(trim(priority)) as priority,
        trim(action) as action,
        min_increase,
        within_days
    from alert_rules

)

select * from final
