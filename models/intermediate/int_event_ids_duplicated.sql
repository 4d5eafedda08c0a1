{#- Event ids that occur more than once in the raw events (reads only the id column). One row
    per duplicated event id. -#}

-- depends_on: {{ ref('int_raw_events_reloaded') }}

with

events as (

    {%- if recomputes_changes_only() %}
        -- an incremental run loads only the reloaded ids, every copy of them
        select event_id from {{ ref('int_raw_events_reloaded') }}
    {%- else %}
        select event_id from {{ ref('stg_events__events') }}
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
