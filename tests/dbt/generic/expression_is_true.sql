{#- Every row (matching the optional where) satisfies a boolean SQL expression. -#}
{% test expression_is_true(model, expression, where_clause='1 = 1') %}

select * from {{ model }}
where {{ where_clause }}
    and not coalesce({{ expression }}, false)

{% endtest %}
