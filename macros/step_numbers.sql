{#- The numbers 1 to 999 as a subquery with one column, step_number: the decay steps an event can
    go through (a group decaying at least 0.1 % a period reaches weight 0 by step 1000), the
    threshold steps of the tuning curve. Plain SQL, no generate_series. -#}
{% macro step_numbers() -%}
    (
        select hundreds.digit * 100 + tens.digit * 10 + ones.digit as step_number
        from (
            {%- for digit in range(10) %}
            select {{ digit }} as digit{% if not loop.last %} union all{% endif %}
            {%- endfor %}
        ) as hundreds
        cross join (
            {%- for digit in range(10) %}
            select {{ digit }} as digit{% if not loop.last %} union all{% endif %}
            {%- endfor %}
        ) as tens
        cross join (
            {%- for digit in range(10) %}
            select {{ digit }} as digit{% if not loop.last %} union all{% endif %}
            {%- endfor %}
        ) as ones
        where hundreds.digit * 100 + tens.digit * 10 + ones.digit > 0
    )
{%- endmacro %}
