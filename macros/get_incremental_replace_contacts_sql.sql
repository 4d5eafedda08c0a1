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
