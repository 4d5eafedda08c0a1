{#- True when a (normalised) email has one @, a non-empty local part and a dotted domain. -#}
{% macro is_valid_email(expression) %}
    {{ return(adapter.dispatch('is_valid_email', 'lead_scoring')(expression)) }}
{% endmacro %}

{% macro default__is_valid_email(expression) %}
    ({{ expression }} like '%_@_%._%' and {{ expression }} not like '%@%@%' and {{ expression }} not like '% %')
{%- endmacro %}

{% macro duckdb__is_valid_email(expression) %}
    regexp_full_match({{ expression }}, '[^@\s]+@[^@\s]+\.[^@\s]+')
{%- endmacro %}
