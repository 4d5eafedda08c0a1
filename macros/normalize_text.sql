{#- Lower-cased, trimmed text with empty strings as null: the form every comparison uses. -#}
{% macro normalize_text(expression) %}
    lower({{ clean_text(expression) }})
{%- endmacro %}
