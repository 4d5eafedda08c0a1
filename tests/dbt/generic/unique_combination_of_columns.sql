{#- No two rows share the same values in the given columns (a composite key). On DuckDB the 64-bit
    hashes of the keys are sorted and each compared with the one before it: at tens of millions
    of distinct keys a sort is less than half the CPU of a hash aggregate with one group per key
    (the score timeline's 29M rows at 1M contacts: 5.1-5.7 against 11.8-13.9 CPU s). Only rows
    whose hash repeats are then compared on the key itself, so a hash collision cannot fail the
    test. -#}
{% test unique_combination_of_columns(model, combination_of_columns) %}

{%- set key = combination_of_columns | join(', ') %}

{%- if target.type == 'duckdb' %}
with

key_hashes as (

    select hash({{ key }}) as key_hash
    from {{ model }}

),

-- the hash computed once, below the window: hashing inside the window's select and order by
-- costs twice the CPU
sorted_key_hashes as (

    select
        key_hash,
        lag(key_hash) over (order by key_hash) as previous_key_hash
    from key_hashes

),

repeated_hashes as (

    select key_hash
    from sorted_key_hashes
    where key_hash = previous_key_hash

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
