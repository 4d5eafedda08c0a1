{#- The decay steps 1 to 999 as a subquery with one column, decay_step (a group decaying at least
    0.1 % a period reaches weight 0 by step 1000). Plain SQL, no generate_series. -#}
{% macro decay_step_numbers() -%}
    (
        select hundreds.digit * 100 + tens.digit * 10 + ones.digit as decay_step
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
