{#- Incremental strategy of the event store: delete the stored rows of the reloaded part (the
    lookback window, undated rows and every event id the batch holds), insert the batch. -#}
{% macro get_incremental_replace_event_window_sql(arg_dict) %}
    {%- set target_relation = arg_dict['target_relation'] -%}
    {%- set temp_relation = arg_dict['temp_relation'] -%}
    {%- set columns = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
    {%- do assert_contacts_to_score_current() -%}
    delete from {{ target_relation }} as stored_events
    where {{ is_stored_event_reloaded('stored_events') }};

    insert into {{ target_relation }} ({{ columns }})
    select {{ columns }} from {{ temp_relation }}
{% endmacro %}
