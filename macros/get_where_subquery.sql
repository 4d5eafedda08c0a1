{#- dbt's hook for the relation a generic test reads, extended for incremental runs: in the
    dbt build of an incremental run, row-level and key tests (unique, not_null, accepted_values,
    relationships, unique_combination_of_columns, expression_is_true, accepted_range) on a
    per-contact model check only the contacts this run recomputed — the other contacts' rows are
    unchanged since the run that checked them. Tests that compare a model with another table
    (sums, current rows, reconciliation) and every test of a full build or of a dbt test on its
    own read everything. The where config works as in dbt. -#}
{% macro get_where_subquery(relation) -%}
    {%- set conditions = [] -%}
    {%- set where = config.get('where', '') -%}
    {%- if where -%}
        {%- do conditions.append(where) -%}
    {%- endif -%}
    {%- set row_level_tests = [
        'unique', 'not_null', 'accepted_values', 'relationships', 'unique_combination_of_columns',
        'expression_is_true', 'accepted_range',
    ] -%}
    {%- set test_name = (model.get('test_metadata') or {}).get('name') if model is mapping else none -%}
    {%- if execute and test_name in row_level_tests
        and relation.identifier in incremental_scoring_models()
        and incremental_scoring() -%}
        {%- set node = graph.nodes.get('model.lead_scoring.' ~ relation.identifier) -%}
        {%- set key = node.config.get('contact_key', 'contact_id') if node else 'contact_id' -%}
        {%- set strategy = node.config.get('incremental_strategy') if node else none -%}
        {%- set scoring_run = model_relation('int_scoring_run') -%}
        {%- set computed_by = run_query('select invocation_id from ' ~ scoring_run).columns[0].values() -%}
        {%- if strategy == 'replace_contacts' and invocation_id in computed_by -%}
            {%- do conditions.append(
                key ~ ' in (select ' ~ key ~ ' from ' ~ model_relation('int_contacts_to_score') ~ ')'
            ) -%}
        {%- endif -%}
    {%- endif -%}
    {%- if conditions -%}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ conditions | join(' and ') }}) dbt_subquery
        {%- endset -%}
        {%- do return(filtered) -%}
    {%- else -%}
        {%- do return(relation) -%}
    {%- endif -%}
{%- endmacro %}
