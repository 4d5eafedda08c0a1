{#- The score lies in the grade band (stg_config__score_grades: [lower_bound, upper_bound), a
    null bound is open), for joining a score to its band. -#}
{% macro score_in_band(band_alias, score_expression) %}
    ({{ band_alias }}.lower_bound is null or {{ score_expression }} >= {{ band_alias }}.lower_bound)
    and ({{ band_alias }}.upper_bound is null or {{ score_expression }} < {{ band_alias }}.upper_bound)
{%- endmacro %}
