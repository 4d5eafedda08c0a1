{#- Every key of the parent has exactly one current row in the model (e.g. one current lifecycle
    stage per contact). Fails with each key that has none or several. -#}
{% test one_current_row_per_key(model, key_columns, current_condition, parent) %}

with

current_rows as (

    select
        {{ key_columns | join(', ') }},
        count(*) as current_rows
    from {{ model }}
    where {{ current_condition }}
    group by {{ key_columns | join(', ') }}

),

parent_keys as (

    select distinct {{ key_columns | join(', ') }}
    from {{ parent }}

),

final as (

    select
        parent_keys.*,
        coalesce(current_rows.current_rows, 0) as current_rows
    from parent_keys
    left join current_rows
        on {% for column in key_columns -%}
        parent_keys.{{ column }} = current_rows.{{ column }}{% if not loop.last %} and {% endif %}
        {%- endfor %}
    where coalesce(current_rows.current_rows, 0) <> 1

)

select * from final

{% endtest %}
