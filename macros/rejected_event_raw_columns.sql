{#- The staged raw event columns scoring does not read, kept for rejected rows only so
    quarantine_events shows the row as it arrived (int_events_to_load stores them as one JSON
    text column, rejected_row_values). -#}
{% macro rejected_event_raw_columns() %}
    {{ return(['session_id', 'contact_id_raw', 'email', 'first_name', 'last_name', 'company_name',
               'occurred_at_raw']) }}
{% endmacro %}
