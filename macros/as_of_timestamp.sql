{#- The point in time scores are computed for: var('as_of'), else the run's start (UTC).
    Models never call now()/current_date, so every build is reproducible for a given as_of. -#}
{% macro as_of_timestamp() %}
    {%- set as_of = var('as_of', none) -%}
    {%- if as_of is none or as_of | string | trim | lower in ['', 'none', 'null'] -%}
        {%- set as_of = run_started_at.strftime('%Y-%m-%d %H:%M:%S') -%}
    {%- endif -%}
    cast('{{ as_of }}' as {{ dbt.type_timestamp() }})
{%- endmacro %}
