{#- No two rows share the same values in the given columns (a composite key). On DuckDB the rows
    are first grouped by a 64-bit hash of the key, an integer aggregate about twice as fast as
    grouping tens of millions of string keys; only rows whose hash repeats are then compared on the
    key itself, so a hash collision cannot fail the test. -#}
{% test unique_combination_of_columns(model, combination_of_columns) %}

{%- set key = combination_of_columns | join(', ') %}

{%- if target.type == 'duckdb' %}
with

repeated_hashes as (

    select hash({{ key }}) as key_hash
    from {{ model }}
    group by 1
    having count(*) > 1

)

select
    {{ key }},
    count(*) as row_count
from {{ model }}
where hash({{ key }}) in (select key_hash from repeated_hashes)
group by {{ key }}
having count(*) > 1
{%- else %}
select
    {{ key }},
    count(*) as row_count
from {{ model }}
group by {{ key }}
having count(*) > 1
{%- endif %}

{% endtest %}
