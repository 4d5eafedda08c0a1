{#- An incremental per-contact model may only run in the invocation that computed
    int_scoring_run and int_contacts_to_score: a model run alone (dbt run -s <model>) would replace
    the contacts of an older run at another as_of, unnoticed by the next run. Returns that run's
    is_recompute_all, read in the same query (macro recomputes_all). -#}
{% macro assert_contacts_to_score_current() %}
    {%- set scoring_run = model_relation('int_scoring_run') -%}
    {%- set result = run_query('select invocation_id, is_recompute_all from ' ~ scoring_run) -%}
    {%- set computed_by = result.rows[0][0] if result.rows | length > 0 else none -%}
    {%- if computed_by != invocation_id -%}
        {{ exceptions.raise_compiler_error(
            "Incremental model " ~ model.name ~ " must run in the same dbt invocation as "
            ~ "int_scoring_run and int_contacts_to_score (they decide which contacts this run "
            ~ "recomputes), which were computed by invocation " ~ computed_by ~ ". Run the whole "
            ~ "project (dbt build), select them too (-s +" ~ model.name ~ "), or use --full-refresh."
        ) }}
    {%- endif -%}
    {{ return(result.rows[0][1]) }}
{% endmacro %}
