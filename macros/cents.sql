{#- Points as whole cents in a double, for running sums over tens of millions of rows: exact (the
    points have two decimals, so cents are integers, and integers far below 2^53 add up exactly in
    a double) and much cheaper than the 128-bit sums of decimals. -#}
{% macro to_cents(points_expression) -%}
    cast(({{ points_expression }}) * 100 as double)
{%- endmacro %}

{#- The inverse: whole cents back to points, as the decimals the models store. -#}
{% macro from_cents(cents_expression) -%}
    cast(({{ cents_expression }}) / 100 as decimal(18, 2))
{%- endmacro %}
