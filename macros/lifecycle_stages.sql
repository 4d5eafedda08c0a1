{#- The lifecycle stages in order (SPEC 5). -#}
{% macro lifecycle_stages() %}
    {{ return(['subscriber', 'lead', 'mql', 'sql', 'opportunity', 'customer']) }}
{% endmacro %}
