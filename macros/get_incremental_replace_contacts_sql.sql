{#- Incremental strategy of the per-contact models: delete the rows of the contacts being
    recomputed, insert their new rows (a contact may end up with fewer rows, or none). The
    contact column is config contact_key: contact_id, or contact_number for integer-only models.
    A model whose rows each depend only on what happened up to a time (config replaced_from_column:
    that time, e.g. changed_at; null: the row can still change) keeps a contact's stored rows from
    before the contact's replaced_from (int_contacts_to_score) and replaces only the rest: rewriting
    a whole history for one new event or decay step would cost the day as much as the history. -#}
{% macro get_incremental_replace_contacts_sql(arg_dict) %}
    {%- set target_relation = arg_dict['target_relation'] -%}
    {%- set temp_relation = arg_dict['temp_relation'] -%}
    {%- set columns = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
    {%- do assert_contacts_to_score_current() -%}
    {%- set key = config.get('contact_key', 'contact_id') %}
    {%- set time_column = config.get('replaced_from_column') %}
    {%- if time_column is none %}
        delete from {{ target_relation }}
        where {{ key }} in (select {{ key }} from {{ ref('int_contacts_to_score') }});

        insert into {{ target_relation }} ({{ columns }})
        select {{ columns }} from {{ temp_relation }}
    {%- else %}
        {%- if is_kept_history_verified() %}
            {%- do verify_kept_history(target_relation, temp_relation, arg_dict['dest_columns'], key, time_column) %}
        {%- endif %}
        delete from {{ target_relation }} as stored
        using {{ ref('int_contacts_to_score') }} as to_score
        where stored.{{ key }} = to_score.{{ key }}
            and {{ is_row_replaced('stored.' ~ time_column, 'to_score.replaced_from') }};

        insert into {{ target_relation }} ({{ columns }})
        select {{ columns }}
        from (
            select
                computed.*,
                to_score.replaced_from as dbt_replaced_from
            from {{ temp_relation }} as computed
            inner join (
                select
                    {{ key }} as dbt_contact_key,
                    replaced_from
                from {{ ref('int_contacts_to_score') }}
            ) as to_score
                on computed.{{ key }} = to_score.dbt_contact_key
        ) as computed
        where {{ is_row_replaced('computed.' ~ time_column, 'computed.dbt_replaced_from') }}
    {%- endif %}
{% endmacro %}

{#- A stored row is replaced when the contact is recomputed from the start (replaced_from null),
    the row can still change (its time null) or its time is not before replaced_from. -#}
{% macro is_row_replaced(row_time, replaced_from) -%}
    ({{ replaced_from }} is null or {{ row_time }} is null or {{ row_time }} >= {{ replaced_from }})
{%- endmacro %}

{#- var verify_kept_history: before the kept rows stay, check that they are what this run computed
    for them (with the audit on, the models compute each recomputed contact's whole history:
    resumes_kept_history is off). A difference means the choice of contacts or of replaced_from
    missed a change (int_contacts_to_score), or an earlier run that resumed computed those rows
    wrong, and the run stops naming the model, the count and a few differing rows. -#}
{% macro verify_kept_history(target_relation, temp_relation, dest_columns, key, time_column) %}
    {%- set columns = [] -%}
    {%- for column in dest_columns -%}
        {%- do columns.append('history.' ~ adapter.quote(column.name)) -%}
    {%- endfor -%}
    {%- set kept = [] -%}
    {%- for relation in [target_relation, temp_relation] -%}
        {%- set kept_rows -%}
            select {{ columns | join(', ') }}
            from {{ relation }} as history
            inner join {{ ref('int_contacts_to_score') }} as to_score
                on history.{{ key }} = to_score.{{ key }}
            where not {{ is_row_replaced('history.' ~ time_column, 'to_score.replaced_from') }}
        {%- endset -%}
        {%- do kept.append(kept_rows) -%}
    {%- endfor -%}
    {%- set stored, computed = kept -%}
    {%- set differences -%}
        select 'stored, not computed' as difference, * from ({{ stored }} except all {{ computed }}) as stored_only
        union all
        select 'computed, not stored' as difference, * from ({{ computed }} except all {{ stored }}) as computed_only
    {%- endset -%}
    {#- a stored row and its recomputed version side by side -#}
    {%- set found = run_query(
        'select * from (' ~ differences ~ ') as differences order by '
        ~ adapter.quote(key) ~ ', ' ~ adapter.quote(time_column) ~ ', difference limit 6') -%}
    {%- if found.rows | length > 0 -%}
        {%- set counted = run_query('select count(*) from (' ~ differences ~ ') as differences') -%}
        {%- set examples = [] -%}
        {%- for row in found.rows -%}
            {%- do examples.append(row.values() | join(' | ')) -%}
        {%- endfor -%}
        {{ exceptions.raise_compiler_error(
            "verify_kept_history: " ~ counted.columns[0].values()[0] ~ " kept row(s) of "
            ~ target_relation ~ " (" ~ time_column ~ " before the contact's replaced_from) differ "
            ~ "from what this run computed: int_contacts_to_score missed a change, or an earlier "
            ~ "run computed them wrong when it resumed. Examples ("
            ~ found.column_names | join(' | ') ~ "):\n" ~ examples | join('\n')) }}
    {%- endif -%}
{% endmacro %}

{#- var verify_kept_history: true or false (also as text); anything else stops the run rather than
    silently skip the audit. -#}
{% macro is_kept_history_verified() %}
    {%- set value = var('verify_kept_history') | string | trim | lower -%}
    {%- if value not in ['true', 'false'] -%}
        {{ exceptions.raise_compiler_error(
            "var verify_kept_history must be true or false, not '" ~ var('verify_kept_history') ~ "'") }}
    {%- endif -%}
    {{ return(value == 'true') }}
{%- endmacro %}
