{#- Wall-clock start of this run (UTC): the reference for "timestamp in the future" checks. -#}
{% macro load_timestamp() %}
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S") }}' as {{ dbt.type_timestamp() }})
{%- endmacro %}
