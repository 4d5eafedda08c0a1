{{ config(
    materialized='incremental',
    incremental_strategy='replace_contacts',
    replaced_from_column='changed_at',
    on_schema_change='fail',
) }}

{#- event_count rules over time: the aggregate (count | distinct_channels | distinct_days of the
    matching events inside window_days) changes when an event happens and when it leaves the
    window; the rule's points change whenever its condition starts or stops holding. A condition
    that holds at zero gives its points from created_at. Summing points_change up to any time T
    gives int_rule_points_from_event_counts at T. is_held_change (+1 / -1) tracks whether the
    condition holds, for lifecycle required rules. One row per model, contact, rule and change. -#}

-- incremental runs recompute only the contacts of int_contacts_to_score
-- depends_on: {{ ref('int_contacts_to_score') }}

with

-- count aggregates here; distinct ones change in int_event_count_distinct_values_changed
matches as (

    select * from {{ ref('int_event_rule_matches') }}
    where kind = 'event_count'
        and aggregate = 'count'

),

-- rules that count the same thing (event type, filter, window, aggregate: e.g. 2-5 visits and
-- 6+ visits) share one aggregate, computed for the first of them (the signature rule)
rules as (

    select
        *,
        first_value(model_id) over signature as signature_model_id,
        first_value(rule_id) over signature as signature_rule_id,
        first_value(rule_number) over signature as signature_rule_number
    from {{ ref('stg_config__scoring_rules') }}
    where kind = 'event_count'
    window signature as (
        partition by
            field, filter_attribute, filter_operator, filter_value_text, filter_value_number,
            filter_value_low, filter_value_high, window_days, aggregate
        order by model_id, rule_id
    )

),

contacts as (

    select
        contact_id,
        contact_number,
        created_at
    from {{ ref('int_contacts_accepted') }}
    where {{ is_contact_to_score() }}
        and created_at <= {{ as_of_timestamp() }}

),

-- the signature rule's matches, as integers only (the window below sorts them; names are joined
-- back to the few changes at the end). A window of null days never ends (a span longer than any
-- data); the farthest a frame reaches is less than window_days.
counted_values as (

    select
        matches.rule_key,
        matches.rule_number,
        matches.contact_number,
        matches.occurred_at,
        matches.window_days,
        {{ epoch_microseconds('matches.occurred_at') }} as occurred_at_us,
        coalesce(matches.window_days * cast(86400000000 as bigint), cast(100000000000000000 as bigint))
            as window_us,
        coalesce(matches.window_days * cast(86400000000 as bigint), cast(100000000000000000 as bigint)) - 1
            as window_reach_us,
        matches.window_days is not null as has_window
    from matches
    inner join rules
        on matches.model_id = rules.model_id
        and matches.rule_id = rules.rule_id
    where rules.model_id = rules.signature_model_id
        and rules.rule_id = rules.signature_rule_id

),

-- count: a match is in the aggregate from its time t until t + window_days. One sort gives, at each
-- match's time, the count after the moment and the count after expiries but before arrivals at
-- that moment, and at its expiry time the count before the moment and after the expiries only
-- (range frames: peers share them). A moment with arrivals and expiries is split into expiries,
-- then arrivals, so each part is emitted once (by the first match of its peers) and adds up.
count_windows as (

    select
        rule_key,
        rule_number,
        contact_number,
        occurred_at,
        window_days,
        occurred_at_us,
        window_us,
        has_window,
        count(*) over (
            partition by rule_key order by occurred_at_us
            range between window_reach_us preceding and current row
        ) as value_after_arrivals,
        count(*) over (
            partition by rule_key order by occurred_at_us
            range between current row and window_reach_us following
        ) as value_before_expiries,
        -- the matches at this very time: what arrives (and later leaves) at once
        count(*) over (
            partition by rule_key order by occurred_at_us
            range between current row and current row
        ) as peer_matches,
        lag(occurred_at_us) over (partition by rule_key order by occurred_at_us) as previous_occurred_at_us
    from counted_values

),

-- each match gives two changes: its arrival and its expiry (read once, not twice)
count_change_parts as (

    select false as is_expiry
    union all
    select true as is_expiry

),

-- both parts of a peer group's first match, without reading count_windows twice
count_changes as (

    select
        count_windows.rule_number,
        count_windows.contact_number,
        case
            when parts.is_expiry
                then {{ dbt.dateadd('day', 'count_windows.window_days', 'count_windows.occurred_at') }}
            else count_windows.occurred_at
        end as changed_at,
        case when parts.is_expiry then count_windows.value_before_expiries - count_windows.peer_matches
            else count_windows.value_after_arrivals
        end as value_after,
        case when parts.is_expiry then count_windows.value_before_expiries
            else count_windows.value_after_arrivals - count_windows.peer_matches
        end as value_before
    from count_windows
    cross join count_change_parts as parts
    where (
        count_windows.previous_occurred_at_us is null
        or count_windows.previous_occurred_at_us <> count_windows.occurred_at_us
    )
    and (
        not parts.is_expiry
        or (
            count_windows.has_window
            and count_windows.occurred_at_us + count_windows.window_us
            <= {{ epoch_microseconds(as_of_timestamp()) }}
        )
    )

),

value_changes as (

    select * from count_changes
    where value_after <> value_before

    union all

    select
        rule_number,
        contact_number,
        changed_at,
        value_after,
        value_before
    from {{ ref('int_event_count_distinct_values_changed') }}
    where {{ is_contact_to_score('contact_number', 'contact_number') }}

),

-- the few values the aggregates take (counts): whether each rule of the signature holds at each
-- of them, evaluated once per rule and value rather than twice per change
rule_values as (

    select
        rule_number,
        value_after as aggregate_value
    from value_changes

    union

    select
        rule_number,
        value_before as aggregate_value
    from value_changes

),

rule_value_held as (

    select
        rules.model_id,
        rules.rule_id,
        rules.points,
        rules.signature_rule_number,
        rule_values.aggregate_value,
        case when {{ rule_condition_holds(
            'rules.operator', 'cast(rule_values.aggregate_value as ' ~ dbt.type_string() ~ ')',
            'rule_values.aggregate_value', 'rules.value_text', 'rules.value_number',
            'rules.value_low', 'rules.value_high'
        ) }} then 1 else 0 end as is_held
    from rule_values
    inner join rules
        on rule_values.rule_number = rules.signature_rule_number

),

-- whether the condition holds after and before each change (before the first change: at zero),
-- for every rule of the signature
held as (

    select
        held_after.model_id,
        held_after.rule_id,
        value_changes.contact_number,
        value_changes.changed_at,
        held_after.points,
        held_after.is_held,
        held_before.is_held as was_held
    from value_changes
    inner join rule_value_held as held_after
        on value_changes.rule_number = held_after.signature_rule_number
        and value_changes.value_after = held_after.aggregate_value
    inner join rule_value_held as held_before
        on held_after.model_id = held_before.model_id
        and held_after.rule_id = held_before.rule_id
        and value_changes.value_before = held_before.aggregate_value

),

held_changes as (

    select
        held.model_id,
        held.rule_id,
        contacts.contact_id,
        held.changed_at,
        held.points * (held.is_held - held.was_held) as points_change,
        held.is_held - held.was_held as is_held_change
    from held
    inner join contacts
        on held.contact_number = contacts.contact_number
    where held.is_held <> held.was_held

),

held_at_zero as (

    select
        rules.model_id,
        rules.rule_id,
        contacts.contact_id,
        contacts.created_at as changed_at,
        rules.points as points_change,
        1 as is_held_change
    from rules
    cross join contacts
    where {{ rule_condition_holds(
        'rules.operator', "'0'", '0', 'rules.value_text', 'rules.value_number',
        'rules.value_low', 'rules.value_high'
    ) }}

),

final as (

    select
        changes.model_id,
        changes.contact_id,
        changes.rule_id,
        rules.group_id,
        changes.changed_at,
        cast(changes.points_change as decimal(18, 2)) as points_change,
        cast(changes.is_held_change as integer) as is_held_change
    from (
        select * from held_changes
        union all
        select * from held_at_zero
    ) as changes
    inner join rules
        on changes.model_id = rules.model_id
        and changes.rule_id = rules.rule_id

)

select * from final
