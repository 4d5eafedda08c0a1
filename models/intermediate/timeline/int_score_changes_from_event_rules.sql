{{ config(materialized='view') }}

{#- Event rules over time (SPEC 4 at every moment up to as_of): a matching event adds its points
    when it happens, loses weight at each decay step of its group, and stops counting when it
    leaves window_days or max_occurrences newer matches push it out. Summing these changes up to
    any time T gives the rule's points at T exactly as int_rule_points_from_events computes them
    for as_of (each event's points rounded to cents). The spans (when an event stops counting)
    come from int_event_rule_spans. Rows before the contact existed are kept; the timeline moves
    them to created_at. One row per model, contact, group and change time. -#}

-- incremental runs recompute only the contacts of int_contacts_to_score
-- depends_on: {{ ref('int_contacts_to_score') }}

with

counted_spans as (

    select * from {{ ref('int_event_rule_spans') }}
    where {{ is_contact_to_score('contact_number', 'contact_number') }}

),

-- 1..999: the decay steps an event can go through (a weight reaches 0 after 100 / decay_percent)
decay_steps as (

    select step_number as decay_step from {{ step_numbers() }} as steps

),

starts as (

    select
        model_id,
        contact_number,
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
        spans.contact_number,
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
        contact_number,
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
        contact_number,
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

-- exact cents: each change is already rounded to 2 places, so the running sums add up exactly
-- (a floor() in the weight would otherwise make them floating point)
final as (

    select
        model_id,
        contact_number,
        group_id,
        changed_at,
        cast(points_change as decimal(18, 2)) as points_change
    from (
        select * from starts
        union all
        select * from decays_while_counted
        union all
        select * from stops
    ) as changes

)

select * from final
