{#- The text that names a config row in an error, e.g. model_id=default, rule_id=pricing. -#}
{% macro config_row_key(columns) %}
    {%- for column in columns -%}
        '{{ column }}=' || coalesce(cast({{ column }} as {{ dbt.type_string() }}), '(empty)')
        {%- if not loop.last %} || ', ' || {% endif -%}
    {%- endfor -%}
{% endmacro %}
