{{ config(materialized='table') }}

{#- The version of the scoring configuration this build ran under: a hash of every configuration
    seed as its staging model reads it (row order does not matter; values trimmed and codes
    lower-cased as scoring reads them; descriptions left out, as nothing is computed from them),
    so a changed rule, point value or threshold shows up as a new config_version on every score,
    stage and alert row, and an edit that changes nothing scored does not. One row. -#}

{%- set seed_hashes = [] -%}
{%- for seed_name in config_seed_keys().keys() | sort -%}
    {%- set relation = ref('stg_config__' ~ seed_name) -%}
    {%- set columns = adapter.get_columns_in_relation(relation) if execute else [] -%}
    {%- set column_texts = [] -%}
    {%- for column in columns | rejectattr('name', 'equalto', 'description') | sort(attribute='name') -%}
        {%- do column_texts.append(
            "coalesce(cast(" ~ adapter.quote(column.name) ~ " as " ~ dbt.type_string() ~ "), '(null)')"
        ) -%}
    {%- endfor -%}
    {%- do seed_hashes.append((seed_name, relation, column_texts)) -%}
{%- endfor %}

with

seed_hashes as (

    {%- for seed_name, relation, column_texts in seed_hashes %}

        select
            '{{ seed_name }}' as seed_name,
        {{ dbt.hash(dbt.listagg(
            (column_texts | join(" || '|' || ")) if column_texts else "''",
            "'\\n'",
            "order by " ~ ((column_texts | join(" || '|' || ")) if column_texts else "1")
        )) }} as content_hash
        from {{ relation }}
        {%- if not loop.last %}

            union all
        {%- endif %}
    {%- endfor %}

),

final as (

    select
        substring(
            {{ dbt.hash(dbt.listagg("seed_name || ':' || coalesce(content_hash, '')", "','", "order by seed_name")) }},
            1, 12
        ) as config_version,
        {{ dbt.listagg("seed_name || ':' || coalesce(content_hash, '')", "','", "order by seed_name") }}
            as seed_hashes
    from seed_hashes

)

select * from final
