{#- A cast that yields null instead of failing; dbt.safe_cast is a plain cast on DuckDB. -#}
{% macro try_cast(expression, data_type) %}
    {{ return(adapter.dispatch('try_cast', 'lead_scoring')(expression, data_type)) }}
{% endmacro %}

{% macro default__try_cast(expression, data_type) %}
    {{ dbt.safe_cast(expression, data_type) }}
{%- endmacro %}

{% macro duckdb__try_cast(expression, data_type) %}
    try_cast({{ expression }} as {{ data_type }})
{%- endmacro %}
