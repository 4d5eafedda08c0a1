{{ config(
    materialized='incremental',
    incremental_strategy='replace_contacts',
    replaced_from_column='triggered_at',
    on_schema_change='fail',
) }}

{#- The SPEC 5 state machine: each contact's triggers are read in order, carrying the stage
    (subscriber 1, lead 2, mql 3, sql 4, opportunity 5, customer 6) and whether score-based
    qualification is blocked. Per trigger:
    - conversion: subscriber -> lead (not while blocked);
    - score: unless blocked, excluded or already sql or later, sql when the sql qualification
      holds (recording mql at the same moment when the mql one holds too and the contact was below
      mql), else mql when the mql qualification holds;
    - feedback (below opportunity only): moves to its to_stage when that is lower (not_ready,
      unqualified) or is sql or higher (sales_ready); blocks_requalification blocks, a move to sql
      unblocks;
    - first deal -> opportunity, first won deal -> customer.
    One row per contact and trigger with the stage before and after it. -#}

-- incremental runs recompute only the contacts of int_contacts_to_score
-- depends_on: {{ ref('int_contacts_to_score') }}

with recursive

triggers as (

    select * from {{ ref('int_lifecycle_triggers') }}
    where {{ is_contact_to_score() }}

),

walked as (

    select
        contact_id,
        trigger_number,
        0 as stage_rank_before,
        1 as stage_rank,
        false as is_mql_passed,
        false as is_blocked
    from triggers
    where trigger_number = 1

    union all

    select
        triggers.contact_id,
        triggers.trigger_number,
        walked.stage_rank as stage_rank_before,
        case
            when triggers.trigger_type = 'conversion'
                then case when walked.stage_rank = 1 and not walked.is_blocked then 2 else walked.stage_rank end
            when triggers.trigger_type = 'score'
                then case
                        when walked.is_blocked or walked.stage_rank >= 4 then walked.stage_rank
                        when triggers.is_sql_qualified then 4
                        when triggers.is_mql_qualified and walked.stage_rank < 3 then 3
                        else walked.stage_rank
                    end
            when triggers.trigger_type = 'feedback'
                then case
                        when walked.stage_rank >= 5 or triggers.to_stage_rank is null then walked.stage_rank
                        when triggers.to_stage_rank < walked.stage_rank then triggers.to_stage_rank
                        when triggers.to_stage_rank >= 4 then triggers.to_stage_rank
                        else walked.stage_rank
                    end
            when triggers.trigger_type = 'deal_created'
                then case when walked.stage_rank < 5 then 5 else walked.stage_rank end
            when triggers.trigger_type = 'deal_won' then 6
            else walked.stage_rank
        end as stage_rank,
        triggers.trigger_type = 'score'
        and not walked.is_blocked
        and walked.stage_rank < 3
        and triggers.is_sql_qualified
        and triggers.is_mql_qualified as is_mql_passed,
        case
            when triggers.trigger_type <> 'feedback' or walked.stage_rank >= 5 then walked.is_blocked
            when triggers.blocks_requalification then true
            when triggers.to_stage_rank >= 4 then false
            else walked.is_blocked
        end as is_blocked
    from walked
    inner join triggers
        on walked.contact_id = triggers.contact_id
        and walked.trigger_number + 1 = triggers.trigger_number

),

final as (

    select
        triggers.*,
        walked.stage_rank_before,
        walked.stage_rank,
        walked.is_mql_passed,
        walked.is_blocked
    from walked
    inner join triggers
        on walked.contact_id = triggers.contact_id
        and walked.trigger_number = triggers.trigger_number

)

select * from final
