{#- The text value of a top-level key of a JSON text column (null when absent or not JSON). -#}
{% macro json_text_value(json_expression, key_expression) %}
    {{ return(adapter.dispatch('json_text_value', 'lead_scoring')(json_expression, key_expression)) }}
{% endmacro %}

{% macro default__json_text_value(json_expression, key_expression) %}
    json_extract_path_text({{ json_expression }}, {{ key_expression }})
{%- endmacro %}

{% macro duckdb__json_text_value(json_expression, key_expression) %}
    json_extract_string(try_cast({{ json_expression }} as json), '$."' || {{ key_expression }} || '"')
{%- endmacro %}
