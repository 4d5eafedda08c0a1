{{ config(
    materialized='incremental',
    incremental_strategy='replace_contacts',
    replaced_from_column='exited_at',
    on_schema_change='fail',
) }}

{#- Every lifecycle stage entry of every contact (SPEC 5, 7): when, why, at what score, and until
    when. Stages move forward only, except through sales feedback. Crossing mql and sql at one
    moment records both entries at the same timestamp. One row per contact and stage entry. -#}

-- incremental runs recompute only the contacts of int_contacts_to_score
-- depends_on: {{ ref('int_contacts_to_score') }}

with

walked as (

    select * from {{ ref('int_lifecycle_stages_walked') }}
    where {{ is_contact_to_score() }}

),

config_version as (

    select config_version from {{ ref('int_scoring_config_versioned') }}

),

entries as (

    -- an sql entry from below mql with the mql qualification holding records mql first
    select
        contact_id,
        trigger_number,
        0 as entry_order,
        triggered_at,
        trigger_type,
        trigger_id,
        detail,
        total_score,
        stage_rank_before,
        3 as stage_rank,
        'score ' || cast(total_score as {{ dbt.type_string() }}) || ' reached the mql threshold '
        || cast(mql_min_score as {{ dbt.type_string() }})
        || coalesce(' with rule ' || mql_required_rule_id || ' matched', '') as reason
    from walked
    where is_mql_passed

    union all

    select
        contact_id,
        trigger_number,
        1 as entry_order,
        triggered_at,
        trigger_type,
        trigger_id,
        detail,
        total_score,
        case when is_mql_passed then 3 else stage_rank_before end as stage_rank_before,
        stage_rank,
        case trigger_type
            when 'created' then 'contact created'
            when 'conversion' then 'first conversion event: ' || detail
            when 'score'
                then
                    'score ' || cast(total_score as {{ dbt.type_string() }}) || ' reached the '
                    || case when stage_rank = 4 then 'sql' else 'mql' end || ' threshold '
                    || cast(
                        case when stage_rank = 4 then sql_min_score else mql_min_score end as {{ dbt.type_string() }}
                    )
                    || coalesce(
                        ' with rule '
                        || case when stage_rank = 4 then sql_required_rule_id else mql_required_rule_id end
                        || ' matched',
                        ''
                    )
            when 'feedback' then 'sales feedback ' || detail
            when 'deal_created' then 'deal ' || trigger_id || ' created'
            when 'deal_won' then 'deal ' || trigger_id || ' closed won'
        end as reason
    from walked
    where stage_rank <> stage_rank_before

),

final as (

    select
        -- what caused the entry names it: two entries of one stage can share a moment (feedback
        -- dated before created_at moves to created_at)
        {{ dbt.hash(
            "entries.contact_id || '|' || cast(entries.triggered_at as " ~ dbt.type_string() ~ ") || '|' || "
            ~ "entries.trigger_type || '|' || coalesce(entries.trigger_id, '') || '|' || "
            ~ "cast(entries.stage_rank as " ~ dbt.type_string() ~ ")"
        ) }} as stage_entry_id,
        entries.contact_id,
        {{ lifecycle_stage_name('entries.stage_rank') }} as stage,
        cast(entries.stage_rank as integer) as stage_rank,
        {{ lifecycle_stage_name('entries.stage_rank_before') }} as previous_stage,
        entries.triggered_at as entered_at,
        lead(entries.triggered_at) over (
            partition by entries.contact_id order by entries.trigger_number, entries.entry_order
        ) as exited_at,
        entries.trigger_type,
        entries.reason,
        entries.total_score as total_score_at_entry,
        cast(row_number() over (
            partition by entries.contact_id order by entries.trigger_number, entries.entry_order
        ) as integer) as entry_number,
        config_version.config_version
    from entries
    cross join config_version

)

select * from final
