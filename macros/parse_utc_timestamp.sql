{#- Text → UTC timestamp, null when unparseable. A plain cast to timestamp drops a UTC offset or a
    zone ('10:00:00+02:00' would read as 10:00 UTC), so text ending in an offset ('+02', '-0500',
    ' +02:00', '+02:30:00'), UTC / GMT or an IANA zone name ('Europe/Berlin') is read as a
    timestamptz and converted to UTC. A lower-case 't' or 'z' (RFC 3339 allows both) reads as upper
    case. A zone abbreviation ('IST', 'CEST') is ambiguous: null (quarantined), never a guess; so
    are DuckDB's special words ('epoch', 'infinity'), an offset beyond ±14 hours and text after the
    time ('10:00:00 -', '10:00:00 UTC+2'), which DuckDB's cast would accept. 'YYYY-MM-DD HH:MM:SS'
    and shorter text starting with a digit and holding no time skip the checks (fast path). scripts/raw_contract.py
    (utc_timestamp_sql) reads this macro for the gate, the slicer and the importer. -#}
{% macro parse_utc_timestamp(text_expression) %}
    {{ return(adapter.dispatch('parse_utc_timestamp', 'lead_scoring')(text_expression)) }}
{% endmacro %}

{% macro default__parse_utc_timestamp(text_expression) %}
    {{ try_cast(text_expression, dbt.type_timestamp()) }}
{%- endmacro %}

{% macro duckdb__parse_utc_timestamp(text_expression) %}
    case
        -- the fast path: a date, or a date and time to the second; a first character that is not
        -- a digit keeps DuckDB's words 'epoch', 'infinity' and '-infinity' out of it, and a short
        -- text with a time ('2026-2-5 9:00+02') takes the checks, as its offset would be dropped
        when (
                length({{ text_expression }}) < 17
                and substr({{ text_expression }}, 1, 1) between '0' and '9'
                and strpos({{ text_expression }}, ':') = 0
            )
            or (length({{ text_expression }}) = 19 and substr({{ text_expression }}, 17, 1) = ':')
            -- the second cast runs only where the first fails (a lower-case 't')
            then coalesce(try_cast({{ text_expression }} as timestamp), try_cast(upper({{ text_expression }}) as timestamp))
        -- an offset of -14:00 to +14:00 (DuckDB would shift '+99' by 99 hours), UTC / GMT or an IANA zone
        when regexp_matches({{ text_expression }}, '(\s?[+-]((0[0-9]|1[0-3])(:?[0-5][0-9]){0,2}|14(:?00){0,2})|\s(UTC|GMT)|\s[A-Za-z_]+/[A-Za-z0-9_/+-]+)$')
            then timezone('UTC', try_cast(regexp_replace(regexp_replace({{ text_expression }}, '^([0-9]{4}-[0-9]{2}-[0-9]{2})t', '\1T'), '\s([+-][0-9]{2}(:?[0-9]{2}){0,2})$', '\1') as timestamptz))
        -- anything else must be a plain ISO time: DuckDB's cast ignores text after the time
        -- ('10:00:00 -', '10:00:00 UTC+2', '10:00:00 x' would read as 10:00)
        when regexp_full_match({{ text_expression }}, '[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt ][0-9]{1,2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,9})?)?)?[Zz]?')
            then try_cast(upper({{ text_expression }}) as timestamp)
    end
{%- endmacro %}
