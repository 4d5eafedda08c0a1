{{ config(materialized='view') }}

{#- Event rules over time (SPEC 4 at every moment up to as_of): a matching event adds its points
    when it happens, loses weight at each decay step of its group, and stops counting when it
    leaves window_days or max_occurrences newer matches push it out. Summing these changes up to
    any time T gives the rule's points at T exactly as int_rule_points_from_events computes them
    for as_of (each event's points rounded to cents). Rows before the contact existed are kept;
    the timeline moves them to created_at. One row per model, contact, group and change time. -#}

with

matches as (

    select * from {{ ref('int_event_rule_matches') }}
    where kind = 'event'

),

rules as (

    select
        rules.model_id,
        rules.rule_id,
        rules.group_id,
        rules.points,
        rules.max_occurrences,
        rules.window_days,
        scoring_groups.decay_percent,
        scoring_groups.decay_period_days
    from {{ ref('stg_config__scoring_rules') }} as rules
    inner join {{ ref('stg_config__scoring_groups') }} as scoring_groups
        on rules.model_id = scoring_groups.model_id
        and rules.group_id = scoring_groups.group_id
    where rules.kind = 'event'

),

-- 1..999: the decay steps an event can go through (a weight reaches 0 after 100 / decay_percent)
digits as (

    select 0 as digit
    union all
    select 1
    union all
    select 2
    union all
    select 3
    union all
    select 4
    union all
    select 5
    union all
    select 6
    union all
    select 7
    union all
    select 8
    union all
    select 9

),

decay_steps as (

    select hundreds.digit * 100 + tens.digit * 10 + ones.digit as decay_step
    from digits as hundreds
    cross join digits as tens
    cross join digits as ones
    where hundreds.digit * 100 + tens.digit * 10 + ones.digit > 0

),

matches_with_rules as (

    select
        matches.model_id,
        matches.contact_id,
        matches.rule_id,
        matches.event_id,
        matches.occurred_at,
        rules.group_id,
        rules.points,
        rules.max_occurrences,
        rules.decay_percent,
        rules.decay_period_days,
        {{ dbt.dateadd('day', 'rules.window_days', 'matches.occurred_at') }} as leaves_window_at
    from matches
    inner join rules
        on matches.model_id = rules.model_id
        and matches.rule_id = rules.rule_id

),

-- an event stops counting when the max_occurrences-th newer match happens (ties by event_id)
pushed_out as (

    select
        *,
        lead(occurred_at, max_occurrences) over (
            partition by model_id, rule_id, contact_id
            order by occurred_at, event_id
        ) as pushed_out_at
    from matches_with_rules
    where max_occurrences is not null

    union all

    select
        *,
        cast(null as {{ dbt.type_timestamp() }}) as pushed_out_at
    from matches_with_rules
    where max_occurrences is null

),

counted_spans as (

    select
        model_id,
        contact_id,
        group_id,
        occurred_at,
        points,
        decay_percent,
        decay_period_days,
        case
            when pushed_out_at is null then leaves_window_at
            when leaves_window_at is null or pushed_out_at < leaves_window_at then pushed_out_at
            else leaves_window_at
        end as stops_counting_at
    from pushed_out

),

starts as (

    select
        model_id,
        contact_id,
        group_id,
        occurred_at as changed_at,
        round(points, 2) as points_change
    from counted_spans

),

-- the last decay step that changes an event's weight before as_of (the weight is 0 from
-- step ceil(100 / decay_percent) on)
decaying_spans as (

    select
        *,
        least(
            cast(ceil(100 / decay_percent) as integer),
            cast(floor({{ age_in_days('occurred_at', as_of_timestamp()) }} / decay_period_days) as integer)
        ) as last_decay_step
    from counted_spans
    where decay_percent is not null
        and decay_period_days is not null

),

-- at each decay step the weight drops to max(0, 1 - decay_percent / 100 * step)
decays as (

    select
        spans.model_id,
        spans.contact_id,
        spans.group_id,
        {{ dbt.dateadd('day', 'decay_steps.decay_step * spans.decay_period_days', 'spans.occurred_at') }}
            as changed_at,
        round(spans.points * greatest(0, 1 - spans.decay_percent * 0.01 * decay_steps.decay_step), 2)
        - round(spans.points * greatest(0, 1 - spans.decay_percent * 0.01 * (decay_steps.decay_step - 1)), 2)
            as points_change,
        spans.stops_counting_at
    from decaying_spans as spans
    inner join decay_steps
        on spans.last_decay_step >= decay_steps.decay_step

),

decays_while_counted as (

    select
        model_id,
        contact_id,
        group_id,
        changed_at,
        points_change
    from decays
    where changed_at <= {{ as_of_timestamp() }}
        -- a step at the very moment an event stops counting still applies: the stop gives back
        -- the decayed weight of that moment
        and (stops_counting_at is null or changed_at <= stops_counting_at)

),

-- when it stops counting, an event gives back the points it had left
stops as (

    select
        model_id,
        contact_id,
        group_id,
        stops_counting_at as changed_at,
        -round(points * case
            when decay_percent is null or decay_period_days is null then 1
            else greatest(0, 1 - decay_percent * 0.01 * floor(
                    {{ age_in_days('occurred_at', 'stops_counting_at') }} / decay_period_days
                ))
        end, 2) as points_change
    from counted_spans
    where stops_counting_at <= {{ as_of_timestamp() }}

),

final as (

    select * from starts
    union all
    select * from decays_while_counted
    union all
    select * from stops

)

select * from final
