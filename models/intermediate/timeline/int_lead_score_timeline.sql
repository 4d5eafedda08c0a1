{{ config(materialized='table') }}

{#- The SPEC 4 score of every contact and model at every moment it can change, up to as_of: the
    running sums of the capped rule changes, inactivity steps and sales-feedback adjustments, then
    inactivity, adjustments and clamping exactly as int_lead_scores_computed applies them at as_of
    (a test checks that the last row equals fct_lead_scores). For the lifecycle model it also
    carries what the lifecycle needs at that moment: how many feedbacks were given and whether the
    required rules of mql and sql are matched; conversion and deal times get a row of their own so
    every lifecycle trigger has its score. Changes before created_at count from created_at.
    One row per model, contact and change time. -#}

with

contacts as (

    select
        contact_id,
        created_at
    from {{ ref('int_contacts_accepted') }}
    where created_at <= {{ as_of_timestamp() }}

),

scoring_models as (

    select * from {{ ref('stg_config__scoring_models') }}

),

thresholds as (

    select * from {{ ref('stg_config__lifecycle_thresholds') }}

),

rules as (

    select * from {{ ref('stg_config__scoring_rules') }}

),

capped_changes as (

    select * from {{ ref('int_score_changes_capped') }}

),

inactivity_changes as (

    select * from {{ ref('int_score_changes_from_inactivity') }}

),

feedback as (

    select * from {{ ref('int_sales_feedback_validated') }}
    where reject_reason is null
        and created_at <= {{ as_of_timestamp() }}

),

conversions as (

    select
        contact_id,
        min(occurred_at) as converted_at
    from {{ ref('int_events_validated') }}
    where reject_reason is null
        and is_conversion
        and occurred_at <= {{ as_of_timestamp() }}
    group by 1

),

deals as (

    select * from {{ ref('int_deals_validated') }}
    where reject_reason is null

),

lifecycle_model as (

    select model_id from scoring_models
    where is_lifecycle_model

),

-- the rules mql / sql require, and when they start and stop being matched
required_rules as (

    select
        thresholds.model_id,
        thresholds.stage,
        rules.rule_id,
        rules.kind,
        rules.window_days
    from thresholds
    inner join rules
        on thresholds.model_id = rules.model_id
        and thresholds.required_rule_id = rules.rule_id

),

required_rule_changes as (

    select
        required_rules.model_id,
        required_rules.stage,
        matches.contact_id,
        matches.occurred_at as changed_at,
        1 as match_change
    from {{ ref('int_event_rule_matches') }} as matches
    inner join required_rules
        on matches.model_id = required_rules.model_id
        and matches.rule_id = required_rules.rule_id
    where required_rules.kind = 'event'

    union all

    select
        required_rules.model_id,
        required_rules.stage,
        matches.contact_id,
        {{ dbt.dateadd('day', 'required_rules.window_days', 'matches.occurred_at') }} as changed_at,
        -1 as match_change
    from {{ ref('int_event_rule_matches') }} as matches
    inner join required_rules
        on matches.model_id = required_rules.model_id
        and matches.rule_id = required_rules.rule_id
    where required_rules.kind = 'event'
        and required_rules.window_days is not null
        and {{ dbt.dateadd('day', 'required_rules.window_days', 'matches.occurred_at') }}
        <= {{ as_of_timestamp() }}

    union all

    select
        required_rules.model_id,
        required_rules.stage,
        changes.contact_id,
        changes.changed_at,
        changes.is_held_change as match_change
    from {{ ref('int_score_changes_from_event_count_rules') }} as changes
    inner join required_rules
        on changes.model_id = required_rules.model_id
        and changes.rule_id = required_rules.rule_id

    union all

    select
        required_rules.model_id,
        required_rules.stage,
        contacts.contact_id,
        contacts.created_at as changed_at,
        1 as match_change
    from {{ ref('int_rule_points_from_properties') }} as matches
    inner join required_rules
        on matches.model_id = required_rules.model_id
        and matches.rule_id = required_rules.rule_id
    inner join contacts
        on matches.contact_id = contacts.contact_id

),

all_changes as (

    -- every contact starts at created_at
    select
        scoring_models.model_id,
        contacts.contact_id,
        contacts.created_at as changed_at,
        0 as fit_change,
        0 as engagement_change,
        0 as penalty_change,
        0 as reset_change,
        0 as adjustment_change,
        0 as feedback_change,
        0 as mql_rule_change,
        0 as sql_rule_change,
        1 as is_marker
    from contacts
    cross join scoring_models

    union all

    select
        model_id,
        contact_id,
        changed_at,
        fit_change,
        engagement_change,
        0 as penalty_change,
        0 as reset_change,
        0 as adjustment_change,
        0 as feedback_change,
        0 as mql_rule_change,
        0 as sql_rule_change,
        0 as is_marker
    from capped_changes

    union all

    select
        model_id,
        contact_id,
        changed_at,
        0 as fit_change,
        0 as engagement_change,
        penalty_change,
        reset_change,
        0 as adjustment_change,
        0 as feedback_change,
        0 as mql_rule_change,
        0 as sql_rule_change,
        0 as is_marker
    from inactivity_changes

    union all

    select
        lifecycle_model.model_id,
        feedback.contact_id,
        feedback.created_at as changed_at,
        0 as fit_change,
        0 as engagement_change,
        0 as penalty_change,
        0 as reset_change,
        feedback.points as adjustment_change,
        1 as feedback_change,
        0 as mql_rule_change,
        0 as sql_rule_change,
        0 as is_marker
    from feedback
    cross join lifecycle_model

    union all

    select
        model_id,
        contact_id,
        changed_at,
        0 as fit_change,
        0 as engagement_change,
        0 as penalty_change,
        0 as reset_change,
        0 as adjustment_change,
        0 as feedback_change,
        case when stage = 'mql' then match_change else 0 end as mql_rule_change,
        case when stage = 'sql' then match_change else 0 end as sql_rule_change,
        0 as is_marker
    from required_rule_changes

    union all

    -- lifecycle triggers without a score change still need their moment on the timeline
    select
        lifecycle_model.model_id,
        triggers.contact_id,
        triggers.changed_at,
        0 as fit_change,
        0 as engagement_change,
        0 as penalty_change,
        0 as reset_change,
        0 as adjustment_change,
        0 as feedback_change,
        0 as mql_rule_change,
        0 as sql_rule_change,
        1 as is_marker
    from (
        select
            contact_id,
            converted_at as changed_at
        from conversions
        union all
        select
            contact_id,
            created_at as changed_at
        from deals
        where created_at <= {{ as_of_timestamp() }}
        union all
        select
            contact_id,
            closed_at as changed_at
        from deals
        where stage = 'closed_won'
            and closed_at <= {{ as_of_timestamp() }}
    ) as triggers
    cross join lifecycle_model

),

changes_by_time as (

    select
        all_changes.model_id,
        all_changes.contact_id,
        case
            when all_changes.changed_at < contacts.created_at then contacts.created_at
            else all_changes.changed_at
        end as changed_at,
        sum(all_changes.fit_change) as fit_change,
        sum(all_changes.engagement_change) as engagement_change,
        sum(all_changes.penalty_change) as penalty_change,
        sum(all_changes.reset_change) as reset_change,
        sum(all_changes.adjustment_change) as adjustment_change,
        sum(all_changes.feedback_change) as feedback_change,
        sum(all_changes.mql_rule_change) as mql_rule_change,
        sum(all_changes.sql_rule_change) as sql_rule_change
    from all_changes
    inner join contacts
        on all_changes.contact_id = contacts.contact_id
    group by 1, 2, 3
    -- a moment is kept when something changes (opposite changes at one moment cancel out) or a
    -- lifecycle trigger happens, so the set of moments does not depend on the order of equal times
    having max(all_changes.is_marker) = 1
        or sum(all_changes.fit_change) <> 0
        or sum(all_changes.engagement_change) <> 0
        or sum(all_changes.penalty_change) <> 0
        or sum(all_changes.reset_change) <> 0
        or sum(all_changes.adjustment_change) <> 0
        or sum(all_changes.feedback_change) <> 0
        or sum(all_changes.mql_rule_change) <> 0
        or sum(all_changes.sql_rule_change) <> 0

),

running as (

    select
        model_id,
        contact_id,
        changed_at,
        sum(fit_change) over (
            partition by model_id, contact_id order by changed_at rows between unbounded preceding and current row
        ) as running_fit,
        sum(engagement_change) over (
            partition by model_id, contact_id order by changed_at rows between unbounded preceding and current row
        ) as running_engagement,
        sum(penalty_change) over (
            partition by model_id, contact_id order by changed_at rows between unbounded preceding and current row
        ) as running_penalty,
        sum(reset_change) over (
            partition by model_id, contact_id order by changed_at rows between unbounded preceding and current row
        ) as running_reset,
        sum(adjustment_change) over (
            partition by model_id, contact_id order by changed_at rows between unbounded preceding and current row
        ) as running_adjustment,
        sum(feedback_change) over (
            partition by model_id, contact_id order by changed_at rows between unbounded preceding and current row
        ) as running_feedback,
        sum(mql_rule_change) over (
            partition by model_id, contact_id order by changed_at rows between unbounded preceding and current row
        ) as running_mql_rule,
        sum(sql_rule_change) over (
            partition by model_id, contact_id order by changed_at rows between unbounded preceding and current row
        ) as running_sql_rule,
        lead(changed_at) over (partition by model_id, contact_id order by changed_at) as next_changed_at
    from changes_by_time

),

-- SPEC 4: a reached reset zeroes engagement; a penalty never pushes engagement below zero
scored as (

    select
        running.model_id,
        running.contact_id,
        running.changed_at,
        running.running_fit as fit_score,
        running.running_engagement as engagement_raw,
        case
            when running.running_reset > 0 then 0
            when running.running_penalty = 0 then running.running_engagement
            when running.running_engagement <= 0 then running.running_engagement
            when running.running_penalty > running.running_engagement then 0
            else running.running_engagement - running.running_penalty
        end as engagement_score,
        case when scoring_models.is_lifecycle_model then running.running_adjustment else 0 end
            as adjustment_points,
        scoring_models.min_score,
        scoring_models.max_score,
        cast(running.running_feedback as integer) as feedback_count,
        running.running_mql_rule > 0 as is_mql_rule_matched,
        running.running_sql_rule > 0 as is_sql_rule_matched,
        -- the last change of a day gives the end-of-day score (fct_lead_score_history)
        running.next_changed_at is null
        or cast(running.next_changed_at as date) <> cast(running.changed_at as date) as is_last_of_day
    from running
    inner join scoring_models
        on running.model_id = scoring_models.model_id

),

final as (

    select
        model_id,
        contact_id,
        changed_at,
        cast(fit_score as decimal(18, 2)) as fit_score,
        cast(engagement_raw as decimal(18, 2)) as engagement_raw,
        cast(engagement_score as decimal(18, 2)) as engagement_score,
        cast(engagement_raw - engagement_score as decimal(18, 2)) as inactivity_penalty,
        cast(adjustment_points as decimal(18, 2)) as adjustment_points,
        cast(
            case
                when min_score is not null and fit_score + engagement_score + adjustment_points < min_score
                    then min_score
                when max_score is not null and fit_score + engagement_score + adjustment_points > max_score
                    then max_score
                else fit_score + engagement_score + adjustment_points
            end as decimal(18, 2)
        ) as total_score,
        feedback_count,
        is_mql_rule_matched,
        is_sql_rule_matched,
        is_last_of_day
    from scored

)

select * from final
