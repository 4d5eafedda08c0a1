{{ config(
    materialized='incremental',
    incremental_strategy='replace_contacts',
    on_schema_change='fail',
) }}

{#- Why a contact has its score: one row per matched rule, plus one row for each group cap,
    the inactivity penalty or reset, the sales-feedback adjustment and the clamp, so the points
    of a contact and model add up to its total_score exactly. -#}

-- incremental runs recompute only the contacts of int_contacts_to_score
-- depends_on: {{ ref('int_contacts_to_score') }}

with

rule_points as (

    select * from {{ ref('int_rule_points') }}

),

group_points as (

    select * from {{ ref('int_group_points_capped') }}
    where {{ is_contact_to_score() }}

),

scores as (

    select * from {{ ref('int_lead_scores_computed') }}
    where {{ is_contact_to_score() }}

),

config_version as (

    select config_version from {{ ref('int_scoring_config_versioned') }}

),

rule_rows as (

    select
        contact_id,
        model_id,
        rule_id,
        'rule' as row_type,
        group_id,
        score_type,
        matched_events,
        points,
        reason
    from rule_points

),

cap_rows as (

    select
        contact_id,
        model_id,
        'cap:' || group_id as rule_id,
        'group_cap' as row_type,
        group_id,
        score_type,
        cast(null as integer) as matched_events,
        capped_points - raw_points as points,
        'group ' || group_id || ' capped at ' || cast(max_points as {{ dbt.type_string() }})
        || ' (rules gave ' || cast(raw_points as {{ dbt.type_string() }}) || ')' as reason
    from group_points
    where capped_points <> raw_points

),

inactivity_rows as (

    select
        contact_id,
        model_id,
        'inactivity' as rule_id,
        'inactivity' as row_type,
        cast(null as {{ dbt.type_string() }}) as group_id,
        'engagement' as score_type,
        cast(null as integer) as matched_events,
        -inactivity_penalty as points,
        case
            when is_engagement_reset then 'engagement reset: no activity '
            else 'inactivity penalty: no activity '
        end
        -- the date, not the number of days: a row stays true until the next step or activity
        || coalesce('since ' || cast(cast(last_activity_at as date) as {{ dbt.type_string() }}), 'since created')
        || ' (step '
        || cast(inactivity_step_days as {{ dbt.type_string() }}) || ' days reached)' as reason
    from scores
    where inactivity_penalty <> 0

),

adjustment_rows as (

    select
        contact_id,
        model_id,
        'sales_feedback' as rule_id,
        'adjustment' as row_type,
        cast(null as {{ dbt.type_string() }}) as group_id,
        cast(null as {{ dbt.type_string() }}) as score_type,
        cast(null as integer) as matched_events,
        adjustment_points as points,
        'sales feedback adjustments' as reason
    from scores
    where adjustment_points <> 0

),

clamp_rows as (

    select
        contact_id,
        model_id,
        'clamp' as rule_id,
        'clamp' as row_type,
        cast(null as {{ dbt.type_string() }}) as group_id,
        cast(null as {{ dbt.type_string() }}) as score_type,
        cast(null as integer) as matched_events,
        clamp_adjustment as points,
        'score clamped to the model''s bounds' as reason
    from scores
    where clamp_adjustment <> 0

),

final as (

    select * from rule_rows
    union all
    select * from cap_rows
    union all
    select * from inactivity_rows
    union all
    select * from adjustment_rows
    union all
    select * from clamp_rows

)

select
    final.contact_id,
    final.model_id,
    final.rule_id,
    final.row_type,
    final.group_id,
    final.score_type,
    final.matched_events,
    cast(final.points as decimal(18, 2)) as points,
    final.reason,
    config_version.config_version
from final
inner join scores
    on final.contact_id = scores.contact_id
    and final.model_id = scores.model_id
cross join config_version
