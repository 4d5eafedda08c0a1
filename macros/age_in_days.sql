{#- Whole days between a timestamp and as_of: floor((as_of - ts) / 24 h), as SPEC 4 defines. -#}
{% macro age_in_days(timestamp_expression, as_of_expression) %}
    {{ return(adapter.dispatch('age_in_days', 'lead_scoring')(timestamp_expression, as_of_expression)) }}
{% endmacro %}

{% macro default__age_in_days(timestamp_expression, as_of_expression) %}
    cast(floor({{ dbt.datediff(timestamp_expression, as_of_expression, 'second') }} / 86400.0) as integer)
{%- endmacro %}

{% macro duckdb__age_in_days(timestamp_expression, as_of_expression) %}
    cast(
        floor((epoch_us({{ as_of_expression }}) - epoch_us({{ timestamp_expression }})) / 86400000000)
        as integer
    )
{%- endmacro %}
