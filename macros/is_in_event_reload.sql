{#- Stored events the run reloads from the raw files whatever their id: those of the lookback
    window (occurred_at from the previous run's as_of minus var event_lookback_days on, future ones
    included) and those without a usable timestamp. -#}
{% macro is_in_event_reload(occurred_at_column='occurred_at') -%}
    ({{ occurred_at_column }} is null
        or {{ occurred_at_column }} >= (select events_reloaded_from from {{ ref('int_scoring_run') }}))
{%- endmacro %}
