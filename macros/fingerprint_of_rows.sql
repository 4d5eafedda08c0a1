{#- An order-independent fingerprint of the rows of a group: equal sets of rows give equal
    values, and any change of a value, a row added or a row removed changes it. relation_alias
    is a table alias of the query; the aggregate covers all its columns. -#}
{% macro fingerprint_of_rows(relation_alias) %}
    {{ return(adapter.dispatch('fingerprint_of_rows', 'lead_scoring')(relation_alias)) }}
{% endmacro %}

{% macro default__fingerprint_of_rows(relation_alias) -%}
    {{ dbt.hash(dbt.listagg(dbt.hash('cast(' ~ relation_alias ~ ' as ' ~ dbt.type_string() ~ ')'), "','",
        'order by ' ~ dbt.hash('cast(' ~ relation_alias ~ ' as ' ~ dbt.type_string() ~ ')'))) }}
{%- endmacro %}

{#- DuckDB: the sum of 64-bit row hashes (a table alias is its row as a struct); a sum, not an
    xor, so two equal rows do not cancel out. -#}
{% macro duckdb__fingerprint_of_rows(relation_alias) -%}
    cast(sum(hash({{ relation_alias }})) as {{ dbt.type_string() }})
{%- endmacro %}

{#- A fingerprint of one row (all columns of a table alias): the event store keeps each raw event's,
    so an incremental run notices an old event edited in place. -#}
{% macro row_fingerprint(relation_alias) %}
    {{ return(adapter.dispatch('row_fingerprint', 'lead_scoring')(relation_alias)) }}
{% endmacro %}

{% macro default__row_fingerprint(relation_alias) -%}
    {{ dbt.hash('cast(' ~ relation_alias ~ ' as ' ~ dbt.type_string() ~ ')') }}
{%- endmacro %}

{% macro duckdb__row_fingerprint(relation_alias) -%}
    hash({{ relation_alias }})
{%- endmacro %}
