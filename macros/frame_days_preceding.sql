{#- A window frame of the rows whose order timestamp lies within `days_expression` days before
    the current row's (inclusive), where days_expression may be a column (data, not a constant). -#}
{% macro frame_days_preceding(days_expression) %}
    {{ return(adapter.dispatch('frame_days_preceding', 'lead_scoring')(days_expression)) }}
{% endmacro %}

{% macro default__frame_days_preceding(days_expression) %}
    {{ exceptions.raise_compiler_error(
        "frame_days_preceding: this engine needs an implementation of a RANGE frame with a per-row "
        ~ "offset (DuckDB has one); add a <adapter>__frame_days_preceding macro.") }}
{% endmacro %}

{% macro duckdb__frame_days_preceding(days_expression) %}
    range between ({{ days_expression }} * interval 1 day) preceding and current row
{%- endmacro %}
