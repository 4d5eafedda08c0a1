{#- A stored event (int_events_validated row) that this incremental run replaces: it is in the
    lookback window or undated (is_in_event_reload), or its id is reloaded and has a raw copy
    outside the window (int_raw_events_reloaded holds every raw copy of a reloaded id). -#}
{% macro is_stored_event_reloaded(relation_alias) -%}
    ({{ is_in_event_reload(relation_alias ~ '.occurred_at') }}
        or {{ relation_alias }}.event_id in (
            select reloaded.event_id
            from {{ ref('int_raw_events_reloaded') }} as reloaded
            where reloaded.event_id is not null
                and not {{ is_in_event_reload('reloaded.occurred_at') }}
        ))
{%- endmacro %}
