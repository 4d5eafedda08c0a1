{#- Incremental scoring runs (README "Incremental runs"). A score depends on one contact's inputs
    and as_of only, so a run on an existing database recomputes just the contacts listed in
    int_contacts_to_score (inputs changed, or a decay / window / inactivity step falls between the
    previous run's as_of and this one) and replaces their rows in every per-contact model; the
    event store int_events_validated takes only the raw events of the lookback window. -#}

{#- The per-contact models (incremental, strategy replace_contacts) and the event store: an
    incremental run needs every one of them already built. -#}
{% macro incremental_scoring_models() %}
    {%- set names = [] -%}
    {%- for node in graph.nodes.values() -%}
        {%- if node.resource_type == 'model' and node.package_name == 'lead_scoring'
            and node.config.materialized == 'incremental' -%}
            {%- do names.append(node.name) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(names | sort) }}
{% endmacro %}

{#- True when this run is incremental: not --full-refresh, and the run log and every incremental
    model exist. Views and ephemeral models read this too, so a whole run agrees on its mode. -#}
{% macro incremental_scoring() %}
    {%- if not execute or flags.FULL_REFRESH -%}
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

{#- The relation a model of this project builds, without ref(): for the few reads of a
    downstream model's previous state (a ref would be a cycle). -#}
{% macro model_relation(name) %}
    {%- set node = graph.nodes['model.lead_scoring.' ~ name] -%}
    {{ return(api.Relation.create(database=node.database, schema=node.schema, identifier=node.alias)) }}
{% endmacro %}

{#- A filter for the import CTEs of per-contact models: only the contacts this run recomputes
    (every contact in a full run). -#}
{% macro is_contact_to_score(contact_column='contact_id', key='contact_id') -%}
    {%- if incremental_scoring() -%}
        {{ contact_column }} in (select {{ key }} from {{ ref('int_contacts_to_score') }})
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}

{#- A fingerprint of the code that computes scores: every model's and seed's file checksum. A run
    whose code or config differs from the previous run's recomputes every contact. -#}
{% macro scoring_code_version() -%}
    {%- if not execute -%}
        {{ return('') }}
    {%- endif -%}
    {%- set checksums = [] -%}
    {%- for node in graph.nodes.values() | sort(attribute='unique_id') -%}
        {%- if node.resource_type in ['model', 'seed'] and node.package_name == 'lead_scoring' -%}
            {%- do checksums.append(node.unique_id ~ '=' ~ node.checksum.checksum) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(local_md5(checksums | join(','))) }}
{%- endmacro %}

{#- Incremental strategy of the per-contact models: delete the rows of the contacts being
    recomputed, insert their new rows (a contact may end up with fewer rows, or none). The
    contact column is config contact_key: contact_id, or contact_number for integer-only models. -#}
{% macro get_incremental_replace_contacts_sql(arg_dict) %}
    {%- set target_relation = arg_dict['target_relation'] -%}
    {%- set temp_relation = arg_dict['temp_relation'] -%}
    {%- set columns = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
    {%- set key = config.get('contact_key', 'contact_id') %}
    delete from {{ target_relation }}
    where {{ key }} in (select {{ key }} from {{ ref('int_contacts_to_score') }});

    insert into {{ target_relation }} ({{ columns }})
    select {{ columns }} from {{ temp_relation }}
{% endmacro %}

{#- Incremental strategy of the event store: delete the stored rows of the reloaded part (the
    lookback window, undated rows and every event id the batch holds), insert the batch. -#}
{% macro get_incremental_replace_event_window_sql(arg_dict) %}
    {%- set target_relation = arg_dict['target_relation'] -%}
    {%- set temp_relation = arg_dict['temp_relation'] -%}
    {%- set columns = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
    delete from {{ target_relation }}
    where {{ is_in_event_reload() }}
        or event_id in (select event_id from {{ temp_relation }});

    insert into {{ target_relation }} ({{ columns }})
    select {{ columns }} from {{ temp_relation }}
{% endmacro %}

{#- Stored events the run reloads from the raw files whatever their id: those of the lookback
    window (occurred_at from the previous run's as_of minus var event_lookback_days on, future ones
    included) and those without a usable timestamp. -#}
{% macro is_in_event_reload(occurred_at_column='occurred_at') -%}
    ({{ occurred_at_column }} is null
        or {{ occurred_at_column }} >= (select events_reloaded_from from {{ ref('int_scoring_run') }}))
{%- endmacro %}
