{{ config(
    materialized='incremental',
    incremental_strategy='replace_contacts',
    contact_key='contact_number',
    replaced_from_column='stops_counting_at',
    on_schema_change='fail',
) }}

{#- Event rules (SPEC 4), one row per match with the span in which it counts: from the event on
    until it leaves window_days (leaves_window_at) or max_occurrences newer matches push it out,
    whichever comes first (stops_counting_at; null = still counting at as_of).
    Written once and read by the scores at as_of (int_rule_points_from_events: the matches still
    counting then) and by the score timeline (int_score_changes_from_event_rules). Keyed by
    contact_number: the window sorts integers and numbers only, the rule's names are joined to its
    result, and ~10M rows are written without contact names.
    One row per model, rule and matching event. -#}

-- incremental runs recompute only the contacts of int_contacts_to_score
-- depends_on: {{ ref('int_contacts_to_score') }}

with

matches as (

    select * from {{ ref('int_event_rule_matches') }}
    where kind = 'event'

),

rules as (

    select
        rule_number,
        model_id,
        rule_id,
        group_id
    from {{ ref('stg_config__scoring_rules') }}

),

-- the max_occurrences-th newer match of the same rule and contact (null without a limit)
pushed_out as (

    select
        rule_number,
        contact_number,
        occurred_at,
        points,
        decay_percent,
        decay_period_days,
        {{ dbt.dateadd('day', 'window_days', 'occurred_at') }} as leaves_window_at,
        case
            when max_occurrences is not null
                -- equal times in any order give the same (occurred_at, stops_counting_at) rows
                then lead(occurred_at, coalesce(max_occurrences, 1)) over (
                        partition by rule_key
                        order by occurred_at
                    )
        end as pushed_out_at
    from matches

),

final as (

    select
        rules.model_id,
        rules.rule_id,
        rules.group_id,
        pushed_out.contact_number,
        pushed_out.occurred_at,
        pushed_out.points,
        pushed_out.decay_percent,
        pushed_out.decay_period_days,
        pushed_out.leaves_window_at,
        case
            when pushed_out.pushed_out_at is null then pushed_out.leaves_window_at
            when pushed_out.leaves_window_at is null or pushed_out.pushed_out_at < pushed_out.leaves_window_at
                then pushed_out.pushed_out_at
            else pushed_out.leaves_window_at
        end as stops_counting_at
    from pushed_out
    inner join rules
        on pushed_out.rule_number = rules.rule_number

)

select * from final
