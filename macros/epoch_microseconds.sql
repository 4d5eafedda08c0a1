{#- Microseconds since 1970-01-01 of a timestamp: a number to order RANGE window frames by, so a
    frame can reach a per-row number of days back or forward (days * 86400000000). -#}
{% macro epoch_microseconds(timestamp_expression) %}
    {{ return(adapter.dispatch('epoch_microseconds', 'lead_scoring')(timestamp_expression)) }}
{% endmacro %}

{% macro default__epoch_microseconds(timestamp_expression) %}
    {{ dbt.datediff("cast('1970-01-01' as " ~ dbt.type_timestamp() ~ ")", timestamp_expression, 'microsecond') }}
{%- endmacro %}

{% macro duckdb__epoch_microseconds(timestamp_expression) %}
    epoch_us({{ timestamp_expression }})
{%- endmacro %}

{#- The inverse: the timestamp of a number of microseconds since 1970-01-01. -#}
{% macro timestamp_from_epoch_microseconds(microseconds_expression) %}
    {{ return(adapter.dispatch('timestamp_from_epoch_microseconds', 'lead_scoring')(microseconds_expression)) }}
{% endmacro %}

{% macro default__timestamp_from_epoch_microseconds(microseconds_expression) %}
    {{ dbt.dateadd('microsecond', microseconds_expression, "cast('1970-01-01' as " ~ dbt.type_timestamp() ~ ")") }}
{%- endmacro %}

{% macro duckdb__timestamp_from_epoch_microseconds(microseconds_expression) %}
    make_timestamp({{ microseconds_expression }})
{%- endmacro %}
