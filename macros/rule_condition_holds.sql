{#- Whether a subject satisfies a rule's operator/value (SPEC 3 operators). Every argument is a SQL
    expression, so the operator and value come from the seed at run time and are never templated.
    subject_text: normalised text (lower, trimmed, empty = null); subject_number: its numeric value
    or null; value_text: normalised rule value (a `|`-separated list for in / not_in);
    value_number / value_low / value_high: numeric rule values (between uses `low|high`).
    An unknown subject matches only is_not_set; numeric operators on non-numbers do not match. -#}
{% macro rule_condition_holds(operator, subject_text, subject_number, value_text, value_number, value_low, value_high) %}
    coalesce(
        case
            when {{ operator }} = 'is_set' then {{ subject_text }} is not null
            when {{ operator }} = 'is_not_set' then {{ subject_text }} is null
            when {{ subject_text }} is null then false
            when {{ operator }} = 'eq' then {{ subject_text }} = {{ value_text }}
            when {{ operator }} = 'neq' then {{ subject_text }} <> {{ value_text }}
            when {{ operator }} in ('in', 'not_in') then (
                (
                    {{ dbt.position("'|'", subject_text) }} = 0
                    and {{ dbt.position(dbt.concat(["'|'", subject_text, "'|'"]), dbt.concat(["'|'", value_text, "'|'"])) }} > 0
                ) = ({{ operator }} = 'in')
            )
            when {{ operator }} = 'contains' then {{ dbt.position(value_text, subject_text) }} > 0
            when {{ operator }} = 'not_contains' then {{ dbt.position(value_text, subject_text) }} = 0
            when {{ operator }} = 'starts_with'
                then substring({{ subject_text }}, 1, length({{ value_text }})) = {{ value_text }}
            when {{ operator }} = 'ends_with'
                then length({{ subject_text }}) >= length({{ value_text }})
                and substring(
                    {{ subject_text }},
                    length({{ subject_text }}) - length({{ value_text }}) + 1,
                    length({{ value_text }})
                ) = {{ value_text }}
            when {{ operator }} = 'gt' then {{ subject_number }} > {{ value_number }}
            when {{ operator }} = 'gte' then {{ subject_number }} >= {{ value_number }}
            when {{ operator }} = 'lt' then {{ subject_number }} < {{ value_number }}
            when {{ operator }} = 'lte' then {{ subject_number }} <= {{ value_number }}
            when {{ operator }} = 'between'
                then {{ subject_number }} between {{ value_low }} and {{ value_high }}
        end,
        false
    )
{%- endmacro %}
