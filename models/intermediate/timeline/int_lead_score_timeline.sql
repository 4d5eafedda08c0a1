{{ config(materialized='table') }}

{#- The SPEC 4 score of every contact and model at every moment it can change, up to as_of: the
    running sums of the capped rule changes, inactivity steps and sales-feedback adjustments, then
    inactivity, adjustments and clamping exactly as int_lead_scores_computed applies them at as_of
    (a test checks that the last row equals fct_lead_scores). For the lifecycle model it also
    carries what the lifecycle needs at that moment: how many feedbacks were given and whether the
    required rules of mql and sql are matched. One row per model, contact and moment. -#}

with

changes_by_time as (

    select * from {{ ref('int_score_changes_merged') }}

),

scoring_models as (

    select * from {{ ref('stg_config__scoring_models') }}

),

running as (

    select
        model_id,
        contact_id,
        score_key,
        changed_at,
        sum(fit_change) over changes_so_far as running_fit,
        sum(engagement_change) over changes_so_far as running_engagement,
        sum(penalty_change) over changes_so_far as running_penalty,
        sum(reset_change) over changes_so_far as running_reset,
        sum(adjustment_change) over changes_so_far as running_adjustment,
        sum(feedback_change) over changes_so_far as running_feedback,
        sum(mql_rule_change) over changes_so_far as running_mql_rule,
        sum(sql_rule_change) over changes_so_far as running_sql_rule,
        sum(is_marker) over changes_so_far as running_markers,
        lead(changed_at) over (partition by score_key order by changed_at) as next_row_changed_at
    from changes_by_time
    -- a range frame: every row of one moment gets the state after the whole moment. score_key is
    -- one integer per contact and model: a much faster sort than model_id and contact_id strings
    window changes_so_far as (
        partition by score_key order by changed_at range between unbounded preceding and current row
    )

),

-- one row per moment (any of its rows: they share the state after the moment)
moments as (

    select * from running
    where next_row_changed_at is null or next_row_changed_at <> changed_at

),

-- a moment whose changes cancel out (e.g. a condition flipping on and off at one timestamp) is
-- kept for the end-of-day history but flagged: the lifecycle reads only moments with a change
moments_compared as (

    select
        *,
        lead(changed_at) over same_contact as next_changed_at,
        lag(running_markers) over same_contact as previous_markers,
        lag(running_fit) over same_contact as previous_fit,
        lag(running_engagement) over same_contact as previous_engagement,
        lag(running_penalty) over same_contact as previous_penalty,
        lag(running_reset) over same_contact as previous_reset,
        lag(running_adjustment) over same_contact as previous_adjustment,
        lag(running_feedback) over same_contact as previous_feedback,
        lag(running_mql_rule) over same_contact as previous_mql_rule,
        lag(running_sql_rule) over same_contact as previous_sql_rule
    from moments
    window same_contact as (partition by score_key order by changed_at)

),

-- SPEC 4: a reached reset zeroes engagement; a penalty never pushes engagement below zero
scored as (

    select
        running.model_id,
        running.contact_id,
        running.score_key,
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
        -- the last moment of a day gives the end-of-day score (fct_lead_score_history)
        running.next_changed_at is null
        or cast(running.next_changed_at as date) <> cast(running.changed_at as date) as is_last_of_day,
        -- did anything about the score change at this moment (the first moment always counts)
        running.previous_fit is null
        or running.running_fit <> running.previous_fit
        or running.running_engagement <> running.previous_engagement
        or running.running_penalty <> running.previous_penalty
        or running.running_reset <> running.previous_reset
        or running.running_adjustment <> running.previous_adjustment
        or running.running_feedback <> running.previous_feedback
        or running.running_mql_rule <> running.previous_mql_rule
        or running.running_sql_rule <> running.previous_sql_rule
            as has_score_change,
        -- a lifecycle trigger (created, first conversion, deal) happened at this moment
        running.previous_markers is null or running.running_markers <> running.previous_markers
            as has_marker
    from moments_compared as running
    inner join scoring_models
        on running.model_id = scoring_models.model_id

),

final as (

    select
        model_id,
        contact_id,
        score_key,
        changed_at,
        cast(fit_score as decimal(18, 2)) as fit_score,
        cast(engagement_score as decimal(18, 2)) as engagement_score,
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
        is_last_of_day,
        has_score_change or has_marker as has_change,
        has_score_change
    from scored

)

select * from final
