{#- dbt's check whether a model rebuilds its whole table (config full_refresh, else the
    --full-refresh flag), extended for incremental runs that recompute every contact (macro
    recomputes_all: a code or configuration change, a previous run that did not complete, ...):
    the per-contact models and the event store (strategies replace_contacts, replace_event_window,
    all built after int_scoring_run) build a new table as in a full build instead of deleting and
    inserting every row. The append-only models (contact numbers, run log) keep their rows. -#}
{% macro should_full_refresh() %}
    {%- set config_full_refresh = config.get('full_refresh') -%}
    {%- if config_full_refresh is none -%}
        {%- set config_full_refresh = flags.FULL_REFRESH -%}
    {%- endif -%}
    {%- if not config_full_refresh and model is mapping
        and model.get('resource_type') == 'model'
        and model.get('package_name') == 'lead_scoring'
        and model.get('config', {}).get('materialized') == 'incremental'
        and model.get('config', {}).get('incremental_strategy') in ['replace_contacts', 'replace_event_window'] -%}
        {%- set config_full_refresh = recomputes_all() -%}
    {%- endif -%}
    {%- do return(config_full_refresh) -%}
{% endmacro %}
