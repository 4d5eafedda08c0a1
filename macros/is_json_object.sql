{#- True when the text parses as a JSON object (the only JSON a properties.<key> filter can read). -#}
{% macro is_json_object(expression) %}
    {{ return(adapter.dispatch('is_json_object', 'lead_scoring')(expression)) }}
{% endmacro %}

{#- no portable JSON check: elsewhere every text counts as an object (add an adapter version) -#}
{% macro default__is_json_object(expression) %}
    true
{%- endmacro %}

{% macro duckdb__is_json_object(expression) %}
    coalesce(json_type(try_cast({{ expression }} as json)) = 'OBJECT', false)
{%- endmacro %}
