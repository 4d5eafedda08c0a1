{#- The rows of a detail model add up, per key, to a total column of a parent model exactly
    (e.g. breakdown points = total_score). Fails with each key whose sums differ. -#}
{% test sums_to_column(model, column_name, key_columns, parent, parent_column) %}

with

detail as (

    select {{ key_columns | join(', ') }}, sum({{ column_name }}) as detail_sum
    from {{ model }}
    group by {{ key_columns | join(', ') }}

),

compared as (

    select
        {% for key in key_columns %}parent_rows.{{ key }}, {% endfor %}
        parent_rows.{{ parent_column }} as parent_value,
        coalesce(detail.detail_sum, 0) as detail_sum
    from {{ parent }} as parent_rows
    left join detail
        on {% for key in key_columns %}parent_rows.{{ key }} = detail.{{ key }}{% if not loop.last %} and {% endif %}{% endfor %}

)

select * from compared
where parent_value <> detail_sum

{% endtest %}
