{#- True when a moment falls between the previous run's as_of (excluded) and this one's
    (included): the CTE `period` of int_contacts_to_score (starts_after, ends_at). With
    days_later, the moment is timestamp + days_later days, written as a range on the timestamp
    itself so that the stored column is compared as is. -#}
{% macro is_in_scoring_period(timestamp_expression, days_later=none) -%}
    {%- if days_later is none -%}
        ({{ timestamp_expression }} > period.starts_after and {{ timestamp_expression }} <= period.ends_at)
    {%- else -%}
        ({{ timestamp_expression }} > {{ dbt.dateadd('day', '-(' ~ days_later ~ ')', 'period.starts_after') }}
            and {{ timestamp_expression }} <= {{ dbt.dateadd('day', '-(' ~ days_later ~ ')', 'period.ends_at') }})
    {%- endif -%}
{%- endmacro %}
