{#- Two small whole-number counts in one double, so one window sum does the work of two (each
    running sum of the score timeline's window costs ~3 CPU seconds at 20M+ rows):
    high * 2^26 + low. Exact while every partial sum stays below 2^53 and a decoded count within
    +-2^25 (33 million): counts of feedbacks, reset steps and required-rule matches of one contact
    stay far below that. packed_count_high / packed_count_low decode a (running) sum. -#}
{% macro pack_counts(high, low) -%}
    (cast({{ high }} as double) * 67108864 + cast({{ low }} as double))
{%- endmacro %}

{% macro packed_count_high(packed) -%}
    floor(({{ packed }} + 33554432) / 67108864)
{%- endmacro %}

{% macro packed_count_low(packed) -%}
    ({{ packed }} - {{ packed_count_high(packed) }} * 67108864)
{%- endmacro %}
