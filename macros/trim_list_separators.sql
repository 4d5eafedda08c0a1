{#- A `|`-separated list with the spaces around each `|` removed ('a  |  b' -> 'a|b'), so list items
    compare trimmed. DuckDB uses a regular expression; elsewhere two rounds of replace() remove up
    to two spaces on each side (add an adapter version for more). -#}
{% macro trim_list_separators(expression) %}
    {{ return(adapter.dispatch('trim_list_separators', 'lead_scoring')(expression)) }}
{% endmacro %}

{% macro default__trim_list_separators(expression) %}
    replace(replace(replace(replace({{ expression }}, ' |', '|'), '| ', '|'), ' |', '|'), '| ', '|')
{%- endmacro %}

{% macro duckdb__trim_list_separators(expression) %}
    regexp_replace({{ expression }}, '\s*\|\s*', '|', 'g')
{%- endmacro %}
