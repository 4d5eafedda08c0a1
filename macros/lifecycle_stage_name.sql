{#- The lifecycle stage of a rank (the inverse of lifecycle_stage_rank). -#}
{% macro lifecycle_stage_name(rank_expression) %}
    case {{ rank_expression }}
        {%- for stage in lifecycle_stages() %}
        when {{ loop.index }} then '{{ stage }}'
        {%- endfor %}
    end
{%- endmacro %}
