{#- A window frame of the rows whose order timestamp is `days_expression` or more days after the
    current row's, where days_expression may be a column (data, not a constant). -#}
{% macro frame_days_following_on(days_expression) %}
    {{ return(adapter.dispatch('frame_days_following_on', 'lead_scoring')(days_expression)) }}
{% endmacro %}

{% macro default__frame_days_following_on(days_expression) %}
    {{ exceptions.raise_compiler_error(
        "frame_days_following_on: this engine needs an implementation of a RANGE frame with a per-row "
        ~ "offset (DuckDB has one); add a <adapter>__frame_days_following_on macro.") }}
{% endmacro %}

{% macro duckdb__frame_days_following_on(days_expression) %}
    range between ({{ days_expression }} * interval 1 day) following and unbounded following
{%- endmacro %}
