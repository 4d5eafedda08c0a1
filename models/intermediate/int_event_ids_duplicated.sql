{#- Event ids that occur more than once in the raw events (reads only the id column). One row
    per duplicated event id. -#}

-- depends_on: {{ ref('int_event_ids_to_reload') }}

with

events as (

    select event_id from {{ ref('stg_events__events') }}
    {%- if incremental_scoring() %}
    -- an incremental run loads only these ids, every copy of them
    where event_id in (select event_id from {{ ref('int_event_ids_to_reload') }})
    {%- endif %}

),

final as (

    select event_id
    from events
    where event_id is not null
    group by 1
    having count(*) > 1

)

select * from final
