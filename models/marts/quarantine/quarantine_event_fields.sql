{#- Field-level problems of accepted events: the event is kept and scored, the bad value is not
    used. A properties text that is not a JSON object reads as unknown to every properties.<key>
    filter. -#}

with

accepted_events as (

    select * from {{ ref('int_events_validated') }}
    where reject_reason is null
        and properties is not null

),

final as (

    select
        event_id,
        contact_id,
        event_type,
        occurred_at,
        'properties' as field,
        properties as raw_value,
        'invalid_json: properties (not a JSON object)' as reject_reason
    from accepted_events
    where not {{ is_json_object('properties') }}

)

select * from final
