{#- A JSON object (as text) of the given columns, keyed by their names; null values stay JSON null,
    so json_text_value reads every column back exactly as it was. -#}
{% macro json_object_text(column_names) %}
    {{ return(adapter.dispatch('json_object_text', 'lead_scoring')(column_names)) }}
{% endmacro %}

{% macro default__json_object_text(column_names) %}
    json_object(
        {%- for column in column_names %}
        '{{ column }}', {{ column }}{{ ',' if not loop.last }}
        {%- endfor %}
    )
{%- endmacro %}

{#- DuckDB's json_object returns the JSON type: stored as text -#}
{% macro duckdb__json_object_text(column_names) %}
    cast({{ default__json_object_text(column_names) }} as {{ dbt.type_string() }})
{%- endmacro %}
