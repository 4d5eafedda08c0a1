{#- Trimmed text, with empty strings turned into null (an empty value is an unknown value). -#}
{% macro clean_text(expression) %}
    nullif(trim(cast({{ expression }} as {{ dbt.type_string() }})), '')
{%- endmacro %}
