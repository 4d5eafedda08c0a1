{#- A stored event (int_events_validated row) that this incremental run replaces: it is in the
    lookback window or undated (is_in_event_reload), or its id is reloaded and has a copy outside
    the window (int_event_ids_to_reload). -#}
{% macro is_stored_event_reloaded(relation_alias) -%}
    ({{ is_in_event_reload(relation_alias ~ '.occurred_at') }}
        or {{ relation_alias }}.event_id in (
            select event_id from {{ ref('int_event_ids_to_reload') }} where has_copy_outside_window
        ))
{%- endmacro %}
