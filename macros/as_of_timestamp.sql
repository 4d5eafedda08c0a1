{#- The point in time scores are computed for: var('as_of'), else the run's start (UTC).
    Models never call now()/current_date, so every build is reproducible for a given as_of.
    as_of is read like a raw timestamp (macro parse_utc_timestamp): an offset or a zone name is
    converted to UTC (a plain cast would drop it); validate_as_of stops a run whose as_of is not
    a time. -#}
{% macro as_of_text() %}
    {%- set as_of = var('as_of', none) -%}
    {%- if as_of is none or as_of | string | trim | lower in ['', 'none', 'null'] -%}
        {%- set as_of = run_started_at.strftime('%Y-%m-%d %H:%M:%S') -%}
    {%- endif -%}
    {{ return(as_of | string | trim) }}
{%- endmacro %}

{% macro as_of_timestamp() %}
    cast({{ parse_utc_timestamp("'" ~ as_of_text() | replace("'", "''") ~ "'") }} as {{ dbt.type_timestamp() }})
{%- endmacro %}

{#- on-run-start: an as_of that is not a time would make every as_of comparison null (nothing
    scored) or fail deep inside a model; stop before any node runs, naming the value. -#}
{% macro validate_as_of() %}
    {%- if execute -%}
        {#- infinity / -infinity cast to a DuckDB timestamp but make every age null -#}
        {%- set finite = 'isfinite(t)' if target.type == 'duckdb' else 'true' -%}
        {%- set parsed = run_query(
            'select case when ' ~ finite ~ ' then t end from (select ' ~ as_of_timestamp() ~ ' as t) as as_of'
        ).columns[0].values()[0] -%}
        {%- if parsed is none -%}
            {{ exceptions.raise_compiler_error(
                "var as_of = '" ~ as_of_text() ~ "' is not a time: give 'YYYY-MM-DD' or "
                ~ "'YYYY-MM-DD HH:MM:SS' (UTC), or a time with a UTC offset or an IANA zone name "
                ~ "('2026-11-01T10:00:00+02:00', '2026-11-01 10:00:00 Europe/Berlin'), which is "
                ~ "converted to UTC. Zone abbreviations (CET, IST) are ambiguous and refused.") }}
        {%- endif -%}
    {%- endif -%}
    select 1
{%- endmacro %}
