{#- The rank of a lifecycle stage (SPEC 5 order): subscriber 1, lead 2, mql 3, sql 4,
    opportunity 5, customer 6; null for anything else. -#}
{% macro lifecycle_stage_rank(stage_expression) %}
    case {{ stage_expression }}
        {%- for stage in lifecycle_stages() %}
        when '{{ stage }}' then {{ loop.index }}
        {%- endfor %}
    end
{%- endmacro %}
