{{ config(
    materialized='incremental',
    incremental_strategy='replace_contacts',
    on_schema_change='fail',
) }}

{#- Event rules (SPEC 4): of the events matching a rule at as_of, the max_occurrences most recent
    count, each giving points x w with w = max(0, 1 - decay_percent/100 * floor(age_days /
    decay_period_days)) of its group. Read from the spans of int_event_rule_spans: a match is
    inside window_days at as_of when it leaves the window after as_of, and counts when it has not
    stopped counting by as_of (newer matches push an event out only when they are as many as
    max_occurrences; equally old events share a weight, so ties do not change points).
    One row per model, contact and matched event rule. -#}

-- incremental runs recompute only the contacts of int_contacts_to_score
-- depends_on: {{ ref('int_contacts_to_score') }}

with

spans as (

    select * from {{ ref('int_event_rule_spans') }}
    where {{ is_contact_to_score('contact_number', 'contact_number') }}
        -- inside window_days at as_of (age_days < window_days)
        and (
            leaves_window_at is null
            or leaves_window_at > {{ as_of_timestamp() }}
        )

),

weighted as (

    select
        model_id,
        contact_number,
        rule_id,
        occurred_at,
        points,
        stops_counting_at is null or stops_counting_at > {{ as_of_timestamp() }} as is_counted,
        case
            when decay_percent is null or decay_period_days is null then 1
            else greatest(
                    0,
                    1 - decay_percent * 0.01 * cast(
                        floor({{ age_in_days('occurred_at', as_of_timestamp()) }} / decay_period_days) as integer
                    )
                )
        end as decay_weight
    from spans

),

-- per contact_number (the spans' key); the contact's name is joined to the aggregate
rule_points as (

    select
        model_id,
        contact_number,
        rule_id,
        cast(count(*) as integer) as matched_events,
        cast(count(case when is_counted then 1 end) as integer) as counted_events,
        -- each counted event's points are rounded to cents, so the score history adds up exactly
        coalesce(sum(case when is_counted then round(points * decay_weight, 2) end), 0) as points,
        min(case when is_counted then decay_weight end) < 1 as is_decayed,
        max(occurred_at) as last_event_at
    from weighted
    group by 1, 2, 3

),

final as (

    select
        rule_points.model_id,
        contacts.contact_id,
        rule_points.rule_id,
        rule_points.matched_events,
        rule_points.counted_events,
        rule_points.points,
        rule_points.is_decayed,
        rule_points.last_event_at
    from rule_points
    inner join {{ ref('int_contacts_accepted') }} as contacts
        on rule_points.contact_number = contacts.contact_number

)

select * from final
