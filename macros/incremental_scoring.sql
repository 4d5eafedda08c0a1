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

{#- True when this dbt run or build recomputes every contact (int_scoring_run.is_recompute_all: a
    full run, a code or configuration change, a previous run that did not complete, raw history
    that changed, an earlier as_of). Such a run computes like a full build and its per-contact
    models and event store build new tables (macro should_full_refresh): comparing every stored
    event with its reload, then deleting and inserting every row, made it cost more than two full
    builds. Read from this invocation's int_scoring_run, so only models built after it may ask,
    and not from incremental_scoring(): its relation checks can miss a table another thread is
    swapping in. Other commands (compile, docs, show, a linter) read false: the mode is then
    incremental_scoring()'s. -#}
{% macro recomputes_all() %}
    {%- if not execute or flags.WHICH not in ['run', 'build'] -%}
        {{ return(false) }}
    {%- endif -%}
    {{ return(assert_contacts_to_score_current()) }}
{% endmacro %}

{#- True when this run recomputes only the contacts whose results can differ (int_contacts_to_score):
    an incremental run that does not recompute everything. Models built after int_scoring_run
    branch on this; int_scoring_run and the models before it on incremental_scoring(). -#}
{% macro recomputes_changes_only() %}
    {{ return(incremental_scoring() and not recomputes_all()) }}
{% endmacro %}
