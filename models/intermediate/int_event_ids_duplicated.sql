{#- Event ids that occur more than once in the raw events (reads only the id column). One row
    per duplicated event id. -#}

with

events as (

    select event_id from {{ ref('stg_events__events') }}

),

final as (

    select event_id
    from events
    where event_id is not null
    group by 1
    having count(*) > 1

)

select * from final
