{#- Incremental scoring runs (README "Incremental runs"). A score depends on one contact's inputs
    and as_of only, so a run on an existing database recomputes just the contacts listed in
    int_contacts_to_score (inputs changed, or a decay / window / inactivity step falls between the
    previous run's as_of and this one) and replaces their rows in every per-contact model; the
    event store int_events_validated takes only the raw events of the lookback window. -#}

{#- True when this run is incremental: not --full-refresh, and the run log and every incremental
    model exist. Views and ephemeral models read this too, so a whole run agrees on its mode. -#}
{% macro incremental_scoring() %}
    {%- if not execute or flags.FULL_REFRESH -%}
        {{ return(false) }}
    {%- endif -%}
    {#- a unit test runs a model on its fixtures, as in a full build -#}
    {%- if model is mapping and model.get('resource_type') == 'unit_test' -%}
        {{ return(false) }}
    {%- endif -%}
    {%- for name in incremental_scoring_models() -%}
        {%- set relation = model_relation(name) -%}
        {%- if adapter.get_relation(relation.database, relation.schema, relation.identifier) is none -%}
            {{ return(false) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(true) }}
{% endmacro %}
