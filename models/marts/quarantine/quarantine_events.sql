{#- Rejected raw events rows with the reason, for a data steward to fix at the source. -#}

with

validated as (

    select * from {{ ref('int_events_validated') }}

),

final as (

    select
        event_id,
        contact_id,
        match_method,
        event_type,
        channel,
        is_activity,
        is_conversion,
        occurred_at,
        url,
        form_id,
        campaign_id,
        content_id,
        source_system,
        properties,
        {%- for column in rejected_event_raw_columns() %}
            {{ json_text_value('rejected_row_values', "'" ~ column ~ "'") }} as {{ column }},
        {%- endfor %}
        reject_reason
    from validated
    where reject_reason is not null

)

select * from final
