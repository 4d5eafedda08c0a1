{{ config(materialized='table') }}

{#- Event rules (SPEC 4): of the events matching a rule at as_of, the max_occurrences most recent
    count, each giving points x w with w = max(0, 1 - decay_percent/100 * floor(age_days /
    decay_period_days)) of its group. One row per model, contact and matched event rule. -#}

with

matches as (

    select * from {{ ref('int_event_rule_matches') }}
    where kind = 'event'
        and (window_days is null or age_days < window_days)

),

rules as (

    select
        rules.model_id,
        rules.rule_id,
        rules.group_id,
        rules.points,
        rules.max_occurrences,
        scoring_groups.decay_percent,
        scoring_groups.decay_period_days
    from {{ ref('stg_config__scoring_rules') }} as rules
    inner join {{ ref('stg_config__scoring_groups') }} as scoring_groups
        on rules.model_id = scoring_groups.model_id
        and rules.group_id = scoring_groups.group_id
    where rules.kind = 'event'

),

-- events of one decay step share a weight, so they are counted per step, not one by one
matches_by_step as (

    select
        model_id,
        rule_id,
        contact_id,
        decay_step,
        count(*) as matched_events,
        max(occurred_at) as last_event_at
    from matches
    group by 1, 2, 3, 4

),

-- events of the more recent decay steps of the same rule and contact (0 for the most recent step)
steps_ranked as (

    select
        *,
        coalesce(
            sum(matched_events) over (
                partition by model_id, rule_id, contact_id
                order by decay_step
                rows between unbounded preceding and 1 preceding
            ),
            0
        ) as matched_in_recent_steps
    from matches_by_step

),

-- the max_occurrences most recent events: whole decay steps from the most recent one on, until
-- the limit is reached (events of one step have equal weight, so ties do not change points)
steps_counted as (

    select
        steps_ranked.model_id,
        steps_ranked.contact_id,
        steps_ranked.rule_id,
        steps_ranked.matched_events,
        steps_ranked.last_event_at,
        rules.points,
        case
            when rules.decay_percent is null or rules.decay_period_days is null then 1
            else greatest(0, 1 - rules.decay_percent * 0.01 * steps_ranked.decay_step)
        end as decay_weight,
        case
            when rules.max_occurrences is null then steps_ranked.matched_events
            -- the rest of the limit left after the more recent steps, never below 0
            else least(
                    steps_ranked.matched_events,
                    greatest(0, rules.max_occurrences - steps_ranked.matched_in_recent_steps)
                )
        end as counted_events
    from steps_ranked
    inner join rules
        on steps_ranked.model_id = rules.model_id
        and steps_ranked.rule_id = rules.rule_id

),

final as (

    select
        model_id,
        contact_id,
        rule_id,
        cast(sum(matched_events) as integer) as matched_events,
        cast(sum(counted_events) as integer) as counted_events,
        -- each counted event's points are rounded to cents, so the score history adds up exactly
        sum(round(points * decay_weight, 2) * counted_events) as points,
        min(case when counted_events > 0 then decay_weight end) < 1 as is_decayed,
        max(last_event_at) as last_event_at
    from steps_counted
    group by 1, 2, 3

)

select * from final
