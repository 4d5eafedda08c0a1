{#- Incremental strategy of the per-contact models: delete the rows of the contacts being
    recomputed, insert their new rows (a contact may end up with fewer rows, or none). The
    contact column is config contact_key: contact_id, or contact_number for integer-only models. -#}
{% macro get_incremental_replace_contacts_sql(arg_dict) %}
    {%- set target_relation = arg_dict['target_relation'] -%}
    {%- set temp_relation = arg_dict['temp_relation'] -%}
    {%- set columns = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
    {%- do assert_contacts_to_score_current() -%}
    {%- set key = config.get('contact_key', 'contact_id') %}
    delete from {{ target_relation }}
    where {{ key }} in (select {{ key }} from {{ ref('int_contacts_to_score') }});

    insert into {{ target_relation }} ({{ columns }})
    select {{ columns }} from {{ temp_relation }}
{% endmacro %}
