with

event_types as (

    select * from {{ ref('event_types') }}

),

final as (

    select
        lower(trim(event_type)) as event_type,
        lower(trim(channel)) as channel,
        coalesce(is_activity, false) as is_activity,
        coalesce(is_conversion, false) as is_conversion,
        description
    from event_types

)

select * from final
