{{ config(materialized='incremental', incremental_strategy='append') }}

{#- The log of completed scoring runs: a row is appended when a run has rebuilt every per-contact
    model, so the next run knows the as_of and code it starts from (int_scoring_run). A run that
    dies before this model leaves no row, and the next run recomputes every contact.
    One row per completed run (dbt invocation). -#}

-- the per-contact models this row vouches for:
-- depends_on: {{ ref('fct_lead_score_history') }}
-- depends_on: {{ ref('fct_lifecycle_stage_history') }}
-- depends_on: {{ ref('fct_lead_score_breakdown') }}
-- depends_on: {{ ref('int_lead_score_timeline') }}
-- depends_on: {{ ref('int_score_spikes_detected') }}
-- depends_on: {{ ref('int_rule_points_from_events') }}
-- depends_on: {{ ref('int_rule_points_from_properties') }}
-- depends_on: {{ ref('int_score_changes_from_event_count_rules') }}
-- depends_on: {{ ref('int_contact_fingerprints_seen') }}
-- and the incremental quarantine of the event store (a run that did not update it must not count)
-- depends_on: {{ ref('quarantine_events') }}

with

this_run as (

    select * from {{ ref('int_scoring_run') }}

),

contacts_to_score as (

    select count(*) as contacts_recomputed from {{ ref('int_contacts_to_score') }}

),

contacts as (

    select count(*) as contacts_total from {{ ref('int_contacts_accepted') }}

),

final as (

    select
        this_run.invocation_id,
        this_run.run_mode,
        this_run.as_of,
        this_run.previous_as_of,
        this_run.recompute_all_reason,
        this_run.events_reloaded_from,
        contacts_to_score.contacts_recomputed,
        contacts.contacts_total,
        this_run.code_version,
        cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as {{ dbt.type_timestamp() }}) as started_at
    from this_run
    cross join contacts_to_score
    cross join contacts

)

select * from final
