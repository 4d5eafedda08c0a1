{#- Text → UTC timestamp, null when unparseable. A plain cast to timestamp drops a UTC offset or a
    named zone ('10:00:00+02:00' would read as 10:00 UTC), so text ending in one is read as a
    timestamptz and converted to UTC; the canonical 19-character form skips that check (fast path).
    scripts/raw_contract.py (utc_timestamp_sql) holds the same rule for the gate and the slicer. -#}
{% macro parse_utc_timestamp(text_expression) %}
    {{ return(adapter.dispatch('parse_utc_timestamp', 'lead_scoring')(text_expression)) }}
{% endmacro %}

{% macro default__parse_utc_timestamp(text_expression) %}
    {{ try_cast(text_expression, dbt.type_timestamp()) }}
{%- endmacro %}

{% macro duckdb__parse_utc_timestamp(text_expression) %}
    case
        when length({{ text_expression }}) > 19
            and regexp_matches({{ text_expression }}, '([+-][0-9]{2}(:?[0-9]{2})?|[A-Za-z]{2,}[A-Za-z0-9_/+-]*)$')
            then timezone('UTC', try_cast({{ text_expression }} as timestamptz))
        else try_cast({{ text_expression }} as timestamp)
    end
{%- endmacro %}
