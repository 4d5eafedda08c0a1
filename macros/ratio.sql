{#- numerator / denominator as a float rounded to `digits` places; null when the denominator is 0.
    Casts to double first so integer counts never meet integer division (some engines) and the
    result is not a 4-byte float (DuckDB's `float`). -#}
{% macro ratio(numerator, denominator, digits=4) %}
    round(cast({{ numerator }} as double) / nullif({{ denominator }}, 0), {{ digits }})
{%- endmacro %}
