{{ config(
    materialized='incremental',
    incremental_strategy='replace_contacts',
    replaced_from_column='changed_at',
    contact_key='contact_number',
    on_schema_change='fail',
) }}

{#- Distinct aggregates of event_count rules over time (distinct_channels, distinct_days): a value
    is in the aggregate over islands of its matches less than window_days apart, from the island's
    first match until window_days after its last one; the number of values changes at island
    starts and ends. Integers only (rule_number, contact_number), so the windows sort fast; a
    model of its own, so the matches are read once here and once for the count aggregates.
    One row per rule, contact and change of the aggregate (changes at one moment are not merged:
    their effects add up). -#}

-- incremental runs recompute only the contacts of int_contacts_to_score
-- depends_on: {{ ref('int_contacts_to_score') }}

with

matches as (

    select * from {{ ref('int_event_rule_matches') }}
    where kind = 'event_count'
        and aggregate <> 'count'

),

-- a window of null days never ends (a span longer than any data)
counted_values as (

    select
        rule_key,
        rule_number,
        contact_number,
        occurred_at,
        window_days,
        {{ epoch_microseconds('occurred_at') }} as occurred_at_us,
        coalesce(window_days * cast(86400000000 as bigint), cast(100000000000000000 as bigint)) as window_us,
        window_days is not null as has_window,
        case aggregate
            when 'distinct_channels' then channel
            when 'distinct_days' then cast(cast(occurred_at as date) as {{ dbt.type_string() }})
        end as counted_value
    from matches

),

-- distinct values: a value is in the aggregate over islands of its matches less than
-- window_days apart, from the island's first match until window_days after its last one
distinct_neighbours as (

    select
        rule_key,
        rule_number,
        contact_number,
        occurred_at,
        window_days,
        occurred_at_us,
        window_us,
        has_window,
        lag(occurred_at_us) over same_value as previous_occurred_at_us,
        lead(occurred_at_us) over same_value as next_occurred_at_us
    from counted_values
    -- equal times in any order give the same island starts and ends
    window same_value as (partition by rule_key, counted_value order by occurred_at_us)

),

island_change_parts as (

    select false as is_end
    union all
    select true as is_end

),

island_changes as (

    select
        distinct_neighbours.rule_key,
        distinct_neighbours.rule_number,
        distinct_neighbours.contact_number,
        case
            when parts.is_end
                then {{ dbt.dateadd('day', 'distinct_neighbours.window_days', 'distinct_neighbours.occurred_at') }}
            else distinct_neighbours.occurred_at
        end as changed_at,
        case when parts.is_end then -1 else 1 end as value_change
    from distinct_neighbours
    cross join island_change_parts as parts
    where (
        not parts.is_end
        and (
            distinct_neighbours.previous_occurred_at_us is null
            or distinct_neighbours.occurred_at_us
            >= distinct_neighbours.previous_occurred_at_us + distinct_neighbours.window_us
        )
    )
    or (
        parts.is_end
        and distinct_neighbours.has_window
        and (
            distinct_neighbours.next_occurred_at_us is null
            or distinct_neighbours.next_occurred_at_us
            >= distinct_neighbours.occurred_at_us + distinct_neighbours.window_us
        )
        and distinct_neighbours.occurred_at_us + distinct_neighbours.window_us
        <= {{ epoch_microseconds(as_of_timestamp()) }}
    )

),

-- changes at the same moment need no merging: their effects on the condition add up; ordered by
-- value_change too, so the rows of one moment come out the same in every build (incremental
-- runs compare and keep them)
distinct_running as (

    select
        rule_number,
        contact_number,
        changed_at,
        sum(value_change) over (
            partition by rule_key
            order by changed_at, value_change
            rows between unbounded preceding and current row
        ) as value_after,
        value_change
    from island_changes

),

final as (

    select
        rule_number,
        contact_number,
        changed_at,
        value_after,
        value_after - value_change as value_before
    from distinct_running

)

select * from final
