{#- A filter for the import CTEs of per-contact models: only the contacts this run recomputes
    (every contact in a full run). Large tables that carry contact_number (the event store) are
    filtered by it, key='contact_number': an integer semi join over 20M rows costs a third of a
    string one. -#}
{% macro is_contact_to_score(contact_column='contact_id', key='contact_id') -%}
    {%- if recomputes_changes_only() -%}
        {{ contact_column }} in (select {{ key }} from {{ ref('int_contacts_to_score') }})
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}
