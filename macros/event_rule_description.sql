{#- Words for what an event rule matches, e.g. "page_view events where url contains '/pricing'
    in the last 30 days", from the columns of stg_config__scoring_rules under `relation`. -#}
{% macro event_rule_description(relation) %}
    (
        case when {{ relation }}.field = '*' then 'activity' else {{ relation }}.field end || ' events'
        || coalesce(
            ' where ' || {{ relation }}.filter_attribute || ' ' || {{ relation }}.filter_operator
            || coalesce(' ''' || {{ relation }}.filter_value_text || '''', ''),
            ''
        )
        || coalesce(' in the last ' || cast({{ relation }}.window_days as {{ dbt.type_string() }}) || ' days', '')
    )
{%- endmacro %}
